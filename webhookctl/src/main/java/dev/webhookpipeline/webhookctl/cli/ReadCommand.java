package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicSpec;
import dev.webhookpipeline.webhookctl.inspect.RangeBound;
import dev.webhookpipeline.webhookctl.inspect.RecordJson;
import dev.webhookpipeline.webhookctl.inspect.TopicChoice;
import dev.webhookpipeline.webhookctl.inspect.TopicRangeReader;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "read", mixinStandardHelpOptions = true,
        description = {"Decode a range of a pipeline topic to JSON, one line per record.",
                "Each record is decoded through the schema registry and printed on stdout as",
                "  {\"topic\",\"partition\",\"offset\",\"timestamp\",\"key\",\"headers\":{...},\"value\":{...}}",
                "A record whose value does not decode is printed too, with \"undecodable\":{\"reason\",\"message\"} and"
                        + " its bytes as \"value_base64\" (withheld for tenant configs, which may hold a secret).",
                "Secrets are always masked. Progress and totals go to stderr, so stdout can be piped to jq.",
                "TOPIC: events, outbound, config (tenant-config), dead-letter, delivery-state, control,"
                        + " operator-log, or a full topic name.",
                "--from/--to take " + RangeBound.FORMS + "; --from is included, --to is not; a time stands for"
                        + " each partition's first record at or after it (Kafka's offsetsForTimes); an offset applies to"
                        + " every partition read.",
                "Exit code: 0 done; 1 Kafka or the schema registry failed (stderr says how far the read got);"
                        + " 2 invalid command line (unknown topic, bad time)."})
final class ReadCommand implements Callable<Integer> {

    @ParentCommand
    WebhookCtl top;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic to read.")
    String topic;

    @Option(names = "--tenant", paramLabel = "ID", description = "Only this tenant's records (only its partition is read).")
    String tenant;

    @Option(names = "--type", paramLabel = "EVENT_TYPE",
            description = "Only events or webhooks of this type (events, outbound and their dead letters).")
    String type;

    @Option(names = "--from", paramLabel = "WHERE", description = "Start here (default: the beginning).")
    String from;

    @Option(names = "--to", paramLabel = "WHERE", description = "Stop before here (default: the end, or never with --follow).")
    String to;

    @Option(names = "--partition", paramLabel = "N", description = "Only this partition.")
    Integer partition;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N records.")
    Long limit;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records as they arrive (Ctrl-C stops).")
    boolean follow;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PipelineSettings settings = top.settings(Map.of());
        PipelineTopics topics = settings.topics();
        TopicSpec<?, ?> chosen = usage(() -> TopicChoice.resolve(topics, topic));
        EventType wanted = type == null ? null : usage(() -> EventLineParser.eventType(type));
        if (wanted != null && !List.of(topics.events(), topics.outbound(), topics.deadLetter()).contains(chosen)) {
            throw new ParameterException(spec.commandLine(), "--type filters the events, outbound and dead-letter topics, not "
                    + chosen.name());
        }
        if (limit != null && limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must not be negative");
        }
        TopicRangeReader.Range range = new TopicRangeReader.Range(
                from == null ? new RangeBound.Beginning() : usage(() -> RangeBound.parse("--from", from, clock)),
                to == null ? null : usage(() -> RangeBound.parse("--to", to, clock)), partition, tenant, follow);

        AnalystSession session = AnalystSession.open(settings);
        RecordJson json = new RecordJson(topics, session.registry());
        long[] printed = {0};
        long[] undecodable = {0};
        AtomicBoolean stopped = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            stopped.set(true);
            try {
                finished.await(5, TimeUnit.SECONDS); // let the totals be printed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (follow) {
            Runtime.getRuntime().addShutdownHook(onCtrlC);
        }
        // Each partition's next offset to print: where to resume with --from if the registry fails mid-read.
        Map<Integer, Long> resumeAt = new TreeMap<>();
        try (TopicRangeReader reader = new TopicRangeReader(settings.kafkaProperties())) {
            TopicRangeReader.Progress done = usage(() -> reader.read(chosen.name(), range, record -> {
                if (limit != null && printed[0] >= limit) {
                    return false;
                }
                resumeAt.putIfAbsent(record.partition(), record.offset());
                RecordJson.Decoded decoded = json.decode(chosen, record);
                resumeAt.put(record.partition(), record.offset() + 1);
                if (wanted != null && decoded instanceof RecordJson.Decoded.Value value
                        && RecordJson.eventType(value.value()).filter(wanted::equals).isEmpty()) {
                    return true;
                }
                if (decoded instanceof RecordJson.Decoded.Undecodable) {
                    undecodable[0]++; // printed whatever the filters: its type cannot be known
                }
                ObjectNode line = json.toJson(chosen, record, decoded);
                out.println(line.toString());
                printed[0]++;
                return limit == null || printed[0] < limit;
            }, progress -> err.println("... " + progress.recordsRead() + " records read, " + printed[0] + " printed"),
                    stopped::get));
            err.println("read " + done.recordsRead() + " records of " + chosen.name() + ", printed " + printed[0]
                    + (undecodable[0] > 0 ? " (" + undecodable[0] + " undecodable)" : "") + "; next offsets "
                    + done.positions().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                    .collect(Collectors.joining(" ")));
            return 0;
        } catch (RuntimeException e) {
            if (!resumeAt.isEmpty()) {
                err.println("stopped after printing " + printed[0] + " records; resume with --from <offset> --partition <p>"
                        + " at " + resumeAt.entrySet().stream().map(p -> p.getKey() + ":" + p.getValue())
                        .collect(Collectors.joining(" ")));
            }
            throw e;
        } finally {
            finished.countDown();
            if (follow && !stopped.get()) {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            }
        }
    }

    private <T> T usage(Supplier<T> step) {
        return AnalystSession.usage(spec, step);
    }
}
