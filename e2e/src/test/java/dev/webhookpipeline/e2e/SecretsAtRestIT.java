package dev.webhookpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.secrets.KeyRing;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestKeys;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant secrets on the config topic are encrypted (issue 14): the topic's bytes hold no secret,
 * the dispatcher decrypts them to deliver, and {@code webhookctl config re-encrypt} moves every
 * config to a new key without interrupting delivery.
 */
@ExtendWith(RealServicesExtension.class)
class SecretsAtRestIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final Set<EventType> TYPES = Set.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED);

    @Test
    void theConfigTopicHoldsNoSecretAndTheDispatcherDeliversWithIt(TestServices services, @TempDir Path dir) throws Exception {
        String keyA = TestKeys.entry("key-a");
        Path keysFile = Files.writeString(dir.resolve("secret.keys"), keyA + "\n");
        SecretCodec codec = new SecretCodec(KeyRing.parse(List.of(keyA), Optional.empty()));
        try (E2ePipeline p = new E2ePipeline(services, "secrets-at-rest", 14L, codec)) {
            p.startRouter();
            p.startDispatcher();
            p.configure("plain-batched", true, TYPES);
            p.configure("plain-single", false, TYPES);
            p.changeSecret("plain-single");
            // webhookctl set and rotate-secret (previous_secret filled) with the key from a file.
            Path first = dir.resolve("first.secret");
            Path second = dir.resolve("second.secret");
            assertThat(p.webhookctl(keysFile, "config", "set", "--tenant", "cli-tenant", "--secret-out", first.toString(),
                    "--endpoint", p.receiver.url("cli-tenant"), "--allow-http", "--allow-cidr", "127.0.0.0/8",
                    "--events", "TASK_CREATED").exit()).isZero();
            assertThat(p.webhookctl(keysFile, "config", "rotate-secret", "--tenant", "cli-tenant", "--overlap", "1h",
                    "--secret-out", second.toString(), "--allow-http", "--allow-cidr", "127.0.0.0/8").exit()).isZero();
            List<String> secrets = new ArrayList<>(p.ledger.tenants().stream()
                    .flatMap(t -> p.ledger.configs(t).stream().map(Ledger.ConfigChange::secret)).toList());
            secrets.add(TestSecrets.remember("tenant cli-tenant", Files.readString(first).strip()));
            secrets.add(TestSecrets.remember("tenant cli-tenant", Files.readString(second).strip()));

            for (int i = 0; i < 3; i++) {
                p.produce("plain-batched", EventType.TASK_CREATED);
                p.produce("plain-single", EventType.RISK_LEVEL_CHANGED);
            }
            p.flush();
            DeliveryChecker checker = p.checker();
            checker.awaitAllDelivered(DELIVERY);
            checker.check(Set.of(), DELIVERY); // bearer secret, body secret and signature are the tenant's plaintext ones

            List<byte[]> raw = rawConfigValues(p);
            assertThat(raw).hasSizeGreaterThanOrEqualTo(5);
            for (byte[] value : raw) {
                String text = new String(value, StandardCharsets.ISO_8859_1);
                for (String secret : secrets) {
                    assertThat(text.contains(secret)).as("a secret in plain on the config topic").isFalse();
                    assertThat(text.contains(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8))))
                            .as("a secret in base64 on the config topic").isFalse();
                }
            }
            WebhookConfig cli = latestStored(p).get("cli-tenant");
            assertThat(cli.getSecret()).startsWith("enc:v1:key-a:");
            assertThat(cli.getPreviousSecret()).startsWith("enc:v1:key-a:");
        }
    }

    @Test
    void reEncryptionUnderANewKeyKeepsDeliveryWorking(TestServices services, @TempDir Path dir) throws Exception {
        String keyA = TestKeys.entry("key-a");
        String keyB = TestKeys.entry("key-b");
        SecretCodec onlyA = new SecretCodec(KeyRing.parse(List.of(keyA), Optional.empty()));
        SecretCodec bothBCurrent = new SecretCodec(KeyRing.parse(List.of(keyA, keyB), Optional.empty()));
        SecretCodec onlyB = new SecretCodec(KeyRing.parse(List.of(keyB), Optional.empty()));
        try (E2ePipeline p = new E2ePipeline(services, "secrets-rotation", 15L, onlyA)) {
            p.startRouter();
            Dispatcher underA = p.startDispatcher();
            p.configure("rotating-batched", true, TYPES);
            p.configure("rotating-single", false, TYPES);
            deliverOneRoundAndCheck(p);

            // A tenant configured before encryption (no key): its plaintext secret is re-encrypted too.
            Path legacySecret = dir.resolve("legacy.secret");
            E2ePipeline.CliResult legacy = p.webhookctl("config", "set", "--tenant", "legacy-tenant", "--secret-out",
                    legacySecret.toString(), "--endpoint", p.receiver.url("legacy-tenant"), "--allow-http", "--allow-cidr",
                    "127.0.0.0/8", "--events", "TASK_CREATED");
            assertThat(legacy.exit()).as(legacy.all()).isZero();
            assertThat(legacy.err()).contains("unencrypted");
            String legacyValue = TestSecrets.remember("tenant legacy-tenant", Files.readString(legacySecret).strip());
            assertThat(latestStored(p).get("legacy-tenant").getSecret()).isEqualTo(legacyValue);

            Path keysFile = Files.writeString(dir.resolve("secret.keys"), keyA + "\n" + keyB + "\n");
            E2ePipeline.CliResult reEncrypted = p.webhookctl(keysFile, "config", "re-encrypt");
            assertThat(reEncrypted.exit()).as(reEncrypted.all()).isZero();
            assertThat(reEncrypted.all()).contains("re-encrypted 3").contains("key-b").doesNotContain(legacyValue);
            for (String tenant : p.ledger.tenants()) {
                p.ledger.configs(tenant).forEach(c -> assertThat(reEncrypted.all()).doesNotContain(c.secret()));
            }
            assertThat(latestStored(p).values()).hasSize(3)
                    .allSatisfy(c -> assertThat(c.getSecret()).startsWith("enc:v1:key-b:"));
            assertThat(p.webhookctl(keysFile, "config", "re-encrypt").all()).as("nothing left to do")
                    .contains("re-encrypted 0").contains("3 already under key 'key-b'");

            underA.close();
            Dispatcher underBoth = p.startDispatcher(p.dispatcherConfig().secretCodec(bothBCurrent));
            deliverOneRoundAndCheck(p);
            underBoth.close();
            p.startDispatcher(p.dispatcherConfig().secretCodec(onlyB));
            deliverOneRoundAndCheck(p);
        }
    }

    private static void deliverOneRoundAndCheck(E2ePipeline p) {
        p.produce("rotating-batched", EventType.TASK_CREATED);
        p.produce("rotating-single", EventType.RISK_LEVEL_CHANGED);
        p.flush();
        DeliveryChecker checker = p.checker();
        checker.awaitAllDelivered(DELIVERY);
        assertThat(checker.missing()).as("webhooks not delivered").isZero();
        checker.check(Set.of(), DELIVERY);
    }

    /** Every value on the config topic, as its bytes. */
    private static List<byte[]> rawConfigValues(E2ePipeline p) {
        try (var reader = p.fixture.reader(p.topics.tenantConfig(), new ByteArrayDeserializer())) {
            return reader.toEnd(Duration.ofSeconds(30)).stream().map(ConsumerRecord::value)
                    .filter(value -> value != null).toList();
        }
    }

    /** Each tenant's latest config as stored (secrets not decrypted). */
    private static Map<String, WebhookConfig> latestStored(E2ePipeline p) {
        AvroDeserializer<WebhookConfig> avro = new AvroDeserializer<>(WebhookConfig.class, p.registry);
        Map<String, WebhookConfig> latest = new HashMap<>();
        for (byte[] value : rawConfigValues(p)) {
            WebhookConfig config = avro.deserialize(p.topics.tenantConfig().name(), value);
            latest.put(config.getTenantId(), config);
        }
        return latest;
    }
}
