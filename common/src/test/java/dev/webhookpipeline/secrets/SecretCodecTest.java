package dev.webhookpipeline.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCodecTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final String keyA = TestKeys.entry("a");
    private final String keyB = TestKeys.entry("b");

    private static SecretCodec codec(Optional<String> current, String... entries) {
        return new SecretCodec(KeyRing.parse(List.of(entries), current));
    }

    @Test
    void roundTripsUnderTheCurrentKeyAndHidesTheSecret() {
        SecretCodec codec = codec(Optional.empty(), keyA);
        String stored = codec.encrypt("acme", SECRET);

        assertThat(stored).startsWith("enc:v1:a:").doesNotContain(SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertThat(codec.decrypt("acme", stored)).isEqualTo(SECRET);
        assertThat(codec.encrypt("acme", SECRET)).as("a fresh nonce each time").isNotEqualTo(stored);
    }

    @Test
    void theLastKeyListedIsCurrentUnlessOneIsNamed() {
        assertThat(codec(Optional.empty(), keyA, keyB).encrypt("acme", SECRET)).startsWith("enc:v1:b:");
        assertThat(codec(Optional.of("a"), keyA, keyB).encrypt("acme", SECRET)).startsWith("enc:v1:a:");
    }

    @Test
    void oldKeysStayReadable() {
        String underA = codec(Optional.empty(), keyA).encrypt("acme", SECRET);
        assertThat(codec(Optional.of("b"), keyA, keyB).decrypt("acme", underA)).isEqualTo(SECRET);
    }

    @Test
    void aCiphertextMovedToAnotherTenantDoesNotDecrypt() {
        SecretCodec codec = codec(Optional.empty(), keyA);
        String stored = codec.encrypt("acme", SECRET);

        assertThatThrownBy(() -> codec.decrypt("globex", stored)).isInstanceOf(SecretDecryptionException.class)
                .hasMessageContaining("globex").hasMessageContaining("'a'");
    }

    @Test
    void anUnknownKeyIdIsNamedNeverTheKeys() {
        String underA = codec(Optional.empty(), keyA).encrypt("acme", SECRET);
        SecretCodec onlyB = codec(Optional.empty(), keyB);

        assertThatThrownBy(() -> onlyB.decrypt("acme", underA)).isInstanceOfSatisfying(SecretDecryptionException.class, e -> {
            assertThat(e.tenantId()).isEqualTo("acme");
            assertThat(e.keyId()).isEqualTo("a");
            assertThat(e.getMessage()).doesNotContain(TestKeys.keyOf(keyA)).doesNotContain(TestKeys.keyOf(keyB))
                    .doesNotContain(SECRET).doesNotContain(underA.substring("enc:v1:a:".length()));
        });
    }

    @Test
    void aTamperedCiphertextIsRefused() {
        SecretCodec codec = codec(Optional.empty(), keyA);
        String stored = codec.encrypt("acme", SECRET);
        byte[] data = Base64.getDecoder().decode(stored.substring("enc:v1:a:".length()));
        data[data.length - 20] ^= 1;
        String tampered = "enc:v1:a:" + Base64.getEncoder().encodeToString(data);

        assertThatThrownBy(() -> codec.decrypt("acme", tampered)).isInstanceOf(SecretDecryptionException.class)
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> codec.decrypt("acme", "enc:v1:a:not base64!")).isInstanceOf(SecretDecryptionException.class);
        assertThatThrownBy(() -> codec.decrypt("acme", "enc:v1:a")).isInstanceOf(SecretDecryptionException.class);
    }

    @Test
    void aLegacyPlaintextSecretPassesThrough() {
        assertThat(codec(Optional.empty(), keyA).decrypt("acme", "legacy-secret-0123456789")).isEqualTo("legacy-secret-0123456789");
        assertThat(SecretCodec.plaintext().encrypt("acme", SECRET)).isEqualTo(SECRET);
        assertThat(SecretCodec.plaintext().decrypt("acme", null)).isNull();
    }

    @Test
    void withoutAKeyAnEnvelopeLookingSecretIsNotStoredAsIs() {
        assertThatThrownBy(() -> SecretCodec.plaintext().encrypt("acme", "enc:v1:x:0123456789abcdef"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("0123456789abcdef");
    }

    @Test
    void encryptsBothSecretsOfAConfig() {
        SecretCodec codec = codec(Optional.empty(), keyA);
        WebhookConfig config = WebhookConfig.newBuilder(SampleRecords.config("acme", "https://example.com/h",
                List.of(EventType.TASK_CREATED))).setPreviousSecret("previous-secret-0123456789").build();

        WebhookConfig stored = codec.encrypt(config);

        assertThat(stored.getSecret()).startsWith("enc:v1:a:");
        assertThat(stored.getPreviousSecret()).startsWith("enc:v1:a:");
        assertThat(codec.isCurrent(stored)).isTrue();
        assertThat(codec(Optional.empty(), keyA, keyB).isCurrent(stored)).isFalse();
        assertThat(codec.decrypt(stored)).isEqualTo(config);
    }

    @Test
    void badKeyEntriesAreRefusedWithoutQuotingThem(@TempDir Path dir) throws Exception {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> KeyRing.parse(List.of("a=" + shortKey), Optional.empty()))
                .hasMessageContaining("32 bytes").hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> KeyRing.parse(List.of(TestKeys.keyOf(keyA)), Optional.empty()))
                .hasMessageNotContaining(TestKeys.keyOf(keyA));
        assertThatThrownBy(() -> KeyRing.parse(List.of(keyA), Optional.of("z"))).hasMessageContaining("'z'");

        Path file = Files.writeString(dir.resolve("keys"), "# rotated 2026-12\n" + keyA + "\n\n" + keyB + "\n");
        KeyRing fromFile = KeyRing.from(PipelineSettings.of(Map.of(KeyRing.KEYS_FILE, file.toString())));
        assertThat(fromFile.keyIds()).containsExactlyInAnyOrder("a", "b");
        assertThat(fromFile.currentKeyId()).contains("b");
        assertThat(fromFile.toString()).doesNotContain(TestKeys.keyOf(keyA));
        assertThat(KeyRing.from(PipelineSettings.load(Optional.empty(), Map.of("PIPELINE_SECRETS_KEYS", keyA + "," + keyB,
                "PIPELINE_SECRETS_CURRENT_KEY", "a"), Map.of())).currentKeyId()).contains("a");
        assertThatThrownBy(() -> KeyRing.from(PipelineSettings.of(Map.of(KeyRing.KEYS_FILE, dir.resolve("none").toString()))))
                .isInstanceOf(SettingsException.class);
    }
}
