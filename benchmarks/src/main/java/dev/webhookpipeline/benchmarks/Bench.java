package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.dispatcher.DispatcherConfig;
import dev.webhookpipeline.dispatcher.DispatcherMain;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.localservices.ApicurioRegistry;
import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.localservices.LocalKafka;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicInitializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What every benchmark section shares: one Kafka broker and one schema registry (own processes), one loopback
 * receiver, and the steps to set a scenario up (its own topics, tenants and a pre-filled outbound
 * topic) and to run dispatchers in this JVM or as their own processes.
 */
final class Bench implements AutoCloseable {

    /** Producer settings of every pre-fill and of the raw produce ceiling: the pipeline's own (acks=all, idempotent). */
    static final Map<String, Object> PRODUCER = Map.of(ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 20,
            ProducerConfig.BATCH_SIZE_CONFIG, 262_144, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    /** The logging of the processes the benchmark starts (broker, dispatchers): warnings and start-up lines. */
    static final String CHILD_LOGGING = "benchmark-child-logback.xml";

    final LocalKafka.Broker kafka;
    final ApicurioRegistry registry;
    final SchemaRegistryClient client;
    final CountingReceiver receiver;
    final Path workDir;

    private Bench(LocalKafka.Broker kafka, ApicurioRegistry registry, CountingReceiver receiver, Path workDir) {
        this.kafka = kafka;
        this.registry = registry;
        this.client = SchemaRegistryClient.builder(registry.url()).build();
        this.receiver = receiver;
        this.workDir = workDir;
    }

    static Bench start() throws Exception {
        BenchmarkMain.progress("starting a Kafka broker and a schema registry (own processes) and a loopback receiver");
        long t0 = System.nanoTime();
        Path workDir = Files.createTempDirectory("webhook-bench");
        LocalKafka.Broker kafka = LocalKafka.startOnFreePorts(workDir.resolve("kafka"), workDir, Duration.ofSeconds(90),
                "-Dlogback.configurationFile=" + CHILD_LOGGING);
        ApicurioRegistry registry = ApicurioRegistry.start();
        CountingReceiver receiver = CountingReceiver.start();
        BenchmarkMain.progress(String.format(Locale.ROOT, "ready in %.1f s", (System.nanoTime() - t0) / 1e9));
        return new Bench(kafka, registry, receiver, workDir);
    }

    Map<String, Object> kafkaProperties() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    }

    /** A fresh set of the pipeline's topics (12 partitions each) under {@code name.}. */
    private PipelineTopics topics(String name) throws Exception {
        PipelineTopics topics = PipelineTopics.builder().prefix(name + ".").build();
        try (Admin admin = kafka.admin()) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        return topics;
    }

    /** A scenario ready to run: its topics, how long pre-filling its outbound topic took, and its tenants' configs. */
    record Scenario(PipelineTopics topics, double prefillSeconds, Map<String, WebhookConfig> tenants) {}

    /**
     * A scenario's own topics, its tenants {@code name-0..n-1} configured (every event type, endpoint
     * {@code /<path>/<n>} on the receiver) and {@code webhooks} outbound records pre-filled (0: none).
     */
    Scenario prepare(String name, int tenants, boolean batching, int webhooks, String path) throws Exception {
        PipelineTopics topics = topics(name);
        Map<String, WebhookConfig> configs = configure(topics, name, tenants, batching, t -> receiver.url(path + "/" + t));
        if (webhooks == 0) {
            return new Scenario(topics, 0, configs);
        }
        double prefillSeconds = fill(topics, name, tenants, webhooks, 1);
        settle();
        return new Scenario(topics, prefillSeconds, configs);
    }

    /**
     * Writes {@code webhooks} outbound records for tenants {@code name-0..n-1}, each tenant's webhook
     * ids counting up from {@code firstId}; returns the seconds it took.
     */
    double fill(PipelineTopics topics, String name, int tenants, int webhooks, long firstId) {
        BenchmarkMain.progress(String.format(Locale.ROOT, "%s: filling the outbound topic with %,d webhooks for %,d tenant(s)",
                name, webhooks, tenants));
        return produce(outboundRecords(topics, name, tenants, webhooks, firstId));
    }

