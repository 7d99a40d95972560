package dev.webhookpipeline.dispatcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.secrets.KeyRing;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.serde.WireFormat;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestKeys;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicInitializer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatcher's table of tenant configs on the real broker and registry: what a record says is
 * never a reason for its reader to stop, and a config that names another tenant than its key is
 * refused as the router refuses it.
 */
@ExtendWith(RealServicesExtension.class)
class ConfigTableIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    PipelineTopics topics;
    SchemaRegistryClient registry;
    KafkaProducer<String, byte[]> producer;
    AvroSerializer<WebhookConfig> serializer;
    ConfigTable table;
    String bootstrap;

    @BeforeEach
    void setUp(TestServices services) {
        bootstrap = services.bootstrapServers();
        topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix("config-table")).partitions(2).build();
        try (Admin admin = services.kafka().admin()) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        serializer = new AvroSerializer<>(registry, true);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (table != null) {
            table.close();
        }
        producer.close();
    }

    static WebhookConfig config(String tenant, String endpoint, String secret) {
        return WebhookConfig.newBuilder(SampleRecords.config(tenant, endpoint, List.of(EventType.values())))
                .setSecret(TestSecrets.remember("tenant " + tenant, secret)).build();
    }

    /** Writes to partition 0, so records are read in the order written. */
    void write(String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topics.tenantConfig().name(), 0, key, value)).get();
    }

    void write(String key, WebhookConfig config) throws Exception {
        write(key, serializer.serialize(topics.tenantConfig().name(), config));
    }

    ConfigTable start() throws InterruptedException {
        return start(SecretCodec.plaintext());
    }

    ConfigTable start(SecretCodec secrets) throws InterruptedException {
        table = new ConfigTable(Map.of("bootstrap.servers", bootstrap), registry, topics.tenantConfig().name(), secrets);
        table.start();
        assertThat(table.awaitCaughtUp(WAIT)).isTrue();
        return table;
    }

    static String log() throws IOException {
        return Files.readString(Path.of("target", "test-logs", "tests.log"));
    }

    @Test
    void aConfigWhoseTenantIdDiffersFromItsKeyIsRefusedAndThePreviousOneStays() throws Exception {
        write("acme-10", config("acme-10", "https://acme.example/hook", "acme-secret-0123456789"));
        start();
        assertThat(table.get("acme-10")).isPresent();

        write("acme-10", config("globex-10", "https://globex.example/hook", "globex-secret-0123456789"));
        write("fresh-10", config("other-10", "https://other.example/hook", "other-secret-0123456789"));
        write("zeta-10", config("zeta-10", "https://zeta.example/hook", "zeta-secret-0123456789"));
        Await.until("the config written after the mismatching ones", WAIT, () -> table.get("zeta-10").isPresent());

        assertThat(table.get("acme-10")).hasValueSatisfying(c -> {
            assertThat(c.getTenantId()).isEqualTo("acme-10");
            assertThat(c.getEndpoint()).isEqualTo("https://acme.example/hook");
            assertThat(c.getSecret()).isEqualTo("acme-secret-0123456789");
        });
        assertThat(table.get("fresh-10")).as("a mismatching first config is not applied").isEmpty();
        assertThat(table.get("globex-10")).isEmpty();
        assertThat(table.get("other-10")).isEmpty();
        String log = log();
        assertThat(log).contains("config tenant_id 'globex-10' differs from the record key 'acme-10'")
                .contains("config tenant_id 'other-10' differs from the record key 'fresh-10'")
                .doesNotContain("globex-secret-0123456789").doesNotContain("other-secret-0123456789")
                .doesNotContain("acme-secret-0123456789");
        assertThat(table.isReading()).isTrue();
    }

    @Test
    void secretsAreDecryptedAndOneThatCannotBeKeepsThePreviousConfig() throws Exception {
        String keyA = TestKeys.entry("table-a");
        String keyB = TestKeys.entry("table-b");
        SecretCodec underA = new SecretCodec(KeyRing.parse(List.of(keyA), Optional.empty()));
        SecretCodec underB = new SecretCodec(KeyRing.parse(List.of(keyB), Optional.empty()));
        write("acme-13", underA.encrypt(config("acme-13", "https://acme.example/hook", "acme-secret-0123456789")));
        start(underA);
        assertThat(table.get("acme-13")).hasValueSatisfying(c -> assertThat(c.getSecret()).isEqualTo("acme-secret-0123456789"));

        // Under a key the table does not have, then altered: neither replaces the readable config.
        write("acme-13", underB.encrypt(config("acme-13", "https://acme.example/other", "acme-secret-next-0123456789")));
        WebhookConfig moved = underA.encrypt(config("globex-13", "https://globex.example/hook", "globex-secret-0123456789"));
        write("acme-13", WebhookConfig.newBuilder(moved).setTenantId("acme-13").build()); // ciphertext of another tenant
        write("zeta-13", underA.encrypt(config("zeta-13", "https://zeta.example/hook", "zeta-secret-0123456789")));
        Await.until("the config written after the undecryptable ones", WAIT, () -> table.get("zeta-13").isPresent());

        assertThat(table.get("acme-13")).hasValueSatisfying(c -> {
            assertThat(c.getEndpoint()).isEqualTo("https://acme.example/hook");
            assertThat(c.getSecret()).isEqualTo("acme-secret-0123456789");
        });
        assertThat(log()).contains("the secret of tenant 'acme-13' (key id 'table-b') cannot be decrypted")
                .contains("the secret of tenant 'acme-13' (key id 'table-a') cannot be decrypted")
                .doesNotContain("acme-secret-next-0123456789").doesNotContain(TestKeys.keyOf(keyA))
                .doesNotContain(TestKeys.keyOf(keyB));
        assertThat(table.isReading()).isTrue();
    }

    @Test
    void recordsThatBreakTheAvroDecoderAreSkippedAndLaterRecordsStillApply() throws Exception {
        byte[] valid = serializer.serialize(topics.tenantConfig().name(),
                config("acme-11", "https://acme.example/hook", "acme-secret-0123456789"));
        int schemaId = WireFormat.schemaId(valid); // a real, registered WebhookConfig schema
        write("acme-11", valid);
        start();

        // tenant_id's length as -1 (zig-zag 0x01): Avro throws AvroRuntimeException.
        write("acme-11", framed(schemaId, new byte[] {0x01}));
        // tenant_id's length as 2^31 - 1: Avro throws UnsupportedOperationException.
        write("acme-11", framed(schemaId, new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
        // Not Avro at all, and truncated Avro: the decoder's own reasons.
        write("acme-11", new byte[] {7, 7, 7});
        write("acme-11", framed(schemaId, new byte[] {0x0e, 'a', 'c'}));
        write("zeta-11", config("zeta-11", "https://zeta.example/hook", "zeta-secret-0123456789"));
        Await.until("the config written after the hostile records", WAIT, () -> table.get("zeta-11").isPresent());

        assertThat(table.get("acme-11")).as("the key keeps its previous value")
                .hasValueSatisfying(c -> assertThat(c.getEndpoint()).isEqualTo("https://acme.example/hook"));
        // Still reading: a later change applies too.
        write("acme-11", config("acme-11", "https://acme.example/v2", "acme-secret-0123456789"));
        Await.until("acme's next config", WAIT,
                () -> table.get("acme-11").map(c -> c.getEndpoint().equals("https://acme.example/v2")).orElse(false));
        assertThat(table.isReading()).isTrue();
        assertThat(log()).contains("Malformed data. Length is negative: -1").contains("Cannot read strings longer than")
                .contains("TOO_SHORT").contains("MALFORMED_AVRO").doesNotContain("acme-secret-0123456789");
    }

    static byte[] framed(int schemaId, byte[] avro) {
        return ByteBuffer.allocate(WireFormat.HEADER_SIZE + avro.length).put(WireFormat.MAGIC_BYTE).putInt(schemaId)
                .put(avro).array();
    }
}
