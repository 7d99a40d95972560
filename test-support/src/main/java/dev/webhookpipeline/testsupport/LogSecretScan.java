package dev.webhookpipeline.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Looks for every secret the tests configured ({@link TestSecrets}) in every log the suite wrote,
 * in every module of the build: {@code <module>/target/test-logs/**} (the tests' own log and the
 * logs of the processes they start: router, dispatcher, the local launcher's children) and the
 * tests' captured output, {@code <module>/target/{surefire,failsafe}-reports/*-output.txt}. A secret
 * is looked for as written, JSON-escaped and base64-encoded. A finding names the file, the line and
 * the secret's label, never the secret.
 */
public final class LogSecretScan {

    /** One secret found in one line of a log. */
    public record Hit(Path file, long line, String secretLabel) {
        @Override
        public String toString() {
            return file + ":" + line + " holds the secret of " + secretLabel;
        }
    }

    private LogSecretScan() {}

    /** The secrets recorded by every module's tests under {@code root}, by value, with their labels. */
    public static Map<String, String> recordedSecrets(Path root) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (Path module : modules(root)) {
            for (Path file : filesUnder(module, "test-secrets")) {
                for (String line : readLines(file)) {
                    int tab = line.indexOf('\t');
                    if (tab > 0 && tab < line.length() - 1) {
                        labels.putIfAbsent(line.substring(tab + 1), line.substring(0, tab));
                    }
                }
            }
        }
        return labels;
    }

    /** Every line of every log of every module under {@code root} (the project) that holds one of {@code secrets}. */
    public static List<Hit> scan(Path root, Map<String, String> secrets) {
        List<Hit> hits = new ArrayList<>();
        for (Path module : modules(root)) {
            hits.addAll(scanModule(module, secrets).stream()
                    .map(h -> new Hit(root.relativize(module.resolve(h.file())), h.line(), h.secretLabel())).toList());
        }
        return hits;
    }

    /**
     * Every line of the logs of one module ({@code module}, e.g. {@code Path.of("")} for the module
     * under test) that holds one of {@code secrets} (value → label); files are named relative to it.
     */
    public static List<Hit> scanModule(Path module, Map<String, String> secrets) {
        Map<String, String> forms = new LinkedHashMap<>();
        secrets.forEach((secret, label) -> {
            forms.putIfAbsent(secret, label);
            forms.putIfAbsent(secret.replace("\\", "\\\\").replace("\"", "\\\""), label + " (JSON-escaped)");
            forms.putIfAbsent(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)), label + " (base64)");
        });
        List<Hit> hits = new ArrayList<>();
        for (Path log : logs(module)) {
            // ISO-8859-1 reads any bytes; the secrets are ASCII, so they match byte for byte.
            try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.ISO_8859_1)) {
                String line;
                long number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    for (Map.Entry<String, String> form : forms.entrySet()) {
                        if (line.contains(form.getKey())) {
                            hits.add(new Hit(module.relativize(log), number, form.getValue()));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + log, e);
            }
        }
        return hits;
    }

    /** The logs a module's tests wrote: {@code target/test-logs/**} and the captured test output. */
    static List<Path> logs(Path module) {
        List<Path> logs = new ArrayList<>(filesUnder(module, "test-logs"));
        for (String reports : List.of("surefire-reports", "failsafe-reports")) {
            filesUnder(module, reports).stream().filter(f -> f.getFileName().toString().endsWith("-output.txt")).forEach(logs::add);
        }
        return logs;
    }

    private static List<Path> modules(Path root) {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** The regular files in {@code <module>/target/<dir>/**}. */
    private static List<Path> filesUnder(Path module, String dir) {
        Path target = module.resolve("target").resolve(dir);
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(target)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + target, e);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
