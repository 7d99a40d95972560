package dev.webhookpipeline.signing;

import dev.webhookpipeline.schema.WebhookConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A secret rotation with an overlap: the new secret becomes the tenant's secret at once (payload,
 * bearer header, first signature), and the old one keeps signing too, as a second signature, until
 * the overlap ends. A receiver can therefore switch to the new secret at any moment of the overlap.
 */
public final class SecretRotation {

    private SecretRotation() {}

    /** The secrets that sign a request sent at {@code at}: the current one, then the previous one while its overlap lasts. */
    public static List<String> signingSecrets(WebhookConfig config, Instant at) {
        return inOverlap(config, at) ? List.of(config.getSecret(), config.getPreviousSecret()) : List.of(config.getSecret());
    }

    public static boolean inOverlap(WebhookConfig config, Instant at) {
        return config.getPreviousSecret() != null && config.getRotationEndsAt() != null
                && at.isBefore(config.getRotationEndsAt());
    }

    /**
     * Makes {@code newSecret} the secret; the current one keeps signing until {@code now + overlap}
     * (a zero overlap drops it at once, as after a leak). An earlier rotation's previous secret is
     * dropped either way: only one overlap at a time.
     */
    public static WebhookConfig.Builder rotate(WebhookConfig config, String newSecret, Duration overlap, Instant now) {
        WebhookConfig.Builder next = WebhookConfig.newBuilder(config).setSecret(newSecret);
        return overlap.isZero() ? withoutPrevious(next)
                : next.setPreviousSecret(config.getSecret()).setRotationEndsAt(now.plus(overlap));
    }

    /** Replaces the secret at once, ending any overlap: the old secret stops signing now. */
    public static WebhookConfig.Builder replace(WebhookConfig.Builder config, String newSecret) {
        return withoutPrevious(config.setSecret(newSecret));
    }

    /** Forgets a previous secret whose overlap has ended, so it is not kept in the config topic longer than needed. */
    public static WebhookConfig.Builder forgetEnded(WebhookConfig.Builder config, Instant now) {
        boolean ended = config.getRotationEndsAt() != null && !now.isBefore(config.getRotationEndsAt());
        return ended ? withoutPrevious(config) : config;
    }

    private static WebhookConfig.Builder withoutPrevious(WebhookConfig.Builder config) {
        return config.setPreviousSecret(null).setRotationEndsAt(null);
    }
}
