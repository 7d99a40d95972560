package dev.webhookpipeline.deadletter;

import static dev.webhookpipeline.testing.HostileRecords.configAvro;
import static dev.webhookpipeline.testing.HostileRecords.framed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testing.FakeSchemaRegistry;
import dev.webhookpipeline.testing.HostileRecords;
import dev.webhookpipeline.testsupport.SampleRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigDeadLettersTest {

    static final String SECRET = "s3cret-for-acme-0123456789";

    FakeSchemaRegistry fake;
    SchemaRegistryClient registry;

    @BeforeEach
    void start() {
        fake = FakeSchemaRegistry.start();
        registry = fake.client();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static boolean holds(byte[] value, String text) {
        return value != null && new String(value, StandardCharsets.ISO_8859_1).contains(text);
    }

    byte[] config(String tenant) {
        return new AvroSerializer<WebhookConfig>(registry, true).serialize("tenant-config",
                SampleRecords.config(tenant, "https://example.com/h", List.of(EventType.TASK_CREATED)));
    }

    @Test
    void aDecodableConfigKeepsEverythingButItsSecret() {
        byte[] original = config("acme");
        assertThat(holds(original, SECRET)).isTrue();

        ConfigDeadLetters.Redacted redacted = ConfigDeadLetters.redact(original, registry);

        assertThat(redacted.note()).isEqualTo(ConfigDeadLetters.SECRET_MASKED);
        assertThat(holds(redacted.value(), SECRET)).isFalse();
        WebhookConfig read = new AvroDeserializer<>(WebhookConfig.class, registry).deserialize("tenant-config",
                redacted.value());
        WebhookConfig expected = new AvroDeserializer<>(WebhookConfig.class, registry).deserialize("tenant-config", original);
        expected.put("secret", ConfigDeadLetters.MASK);
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void aConfigInRotationLosesBothSecretsAndKeepsTheOverlapEnd() {
        String previous = "old-secret-for-acme-0123456789";
        WebhookConfig rotating = WebhookConfig.newBuilder(SampleRecords.config("acme", "https://example.com/h",
                List.of(EventType.TASK_CREATED))).setPreviousSecret(previous)
                .setRotationEndsAt(Instant.parse("2030-01-01T00:00:00Z")).build();
        byte[] original = new AvroSerializer<WebhookConfig>(registry, true).serialize("tenant-config", rotating);

        ConfigDeadLetters.Redacted redacted = ConfigDeadLetters.redact(original, registry);

        assertThat(redacted.note()).isEqualTo(ConfigDeadLetters.SECRET_MASKED);
        assertThat(holds(redacted.value(), SECRET)).isFalse();
        assertThat(holds(redacted.value(), previous)).isFalse();
        WebhookConfig read = new AvroDeserializer<>(WebhookConfig.class, registry).deserialize("tenant-config",
                redacted.value());
        assertThat(read.getPreviousSecret()).isEqualTo(ConfigDeadLetters.MASK);
        assertThat(read.getRotationEndsAt()).isEqualTo(rotating.getRotationEndsAt());
    }

    @Test
    void bytesThatCannotBeDecodedAreRemovedWhateverIsWrong() {
        byte[] original = config("acme");
        byte[] truncated = Arrays.copyOf(original, original.length - 3); // the secret is still in there
        byte[] trailing = Arrays.copyOf(original, original.length + 1);
        byte[] badMagic = original.clone();
        badMagic[0] = 1;
        byte[] unknownId = original.clone();
        unknownId[4] = 99;
        for (byte[] bad : List.of(truncated, trailing, badMagic, unknownId, new byte[] {0, 0})) {
            ConfigDeadLetters.Redacted redacted = ConfigDeadLetters.redact(bad, registry);
            assertThat(redacted.value()).isNull();
            assertThat(redacted.note()).startsWith("removed: the " + bad.length + " bytes may hold a secret")
                    .doesNotContain(SECRET);
        }
    }

    @Test
    void aConfigOfAnotherTenantOrWithHostileFieldsIsMaskedToo() {
        int id = registry.register("tenant-config-value", WebhookConfig.getClassSchema());
        ConfigDeadLetters.Redacted redacted = ConfigDeadLetters.redact(framed(id, configAvro("", SECRET)), registry);
        assertThat(redacted.note()).isEqualTo(ConfigDeadLetters.SECRET_MASKED);
        assertThat(holds(redacted.value(), SECRET)).isFalse();
    }

    @Test
    void aSecretThatIsNotAStringCannotBeMaskedSoTheValueIsRemoved() {
        Schema odd = SchemaBuilder.record("WebhookConfig").namespace("dev.webhookpipeline.schema").fields()
                .requiredString("tenant_id").name("secret").type().longType().noDefault().endRecord();
        int id = registry.register("tenant-config-value", odd);
        byte[] value = framed(id, HostileRecords.avro(odd, "acme", 42L));
        assertThat(ConfigDeadLetters.redact(value, registry).value()).isNull();
    }

    @Test
    void aNestedSecretIsMasked() {
        Schema inner = SchemaBuilder.record("Auth").fields().requiredString("client_secret").endRecord();
        Schema outer = SchemaBuilder.record("Cfg").fields().requiredString("tenant_id").name("auth").type(inner)
                .noDefault().endRecord();
        int id = registry.register("tenant-config-value", outer);
        GenericRecord auth = new GenericData.Record(inner);
        auth.put(0, SECRET);
        byte[] value = framed(id, HostileRecords.avro(outer, "acme", auth));
        ConfigDeadLetters.Redacted redacted = ConfigDeadLetters.redact(value, registry);
        assertThat(redacted.note()).isEqualTo(ConfigDeadLetters.SECRET_MASKED);
        assertThat(holds(redacted.value(), SECRET)).isFalse();
        assertThat(holds(redacted.value(), "acme")).isTrue();
    }

    @Test
    void aRegistryOutageIsNotDecidedHere() {
        byte[] value = config("acme");
        value[4] = 77; // a schema the client has not cached
        fake.answerEverythingWith(503);
        assertThatThrownBy(() -> ConfigDeadLetters.redact(value, registry))
                .satisfies(e -> assertThat(RecordFailure.isOutage(e)).isTrue());
    }

    @Test
    void noValueStaysNoValue() {
        assertThat(ConfigDeadLetters.redact(null, registry)).isEqualTo(new ConfigDeadLetters.Redacted(null, null));
    }
}
