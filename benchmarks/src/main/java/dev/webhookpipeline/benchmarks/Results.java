package dev.webhookpipeline.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rows of one benchmark run, grouped by section, printed as Markdown tables. */
final class Results {

    /**
     * One measurement: how many, the figure as printed and how it compares with its ceiling;
     * {@code value} is the figure's number (per second, MiB or the p99 in ms).
     */
    record Row(String section, String scenario, String count, String figure, String comparison, double value) {}

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(String section, String scenario, long count, double seconds, String comparison) {
        rows.add(new Row(section, scenario, String.format(Locale.ROOT, "%,d", count),
                String.format(Locale.ROOT, "%,.0f /s (%.2f s)", count / seconds, seconds), comparison, count / seconds));
        BenchmarkMain.progress(section + " | " + scenario + ": " + rows.get(rows.size() - 1).figure() + " " + comparison);
    }

    synchronized void add(Row row) {
        rows.add(row);
        BenchmarkMain.progress(row.section() + " | " + row.scenario() + ": " + row.figure() + " " + row.comparison());
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    static String ratio(double value, double ceiling, String ofWhat) {
        return String.format(Locale.ROOT, "%.2f of %s", value / ceiling, ofWhat);
    }

    /** One table per section, in the order sections first reported. */
    synchronized String markdown() {
        Map<String, List<Row>> bySection = new LinkedHashMap<>();
        rows.forEach(r -> bySection.computeIfAbsent(r.section(), s -> new ArrayList<>()).add(r));
        StringBuilder out = new StringBuilder();
        bySection.forEach((section, sectionRows) -> {
            out.append("\n### ").append(section).append("\n\n| scenario | count | figure | compared with |\n|---|---:|---:|---|\n");
            for (Row r : sectionRows) {
                out.append("| ").append(r.scenario()).append(" | ").append(r.count()).append(" | ").append(r.figure())
                        .append(" | ").append(r.comparison()).append(" |\n");
            }
        });
        return out.toString();
    }

    static String machine() {
        long memTotalKb = 0;
        String cpu = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memTotalKb = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the core count and Java version still say something
        }
        return String.format(Locale.ROOT, "%d cores%s, %s RAM, Java %s, %s", Runtime.getRuntime().availableProcessors(),
                cpu.isEmpty() ? "" : " (" + cpu + ")", memTotalKb == 0 ? "?" : (memTotalKb >> 20) + " GiB",
                Runtime.version(), System.getProperty("os.name"));
    }

    /** Replaces everything below the "## Results" heading of {@code file} with this run. */
    void write(Path file, String title) throws IOException {
        String section = "## Results\n\n" + title + " — " + LocalDate.now() + ", " + machine() + "\n" + markdown();
        String existing = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
        int at = existing.indexOf("## Results");
        Files.writeString(file, (at < 0 ? existing + "\n" : existing.substring(0, at)) + section);
    }
}