    /**
     * Waits until the group has {@code members} members and each holds some of the topic's partitions,
     * all of them between them; returns the seconds it took. Fails when {@code alive} says a member died.
     */
    double awaitGroupSettled(String groupId, String topic, int members, BooleanSupplier alive, Duration timeout)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try (Admin admin = kafka.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            String seen = "nothing";
            while (System.nanoTime() < deadline) {
                if (!alive.getAsBoolean()) {
                    throw new IllegalStateException("a dispatcher of group " + groupId + " exited; see its log in " + workDir);
                }
                Collection<MemberDescription> joined;
                try {
                    joined = admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId).members();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                    joined = List.of(); // nobody has joined yet
                }
                Set<Integer> held = new HashSet<>();
                boolean everyMemberHolds = joined.size() == members;
                for (MemberDescription member : joined) {
                    int before = held.size();
                    member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic))
                            .forEach(tp -> held.add(tp.partition()));
                    everyMemberHolds &= held.size() > before;
                }
                if (everyMemberHolds && held.size() == partitions) {
                    return (System.nanoTime() - start) / 1e9;
                }
                seen = joined.size() + " member(s) holding " + held.size() + " of " + partitions + " partitions";
                Thread.sleep(100); // polling interval of the group's description
            }
            throw new IllegalStateException("group " + groupId + " did not settle on " + members + " member(s) within "
                    + timeout.toSeconds() + " s (last seen: " + seen + ")");
        }
    }

    /**
     * Before a measured run: this JVM's garbage from the pre-fill collected, and the broker done with
     * what it was sent (its CPU under 10 % of a core over 200 ms, for at most 10 s). Without it, the
     * side measured first after a pre-fill paid for it: the same side swung 2–3× with its place in the
     * order.
     */
    void settle() throws IOException, InterruptedException {
        System.gc();
        long pid = kafka.process().pid();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long before = cpuTicks(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(200); // a sampling interval of the broker's CPU, not a wait for a result
            long now = cpuTicks(pid);
            if ((now - before) * 1000 / CLOCK_TICKS_PER_SECOND < 20) {
                return;
            }
            before = now;
        }
    }

    /** Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on every Linux this runs on). */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** User and system CPU time of a process, in clock ticks, from /proc. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // after "pid (comm) "
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
    }

    static String tenant(String scenario, int t) {
        return scenario + "-" + t;
    }

    /** Configures tenants 0..n-1 of a scenario, each with the endpoint {@code endpoint.apply(t)}, every event type enabled. */
    private Map<String, WebhookConfig> configure(PipelineTopics topics, String scenario, int tenants, boolean batching,
                                                 IntFunction<String> endpoint) {
        Map<String, WebhookConfig> configs = new LinkedHashMap<>();
        Map<String, Object> props = new HashMap<>(kafkaProperties());
        props.putAll(PRODUCER);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (var producer = new KafkaProducer<String, WebhookConfig>(props, new StringSerializer(), new AvroSerializer<>(client, true))) {
            for (int t = 0; t < tenants; t++) {
                String tenant = tenant(scenario, t);
                WebhookConfig config = BenchRecords.config(tenant, endpoint.apply(t), batching);
                configs.put(tenant, config);
                producer.send(new ProducerRecord<>(topics.tenantConfig().name(), tenant, config), check(failure));
            }
            producer.flush();
        }
        rethrow(failure, "configuring " + tenants + " tenants");
        return configs;
    }

    /** Outbound records, Avro-encoded up front: webhook ids firstId, firstId + 1… per tenant, tenants taking turns. */
    private List<ProducerRecord<byte[], byte[]>> outboundRecords(PipelineTopics topics, String scenario, int tenants, int count,
                                                                 long firstId) {
        var keys = new StringSerializer();
        var values = new AvroSerializer<OutboundWebhook>(client, true);
        String topic = topics.outbound().name();
        long[] ids = new long[tenants];
        Arrays.fill(ids, firstId - 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int t = i % tenants;
            String tenant = tenant(scenario, t);
            records.add(new ProducerRecord<>(topic, keys.serialize(topic, tenant),
                    values.serialize(topic, BenchRecords.outbound(tenant, ++ids[t]))));
        }
        return records;
    }

    /** Produces the records with the pipeline's producer settings; returns the seconds from the first send to the last ack. */
    private double produce(List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> props = new HashMap<>(kafkaProperties());
        props.putAll(PRODUCER);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(records.get(0).topic()); // metadata fetched before the clock starts
            long start = System.nanoTime();
            for (var record : records) {
                producer.send(record, check(failure));
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            rethrow(failure, "producing " + records.size() + " records");
            return seconds;
        }
    }

    /** A dispatcher in this JVM, on loopback endpoints. */
    DispatcherConfig.Builder dispatcherConfig(PipelineTopics topics) {
        return DispatcherConfig.builder(kafkaProperties(), client, topics).endpointPolicy(EndpointPolicy.localDevelopment());
    }

    /** A dispatcher as its own JVM ({@code DispatcherMain}, as operators run it), with a capped heap. */
    JavaProcess dispatcherProcess(PipelineTopics topics, String name, String heap, String... extraArgs) throws IOException {
        Path log = workDir.resolve(name + ".log");
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(),
                "--schema-registry-url", registry.url(), "--topic-prefix", topics.prefix(),
                "-X", "pipeline.endpoints.allow-http=true", "-X", "pipeline.endpoints.allow-cidrs=127.0.0.0/8"));
        args.addAll(List.of(extraArgs));
        return JavaProcess.builder(DispatcherMain.class.getName(), log).killedOnExit()
                .jvmArgs("-Xmx" + heap, "-Dlogback.configurationFile=" + CHILD_LOGGING)
                .args(args.toArray(String[]::new)).start();
    }

    /** Resident set size of a process, in MiB, from /proc. */
    static long residentMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    static Callback check(AtomicReference<Exception> failure) {
        return (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        };
    }

    static void rethrow(AtomicReference<Exception> failure, String what) {
        if (failure.get() != null) {
            throw new IllegalStateException(what + " failed: " + failure.get(), failure.get());
        }
    }

    @Override
    public void close() throws Exception {
        receiver.close();
        registry.close();
        kafka.close();
        // The broker's data (every pre-filled topic) would otherwise stay in the temp folder; its log stays.
        try (var files = Files.walk(workDir.resolve("kafka"))) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}
