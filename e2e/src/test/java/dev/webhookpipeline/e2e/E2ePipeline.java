package dev.webhookpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.dispatcher.DispatcherConfig;
import dev.webhookpipeline.dispatcher.DispatcherMain;
import dev.webhookpipeline.dispatcher.delivery.RetrySchedule;
import dev.webhookpipeline.e2e.Ledger.ConfigChange;
import dev.webhookpipeline.e2e.Ledger.Produced;
import dev.webhookpipeline.webhookctl.cli.WebhookCtl;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.secrets.KeyRing;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import dev.webhookpipeline.producer.EventPublisher;
import dev.webhookpipeline.producer.NewEvent;
import dev.webhookpipeline.producer.TenantConfigClient;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.router.Router;
import dev.webhookpipeline.router.RouterMain;
import dev.webhookpipeline.router.RouterSettings;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import dev.webhookpipeline.testing.PipelineFixture;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.testsupport.LogSecretScan;
import dev.webhookpipeline.testsupport.RecordingReceiver;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.ToIntBiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;

/**
 * One whole pipeline on the shared real broker and registry, under its own topic prefix: the
 * producer library (events and configs), the router (in this JVM or as a process), dispatchers (in
 * this JVM or as processes) and a loopback receiver with one path per tenant. Everything produced or
 * configured is written down in the {@link Ledger} for the {@link DeliveryChecker}.
 */
final class E2ePipeline implements AutoCloseable {

