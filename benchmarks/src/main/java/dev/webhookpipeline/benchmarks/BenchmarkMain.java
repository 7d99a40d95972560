package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.settings.JarVersion;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The benchmark: ceilings, the dispatcher alone, the dispatcher beside its peers (a plain batching
 * loop, Confluent Parallel Consumer), the pipeline end to end, memory at scale and scaling out, all in one run on one broker, each figure next to the ceiling it is compared
 * with. Prints a Markdown table; {@code --write BENCHMARKS.md} also records it there.
 */
@Command(name = "benchmarks", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {"Measures the pipeline against this machine's own ceilings, in one run: starts a",
                "Kafka broker, a schema registry and a loopback receiver, prints progress and then a table.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "1:a measurement failed (the message says which and where its logs are)",
                "2:bad arguments"})
public final class BenchmarkMain implements Callable<Integer> {

    /** The sections, in the order they run. */
    enum Section {
        DISPATCHER, PEERS, END_TO_END, MEMORY, STATUS, SCALE_OUT;

        /** As written on the command line: {@code end-to-end}. */
        String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Section fromCli(String text) {
            for (Section s : values()) {
                if (s.cliName().equalsIgnoreCase(text.strip()) || s.name().equalsIgnoreCase(text.strip())) {
                    return s;
                }
            }
            throw new CommandLine.TypeConversionException("'" + text + "' is not a section; use one of "
                    + Arrays.stream(values()).map(Section::cliName).toList());
        }
    }

    @Option(names = "--only", split = ",", paramLabel = "SECTION", converter = SectionConverter.class,
            description = "Run only these sections: dispatcher, peers, end-to-end, memory, status, scale-out (default: all).")
    Set<Section> only = EnumSet.allOf(Section.class);

    static final class SectionConverter implements CommandLine.ITypeConverter<Section> {
        @Override
        public Section convert(String value) {
            return Section.fromCli(value);
        }
    }

    @Option(names = "--quick", description = "Small sizes: checks the benchmark works in about two minutes; the figures mean little.")
    boolean quick;

    @Option(names = "--write", paramLabel = "FILE",
            description = "Also write the results into FILE (e.g. BENCHMARKS.md), replacing its \"## Results\" section.")
    Path write;

    /** Where the broker's and the pipeline's own logs go while the benchmark runs. */
    static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), "webhook-benchmark.log");

    public static void main(String[] args) {
        // Before anything logs: keep the console for progress and the table.
        System.setProperty("logback.configurationFile", "benchmark-logback.xml");
        System.exit(new CommandLine(new BenchmarkMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Results results = run(quick ? Sizes.QUICK : Sizes.FULL, only);
        System.out.println(results.markdown());
        if (write != null) {
            results.write(write, quick ? "Quick run (--quick: small sizes)" : "Full run");
            progress("results written to " + write);
        }
        return 0;
    }

    /** Runs the sections on a fresh broker, registry and receiver. */
    static Results run(Sizes sizes, Set<Section> sections) throws Exception {
        SchemaClasses.trust();
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", SchemaClasses.PACKAGE);
        Results results = new Results();
        long start = System.nanoTime();
        progress("logs of the broker and the pipeline: " + LOG);
        try (Bench bench = Bench.start()) {
            for (Section section : Section.values()) {
                if (!sections.contains(section)) {
                    continue;
                }
                progress("== " + section.cliName());
                switch (section) {
                    case DISPATCHER -> DispatcherThroughput.run(bench, sizes, results);
                    case PEERS -> PeerComparison.run(bench, sizes, results);
                    case END_TO_END -> EndToEnd.run(bench, sizes, results);
                    case MEMORY -> Memory.run(bench, sizes, results);
                    case STATUS -> StatusAtScale.run(bench, sizes, results);
                    case SCALE_OUT -> ScaleOut.run(bench, sizes, results);
                }
            }
        }
        progress(String.format(Locale.ROOT, "done in %.0f s", (System.nanoTime() - start) / 1e9));
        return results;
    }

    static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
