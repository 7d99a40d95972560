package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicSpec;
import dev.webhookpipeline.webhookctl.audit.OperatorLog;
import dev.webhookpipeline.webhookctl.inspect.RangeBound;
import dev.webhookpipeline.webhookctl.inspect.RecordJson;
import dev.webhookpipeline.webhookctl.inspect.TopicChoice;
import dev.webhookpipeline.webhookctl.inspect.TopicRangeReader;
import dev.webhookpipeline.webhookctl.requeue.DeadLetterRequeue;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = {"Inspect the dead-letter topic and requeue records after a fix.",
                "A dead letter is named by its PARTITION:OFFSET on the dead-letter topic (as `list` prints it)."},
        subcommands = {DeadLettersCommand.ListDeadLetters.class, DeadLettersCommand.Show.class,
                DeadLettersCommand.Requeue.class})
final class DeadLettersCommand {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @ParentCommand
    WebhookCtl top;

    /** Which dead letters: the filters {@code list} and {@code requeue} share. */
    static final class Selection {
        @Option(names = "--tenant", paramLabel = "ID", description = "Only dead letters keyed by this tenant.")
        String tenant;

        @Option(names = "--reason", paramLabel = "REASON", description = "Only this dlq.reason, e.g. UNKNOWN_SCHEMA_ID.")
        String reason;

        @Option(names = "--source", paramLabel = "TOPIC", description = "Only dead letters from this topic (events, config, outbound).")
        String source;

        @Option(names = "--from", paramLabel = "WHERE", description = "Start here on the dead-letter topic: " + RangeBound.FORMS + ".")
        String from;

        @Option(names = "--to", paramLabel = "WHERE", description = "Stop before here.")
        String to;

        @Option(names = "--partition", paramLabel = "N", description = "Only this partition of the dead-letter topic.")
        Integer partition;
    }

    /** Reads the selected dead letters, in offset order per partition, handing each to {@code sink} until it returns false. */
    void select(CommandSpec spec, PipelineSettings settings, Selection selection, Long limit,
                TopicRangeReader.Sink sink) {
        PipelineTopics topics = settings.topics();
        String sourceTopic = selection.source == null ? null
                : AnalystSession.usage(spec, () -> TopicChoice.resolve(topics, selection.source)).name();
        Clock clock = Clock.systemUTC();
        TopicRangeReader.Range range = new TopicRangeReader.Range(
                selection.from == null ? new RangeBound.Beginning()
                        : AnalystSession.usage(spec, () -> RangeBound.parse("--from", selection.from, clock)),
                selection.to == null ? null : AnalystSession.usage(spec, () -> RangeBound.parse("--to", selection.to, clock)),
                selection.partition, selection.tenant, false);
        long[] taken = {0};
        try (TopicRangeReader reader = new TopicRangeReader(settings.kafkaProperties())) {
            AnalystSession.usage(spec, () -> reader.read(topics.deadLetter().name(), range, record -> {
                if (selection.reason != null && !selection.reason.equals(header(record, DeadLetterHeaders.REASON))
                        || sourceTopic != null && !sourceTopic.equals(header(record, DeadLetterHeaders.SOURCE_TOPIC))) {
                    return true;
                }
                taken[0]++;
                return sink.accept(record) && (limit == null || taken[0] < limit);
            }, progress -> spec.commandLine().getErr().println("... " + progress.recordsRead() + " dead letters read"),
                    () -> false));
        }
    }

    /** The dead letters with these ids, in the order given; exits 2 for an id that is not PARTITION:OFFSET. */
    List<Lookup> lookUp(CommandSpec spec, PipelineSettings settings, List<String> ids) {
        List<Lookup> found = new ArrayList<>();
        String topic = settings.topics().deadLetter().name();
        try (TopicRangeReader reader = new TopicRangeReader(settings.kafkaProperties())) {
            for (String id : ids) {
                String[] parts = id.strip().split(":");
                if (parts.length != 2 || !parts[0].matches("\\d{1,9}") || !parts[1].matches("\\d{1,18}")) {
                    throw new ParameterException(spec.commandLine(), "dead letter '" + id
                            + "' is not PARTITION:OFFSET, e.g. 3:1207 (as `dead-letters list` prints it)");
                }
                int partition = Integer.parseInt(parts[0]);
                long offset = Long.parseLong(parts[1]);
                Optional<ConsumerRecord<byte[], byte[]>> record = AnalystSession.usage(spec, () -> reader.fetch(topic, partition, offset));
                found.add(new Lookup(id.strip(), record.orElse(null)));
            }
        }
        return found;
    }