    static final int PARTITIONS = 4;
    static final List<EventType> TYPES = List.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED,
            EventType.CHECK_COMPLETED);

    final PipelineFixture fixture;
    final TestServices services;
    final PipelineTopics topics;
    final SchemaRegistryClient registry;
    final RecordingReceiver receiver = RecordingReceiver.start();
    final Ledger ledger = new Ledger();
    final long seed;
    private final Random random;
    private final EventPublisher publisher;
    private final TenantConfigClient configs;
    private final SecretCodec secretCodec;
    private final Path dir;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Set<String> secrets = new HashSet<>();
    private final Map<String, Boolean> batching = new HashMap<>();
    private long lastWriteMillis;
    private int eventNumber;

    E2ePipeline(TestServices services, String name, long seed) throws IOException {
        this(services, name, seed, SecretCodec.plaintext());
    }

    /** @param secrets how configs' secrets are stored (the config client) and read (the dispatchers, by default) */
    E2ePipeline(TestServices services, String name, long seed, SecretCodec secrets) throws IOException {
        this.services = services;
        this.secretCodec = secrets;
        this.seed = seed;
        this.random = new Random(seed);
        this.fixture = PipelineFixture.create(services, name, PARTITIONS);
        this.topics = fixture.topics;
        this.registry = fixture.registry;
        this.publisher = new EventPublisher(kafka(), registry, topics);
        this.configs = new TenantConfigClient(kafka(), registry, topics, new WebhookConfigRules(EndpointPolicy.localDevelopment()),
                secrets);
        this.dir = Files.createTempDirectory("e2e-" + name);
        System.out.printf("scenario %s: seed=%d (rerun with -De2e.seed=%d)%n", name, seed, seed);
    }

    Map<String, Object> kafka() {
        return fixture.kafkaProperties();
    }

    DeliveryChecker checker() {
        return new DeliveryChecker(ledger, receiver, seed);
    }

    static int partitionOf(String tenant) {
        return BuiltInPartitioner.partitionForKey(tenant.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    // ---- configs and events, written down as they happen ----

    /** A fresh secret (its value is never printed). */
    String newSecret(String tenant) {
        return "s3cret-" + tenant + "-" + Long.toHexString(random.nextLong() | 1L << 62);
    }

    void configure(String tenant, boolean batching, Set<EventType> types) {
        this.batching.put(tenant, batching);
        write(tenant, true, types, newSecret(tenant));
    }

    void changeSecret(String tenant) {
        ConfigChange c = ledger.current(tenant);
        write(tenant, c.enabled(), c.types(), newSecret(tenant));
    }

    void changeTypes(String tenant, Set<EventType> types) {
        ConfigChange c = ledger.current(tenant);
        write(tenant, c.enabled(), types, c.secret());
    }

    void setEnabled(String tenant, boolean enabled) {
        ConfigChange c = ledger.current(tenant);
        write(tenant, enabled, c.types(), c.secret());
    }

    /**
     * Writes a config after every event sent so far is acknowledged, with record timestamps strictly
     * between those of the events before and after it (the router orders a tenant's config and events
     * by record timestamp, docs/router.md), so which config applies to each event is known exactly.
     */
    private synchronized void write(String tenant, boolean enabled, Set<EventType> types, String secret) {
        publisher.flush();
        nextMillis();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        WebhookConfig config = WebhookConfig.newBuilder().setTenantId(tenant).setEnabled(enabled)
                .setBatching(batching.getOrDefault(tenant, false)).setEndpoint(receiver.url(tenant)).setSecret(secret)
                .setEnabledEvents(List.copyOf(types)).setCreatedAt(now).setUpdatedAt(now).build();
        secrets.add(TestSecrets.remember("tenant " + tenant, secret));
        long start = System.nanoTime();
        WebhookConfigRules.Verdict verdict = configs.put(config);
        long done = System.nanoTime();
        assertThat(verdict.errors()).as("config of %s", tenant).isEmpty();
        ledger.config(tenant, new ConfigChange(start, done, enabled, Set.copyOf(types), secret));
        nextMillis();
    }

    /** Lets the wall clock pass the last write's millisecond, so record timestamps are strictly ordered. */
    private void nextMillis() {
        long last = Math.max(lastWriteMillis, System.currentTimeMillis());
        while (System.currentTimeMillis() <= last) {
            Thread.onSpinWait(); // at most a millisecond
        }
        lastWriteMillis = System.currentTimeMillis();
    }

    synchronized void produce(String tenant, EventType type) {
        ConfigChange config = ledger.current(tenant);
        boolean kept = config != null && config.wants(type);
        UUID id = UUID.randomUUID();
        int n = ++eventNumber;
        long at = System.nanoTime();
        publisher.publish(NewEvent.of(tenant, type, "{\"n\":" + n + "}").withEventId(id));
        lastWriteMillis = System.currentTimeMillis();
        ledger.produced(tenant, new Produced(id, type, at, kept));
    }

    synchronized void flush() {
        publisher.flush();
    }

    /**
     * Produces {@code rounds} rounds on another thread, one event of a seeded random type per tenant
     * per round, paced like live traffic; {@code beforeRound} runs on that thread before each round
     * (config changes go there, so they fall between known events).
     */
    CompletableFuture<Void> flow(List<String> tenants, int rounds, Duration pace, IntConsumer beforeRound) {
        return flow(tenants, rounds, pace, beforeRound, (tenant, round) -> 1);
    }

    /** As above, with {@code perRound(tenant, round)} events for the tenant in that round. */
    CompletableFuture<Void> flow(List<String> tenants, int rounds, Duration pace, IntConsumer beforeRound,
                                 ToIntBiFunction<String, Integer> perRound) {
        return CompletableFuture.runAsync(() -> {
            for (int round = 0; round < rounds; round++) {
                beforeRound.accept(round);
                for (String tenant : tenants) {
                    for (int i = perRound.applyAsInt(tenant, round); i > 0; i--) {
                        produce(tenant, TYPES.get(random.nextInt(TYPES.size())));
                    }
                }
                flush();
                try {
                    Thread.sleep(pace.toMillis()); // pacing the load, not a synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /**
     * Waits until the pipeline delivers end to end (router and dispatchers started and assigned), by
     * one event of a warm-up tenant that the checker then checks like any other.
     */
    void awaitWarm(Duration timeout) {
        configure("warm-up", false, Set.copyOf(TYPES));
        produce("warm-up", TYPES.get(0));
        flush();
        Await.until("[seed=" + seed + "] a first webhook end to end (router and dispatcher up)", timeout,
                () -> !receiver.acceptedIds("warm-up").isEmpty());
    }

    // ---- reading and operating it as a user would ----

    /** What a webhookctl run printed, and its exit code. */
    record CliResult(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** Runs webhookctl against this pipeline (in this JVM), with {@code keysFile}'s secret keys (null: none). */
    CliResult webhookctl(Path keysFile, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = fixture.commandLine();
        if (keysFile != null) {
            all.addAll(List.of("-X", KeyRing.KEYS_FILE + "=" + keysFile));
        }
        all.addAll(List.of(args));
        int exit = WebhookCtl.run(all.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliResult(exit, out.toString(), err.toString());
    }

    CliResult webhookctl(String... args) {
        return webhookctl(null, args);
    }

    /** The tenant's latest record on the delivery-state topic, read from the beginning. */
    Optional<DeliveryProgress> deliveryState(String tenant) {
        AvroDeserializer<DeliveryProgress> decoder = fixture.avroDeserializer(DeliveryProgress.class);
        try (var reader = fixture.reader(topics.deliveryState(), new ByteArrayDeserializer())) {
            return reader.toEnd(Duration.ofSeconds(30)).stream()
                    .filter(record -> tenant.equals(record.key()) && record.value() != null)
                    .reduce((first, second) -> second)
                    .map(record -> decoder.deserialize(record.topic(), record.value()));
        }
    }

    // ---- the pipeline's parts ----

    private Map<String, String> routerSettings() {
        return fixture.routerSettings();
    }

    Router startRouter() {
        Map<String, String> s = routerSettings();
        s.put("state.dir", dir.resolve("router-state").toString());
        Router router = new Router(RouterSettings.from(PipelineSettings.of(s)), registry);
        router.start();
        running.add(router);
        return router;
    }

    /** The router as its own JVM, for SIGKILL; restarts with the same state dir, as a real deployment would. */
    JavaProcess.Builder routerProcess(String name) throws IOException {
        Properties props = new Properties();
        routerSettings().forEach(props::setProperty);
        Path file = dir.resolve("router.properties");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "router under test");
        }
        return JavaProcess.builder(RouterMain.class.getName(), Path.of("target", "test-logs", name + ".log"))
                .jvmArgs("-Xmx384m")
                .args("--config", file.toString(), "--state-dir", dir.resolve("router-process-state").toString());
    }

    DispatcherConfig.Builder dispatcherConfig() {
        return DispatcherConfig.builder(kafka(), registry, topics)
                .secretCodec(secretCodec)
                .endpointPolicy(EndpointPolicy.localDevelopment())
                .batchWindow(Duration.ofMillis(200))
                .commitInterval(Duration.ofMillis(100))
                .batchTimeout(Duration.ofSeconds(2))
                .singleTimeout(Duration.ofSeconds(2))
                // A fast schedule (the real one is tested in the dispatcher module): 200 ms doubling, capped by 5 s.
                .retrySchedule(new RetrySchedule(Duration.ofMillis(200), 12, Duration.ofSeconds(5)));
    }

    Dispatcher startDispatcher() throws InterruptedException {
        return startDispatcher(dispatcherConfig());
    }

    Dispatcher startDispatcher(DispatcherConfig.Builder config) throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(config.build());
        dispatcher.start();
        running.add(dispatcher);
        return dispatcher;
    }

    /** A dispatcher as its own JVM (standard retry schedule), in the same group as {@link #startDispatcher}. */
    JavaProcess startDispatcherProcess(String name) {
        return startDispatcherProcess(name, services.schemaRegistryUrl());
    }

    /**
     * As above, reaching the schema registry at {@code registryUrl} (e.g. through an
     * {@link dev.webhookpipeline.testsupport.OutageProxy}); its output goes to
     * {@code target/test-logs/<name>.log}. It starts as {@code DispatcherMain} does in production:
     * checks the registry, registers every subject's schema (its client caches those ids), reads the
     * tenant configs, then joins the group.
     */
    JavaProcess startDispatcherProcess(String name, String registryUrl) {
        List<String> args = fixture.commandLine(registryUrl);
        args.addAll(List.of("--batch-window", "200ms",
                "-X", "pipeline.endpoints.allow-http=true", "-X", "pipeline.endpoints.allow-cidrs=127.0.0.0/8"));
        JavaProcess process = JavaProcess.builder(DispatcherMain.class.getName(), Path.of("target", "test-logs", name + ".log"))
                .jvmArgs("-Xmx256m")
                .args(args.toArray(String[]::new))
                .start();
        running.add(process);
        return process;
    }

    /** Writes outbound webhooks straight to the outbound topic (no router), closed with the pipeline. */
    OutboundWriter outboundWriter() {
        OutboundWriter writer = new OutboundWriter(this);
        running.add(writer);
        return writer;
    }

    /** The dispatchers' consumer group (the default one: {@code <prefix>dispatcher}). */
    String dispatcherGroup() {
        return topics.prefix() + "dispatcher";
    }

    /** The dispatchers' committed offset of each outbound partition (-1: none committed yet). */
    Map<Integer, Long> dispatcherCommits(Admin admin) throws Exception {
        Map<Integer, Long> out = new HashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            out.put(i, -1L);
        }
        admin.listConsumerGroupOffsets(dispatcherGroup()).partitionsToOffsetAndMetadata().get()
                .forEach((tp, offset) -> {
                    if (tp.topic().equals(topics.outbound().name()) && offset != null) {
                        out.put(tp.partition(), offset.offset());
                    }
                });
        return out;
    }

    /** The log end offset of each outbound partition (after a transaction, its commit marker counts). */
    Map<Integer, Long> outboundEnds(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            latest.put(new TopicPartition(topics.outbound().name(), i), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    /** No tenant secret of this scenario in any log written by the tests or the pipeline's processes. */
    void assertNoSecretLogged() {
        Map<String, String> labelled = new HashMap<>();
        secrets.forEach(secret -> labelled.put(secret, "a tenant of this scenario"));
        List<LogSecretScan.Hit> hits = LogSecretScan.scanModule(Path.of(""), labelled);
        if (!hits.isEmpty()) {
            throw new AssertionError("[seed=" + seed + "] " + hits);
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        publisher.close();
        configs.close();
        fixture.close();
        receiver.close();
        assertNoSecretLogged();
    }
}
