package dev.webhookpipeline.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testing.PipelineFixture;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.LogSecretScan;
import dev.webhookpipeline.testsupport.RecordingReceiver;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.topics.PipelineTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * One isolated pipeline for a dispatcher test: its own topics on the shared real broker, a
 * loopback receiver, and helpers to write configs and outbound webhooks by hand.
 */
final class DispatcherTestHelper implements AutoCloseable {

    static final int PARTITIONS = 4;

    final PipelineFixture fixture;
    final TestServices services;
    final PipelineTopics topics;
    final SchemaRegistryClient registry;
    final RecordingReceiver receiver = RecordingReceiver.start();
    private final KafkaProducer<String, WebhookConfig> configs;
    private final KafkaProducer<String, OutboundWebhook> outbound;
    private final KafkaProducer<String, byte[]> raw;
    private final Map<String, Long> nextIds = new HashMap<>();
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    private final Set<String> secrets = new HashSet<>();

    DispatcherTestHelper(TestServices services, String name) {
        this.fixture = PipelineFixture.create(services, name, PARTITIONS);
        this.services = services;
        this.topics = fixture.topics;
        this.registry = fixture.registry;
        this.configs = fixture.producer(fixture.avroSerializer());
        this.outbound = fixture.producer(fixture.avroSerializer());
        this.raw = fixture.rawProducer();
    }

    Map<String, Object> kafkaProperties() {
        return fixture.kafkaProperties();
    }

    DispatcherConfig.Builder config() {
        return DispatcherConfig.builder(kafkaProperties(), registry, topics)
                .endpointPolicy(EndpointPolicy.localDevelopment())
                .batchWindow(Duration.ofMillis(200))
                .commitInterval(Duration.ofMillis(100));
    }

    Dispatcher start(DispatcherConfig config) throws InterruptedException {
        Dispatcher dispatcher = new Dispatcher(config);
        dispatcher.start();
        dispatchers.add(dispatcher);
        return dispatcher;
    }

    Dispatcher start() throws InterruptedException {
        return start(config().build());
    }

    static String secretOf(String tenant) {
        return "s3cret-for-" + tenant + "-0123456789";
    }

    /** Writes a config whose endpoint is the receiver's path named after the tenant. */
    WebhookConfig configure(String tenant, boolean batching, boolean enabled) {
        WebhookConfig config = WebhookConfig.newBuilder(SampleRecords.config(tenant, receiver.url(tenant),
                        List.of(EventType.values())))
                .setBatching(batching).setEnabled(enabled).setSecret(secretOf(tenant)).build();
        return put(config);
    }

    WebhookConfig put(WebhookConfig config) {
        secrets.add(TestSecrets.remember("tenant " + config.getTenantId(), config.getSecret()));
        configs.send(new ProducerRecord<>(topics.tenantConfig().name(), config.getTenantId(), config));
        configs.flush();
        return config;
    }

    /** Produces the tenant's next {@code count} webhooks (ids continue from the last ones). */
    List<Long> produce(String tenant, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = nextIds.merge(tenant, 1L, Long::sum);
            OutboundWebhook webhook = SampleRecords.outbound(tenant, id, EventType.TASK_CREATED);
            outbound.send(new ProducerRecord<>(topics.outbound().name(), tenant, webhook));
            ids.add(id);
        }
        outbound.flush();
        return ids;
    }

    /** Claims the tenant's next webhook id, for a test that writes its records itself ({@link #sendRaw}). */
    long nextId(String tenant) {
        return nextIds.merge(tenant, 1L, Long::sum);
    }

    /** Writes any bytes (or none) to the outbound topic under {@code key}, as a buggy or hostile writer would. */
    void sendRaw(String key, byte[] value) {
        raw.send(new ProducerRecord<>(topics.outbound().name(), key, value));
    }

    void flushRaw() {
        raw.flush();
    }

    long produced(String tenant) {
        return nextIds.getOrDefault(tenant, 0L);
    }

    static int partitionOf(String tenant) {
        return BuiltInPartitioner.partitionForKey(tenant.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    /** {@code count} tenant ids, named from {@code stem}, that all land on one partition. */
    static List<String> samePartition(String stem, int count) {
        List<String> tenants = new ArrayList<>();
        int target = partitionOf(stem + "-0");
        for (int i = 0; tenants.size() < count; i++) {
            if (partitionOf(stem + "-" + i) == target) {
                tenants.add(stem + "-" + i);
            }
        }
        return tenants;
    }

    /** Polls until the condition holds, failing with {@code what} at the deadline. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    /** Ids the tenant's endpoint accepted (answered 200), in arrival order, de-duplicated. */
    List<Long> firstReceipts(String tenant) {
        return receiver.acceptedIds(tenant).stream().distinct().toList();
    }

    /** The delivery promises for one tenant, from what its endpoint recorded. */
    void assertDeliveredInOrder(String tenant) {
        List<Long> all = receiver.acceptedIds(tenant);
        List<Long> first = all.stream().distinct().toList();
        List<Long> expected = LongStream.rangeClosed(1, produced(tenant)).boxed().toList();
        assertThat(first).as("first receipts of %s", tenant).isEqualTo(expected);
        long highest = 0;
        for (long id : all) {
            assertThat(id).as("%s: a duplicate may only repeat an id already received", tenant).isLessThanOrEqualTo(highest + 1);
            highest = Math.max(highest, id);
        }
        for (var request : receiver.received(tenant)) {
            assertThat(request.header("Authorization")).isEqualTo("Bearer " + secretOf(tenant));
            assertThat(request.header("Content-Type")).startsWith("application/json");
            assertThat(request.webhooks()).allSatisfy(w -> assertThat(w.get("secret").asText()).isEqualTo(secretOf(tenant)));
            assertThat(request.webhooks().size()).isLessThanOrEqualTo(100);
        }
    }

    /** No secret of this test's tenants may appear in any log the dispatchers wrote. */
    void assertNoSecretLogged() {
        Map<String, String> labelled = new HashMap<>();
        secrets.forEach(secret -> labelled.put(secret, "a tenant of this test"));
        assertThat(LogSecretScan.scanModule(Path.of(""), labelled)).extracting(LogSecretScan.Hit::toString).isEmpty();
    }

    @Override
    public void close() throws Exception {
        for (Dispatcher d : dispatchers) {
            d.close();
        }
        fixture.close();
        receiver.close();
        assertNoSecretLogged();
    }
}