    record Lookup(String id, ConsumerRecord<byte[], byte[]> record) {}

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return DeadLetterHeaders.header(record.headers(), name);
    }

    static String tenantOf(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "(no key)" : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** One dead letter in a line: where it is, why, where from; never its value. */
    static ObjectNode summary(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode node = NODES.objectNode();
        node.put("id", record.partition() + ":" + record.offset());
        node.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        node.put("tenant", tenantOf(record));
        node.put("reason", header(record, DeadLetterHeaders.REASON));
        node.put("message", header(record, DeadLetterHeaders.MESSAGE));
        node.put("component", header(record, DeadLetterHeaders.COMPONENT));
        node.put("source", header(record, DeadLetterHeaders.SOURCE_TOPIC) + "/" + header(record, DeadLetterHeaders.SOURCE_PARTITION)
                + "/" + header(record, DeadLetterHeaders.SOURCE_OFFSET));
        String note = header(record, DeadLetterHeaders.VALUE);
        if (note != null) {
            node.put("value_note", note);
        }
        return node;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List dead letters as JSON lines (id, timestamp, tenant, reason, message, component, source"
                    + " topic/partition/offset, whether it was requeued), never their values.",
                    "Counts by reason and by tenant go to stderr; with --counts they are printed on stdout as one JSON"
                            + " object instead of the list."})
    static final class ListDeadLetters implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand deadLetters;

        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = false)
        Selection selection = new Selection();

        @Option(names = "--limit", paramLabel = "N", description = "List at most N.")
        Long limit;

        @Option(names = "--counts", description = "Print only the counts, as JSON.")
        boolean countsOnly;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PipelineSettings settings = deadLetters.top.settings(Map.of());
            AnalystSession session = AnalystSession.open(settings);
            Map<String, String> requeued = new TreeMap<>();
            try (OperatorLog log = new OperatorLog(settings.kafkaProperties(), session.registry(), settings.topics())) {
                log.all().stream().filter(a -> a.getDeadLetter() != null)
                        .forEach(a -> requeued.put(a.getDeadLetter(), a.getWrittenTo()));
            }
            Map<String, Long> byReason = new TreeMap<>();
            Map<String, Long> byTenant = new TreeMap<>();
            long[] total = {0};
            deadLetters.select(spec, settings, selection, limit, record -> {
                total[0]++;
                byReason.merge(String.valueOf(header(record, DeadLetterHeaders.REASON)), 1L, Long::sum);
                byTenant.merge(tenantOf(record), 1L, Long::sum);
                if (!countsOnly) {
                    ObjectNode line = summary(record);
                    String requeuedTo = requeued.get(DeadLetterRequeue.coordinates(record.topic(), record.partition(),
                            record.offset()));
                    if (requeuedTo != null) {
                        line.put("requeued_to", requeuedTo);
                    }
                    out.println(line.toString());
                }
                return true;
            });
            if (countsOnly) {
                ObjectNode counts = NODES.objectNode().put("total", total[0]);
                byReason.forEach(counts.putObject("by_reason")::put);
                byTenant.forEach(counts.putObject("by_tenant")::put);
                out.println(counts.toString());
            }
            PrintWriter err = spec.commandLine().getErr();
            err.println(total[0] + " dead letter" + (total[0] == 1 ? "" : "s"));
            if (total[0] > 0) {
                err.println("by reason: " + format(byReason));
                err.println("by tenant: " + format(byTenant));
            }
            return 0;
        }

        private static String format(Map<String, Long> counts) {
            return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print dead letters in full, one JSON line each: headers (the reason, the source) and the"
                    + " original value, decoded with its source topic's schema when it decodes, else as base64.",
                    "Exit code: 0 all found; 1 one of them does not exist (deleted by retention, or never written)."})
    static final class Show implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand deadLetters;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "PARTITION:OFFSET", description = "The dead letters to show.")
        List<String> ids;

        @Override
        public Integer call() {
            PipelineSettings settings = deadLetters.top.settings(Map.of());
            AnalystSession session = AnalystSession.open(settings);
            TopicSpec<?, ?> deadLetterTopic = settings.topics().deadLetter();
            RecordJson json = new RecordJson(settings.topics(), session.registry());
            int missing = 0;
            for (Lookup lookup : deadLetters.lookUp(spec, settings, ids)) {
                if (lookup.record() == null) {
                    spec.commandLine().getErr().println("no dead letter " + lookup.id() + " on " + deadLetterTopic.name());
                    missing++;
                    continue;
                }
                spec.commandLine().getOut().println(json.toJson(deadLetterTopic, lookup.record(),
                        json.decode(deadLetterTopic, lookup.record())).toString());
            }
            return missing > 0 ? WebhookCtl.EXIT_FAILED : 0;
        }
    }

    @Command(name = "requeue", mixinStandardHelpOptions = true,
            description = {"Write dead letters' original records back to their source topic (events or tenant-config)"
                    + " once the cause is fixed (a schema registered, a config corrected): same key, so the"
                    + " same partition, behind what is already there; the input's own headers plus requeued-from.",
                    "Each requeue is recorded on the operator-log topic (who, which dead letter, where it went); a dead"
                            + " letter requeued before is refused unless --force. A dead letter that does not hold the"
                            + " original value (a config's, whose secret was masked; a value too large), one that still does not"
                            + " decode, and one from the outbound topic (the dispatcher would skip its old id) are refused.",
                    "Choose dead letters by id, or by the filters with --all-matching.",
                    "Exit code: 0 every chosen dead letter requeued; 3 some refused (each reported with its reason),"
                            + " the rest requeued; 1 Kafka or the registry failed."})
    static final class Requeue implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand deadLetters;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "PARTITION:OFFSET", description = "The dead letters to requeue.")
        List<String> ids = new ArrayList<>();

        @ArgGroup(exclusive = false)
        Selection selection = new Selection();

        @Option(names = "--all-matching", description = "Requeue every dead letter the filters select.")
        boolean allMatching;

        @Option(names = "--force", description = "Requeue dead letters that were requeued before.")
        boolean force;

        @Option(names = "--requested-by", paramLabel = "NAME",
                description = "Who asks, for the operator log (default: the operating-system user).")
        String requestedBy = System.getProperty("user.name", "unknown");

        @Override
        public Integer call() {
            if (ids.isEmpty() == !allMatching) {
                throw new ParameterException(spec.commandLine(), ids.isEmpty()
                        ? "name the dead letters to requeue (PARTITION:OFFSET ...), or select them with filters and --all-matching"
                        : "give either dead-letter ids or --all-matching with filters, not both");
            }
            if (allMatching && selection.tenant == null && selection.reason == null && selection.source == null
                    && selection.from == null && selection.partition == null) {
                throw new ParameterException(spec.commandLine(), "--all-matching needs at least one filter (--tenant,"
                        + " --reason, --source, --from, --partition): it would requeue the whole dead-letter topic");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            PipelineSettings settings = deadLetters.top.settings(Map.of());
            AnalystSession session = AnalystSession.open(settings);
            List<Lookup> chosen = new ArrayList<>();
            if (allMatching) {
                deadLetters.select(spec, settings, selection, null, record -> chosen.add(
                        new Lookup(record.partition() + ":" + record.offset(), record)));
            } else {
                chosen.addAll(deadLetters.lookUp(spec, settings, ids));
            }
            int requeued = 0;
            int refused = 0;
            try (OperatorLog log = new OperatorLog(settings.kafkaProperties(), session.registry(), settings.topics());
                 DeadLetterRequeue requeue = new DeadLetterRequeue(settings.kafkaProperties(), settings.topics(),
                         new RecordJson(settings.topics(), session.registry()), log, Clock.systemUTC())) {
                for (Lookup lookup : chosen) {
                    if (lookup.record() == null) {
                        err.println(lookup.id() + ": refused: no such dead letter on " + settings.topics().deadLetter().name());
                        refused++;
                        continue;
                    }
                    Optional<String> refusal = requeue.refusal(lookup.record(), force);
                    if (refusal.isPresent()) {
                        err.println(lookup.id() + ": refused: " + refusal.get());
                        refused++;
                        continue;
                    }
                    DeadLetterRequeue.Requeued done = requeue.requeue(lookup.record(), requestedBy);
                    out.println(NODES.objectNode().put("id", lookup.id()).put("tenant", tenantOf(lookup.record()))
                            .put("reason", header(lookup.record(), DeadLetterHeaders.REASON))
                            .put("requeued_to", done.writtenTo()).toString());
                    requeued++;
                }
            }
            err.println("requeued " + requeued + " dead letter" + (requeued == 1 ? "" : "s")
                    + (refused > 0 ? ", refused " + refused : ""));
            return refused > 0 ? WebhookCtl.EXIT_REJECTED : 0;
        }
    }
}
