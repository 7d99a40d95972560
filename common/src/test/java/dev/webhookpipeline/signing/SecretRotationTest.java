package dev.webhookpipeline.signing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testsupport.SampleRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretRotationTest {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String NEW = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    static WebhookConfig config() {
        return SampleRecords.config("acme", "https://example.com/h", List.of(EventType.TASK_CREATED));
    }

    @Test
    void withoutARotationOnlyTheSecretSigns() {
        assertThat(SecretRotation.signingSecrets(config(), NOW)).containsExactly(config().getSecret());
    }

    @Test
    void bothSecretsSignUntilTheOverlapEndsThenOnlyTheNewOne() {
        WebhookConfig old = config();
        WebhookConfig rotated = SecretRotation.rotate(old, NEW, Duration.ofHours(24), NOW).build();

        assertThat(rotated.getSecret()).isEqualTo(NEW);
        assertThat(SecretRotation.signingSecrets(rotated, NOW)).containsExactly(NEW, old.getSecret());
        assertThat(SecretRotation.signingSecrets(rotated, NOW.plus(Duration.ofHours(24)).minusMillis(1)))
                .containsExactly(NEW, old.getSecret());
        assertThat(SecretRotation.signingSecrets(rotated, NOW.plus(Duration.ofHours(24)))).containsExactly(NEW);
    }

    @Test
    void aZeroOverlapDropsTheOldSecretAtOnce() {
        WebhookConfig rotated = SecretRotation.rotate(config(), NEW, Duration.ZERO, NOW).build();
        assertThat(rotated.getPreviousSecret()).isNull();
        assertThat(rotated.getRotationEndsAt()).isNull();
        assertThat(SecretRotation.signingSecrets(rotated, NOW)).containsExactly(NEW);
    }

    @Test
    void replacingOrForgettingAnEndedOverlapClearsThePreviousSecret() {
        WebhookConfig rotated = SecretRotation.rotate(config(), NEW, Duration.ofHours(1), NOW).build();

        WebhookConfig replaced = SecretRotation.replace(WebhookConfig.newBuilder(rotated), "another-secret-0123456789").build();
        assertThat(replaced.getPreviousSecret()).isNull();
        assertThat(replaced.getRotationEndsAt()).isNull();

        assertThat(SecretRotation.forgetEnded(WebhookConfig.newBuilder(rotated), NOW.plusSeconds(3599)).build())
                .isEqualTo(rotated);
        WebhookConfig forgotten = SecretRotation.forgetEnded(WebhookConfig.newBuilder(rotated), NOW.plusSeconds(3600)).build();
        assertThat(forgotten.getPreviousSecret()).isNull();
        assertThat(forgotten.getSecret()).isEqualTo(NEW);
    }
}
