package dev.webhookpipeline.tenant;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.EventTypes;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.signing.SigningSecret;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * What a tenant's webhook config must satisfy before it is saved. Errors refuse the config;
 * warnings (deprecated event types) are shown but do not.
 */
public final class WebhookConfigRules {

    public static final int MIN_SECRET_LENGTH = 16;
    public static final int MAX_SECRET_LENGTH = 256;
    public static final int MAX_TENANT_ID_LENGTH = 128;
    public static final int MAX_SECRET_HEADER_LENGTH = SecretHeaderName.MAX_LENGTH;

    public record Verdict(List<String> errors, List<String> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final EndpointPolicy endpoints;

    public WebhookConfigRules(EndpointPolicy endpoints) {
        this.endpoints = endpoints;
    }

    public Verdict check(WebhookConfig config) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        tenantIdProblem(config.getTenantId()).ifPresent(errors::add);
        endpoints.check(config.getEndpoint()).ifPresent(errors::add);
        String secret = config.getSecret();
        if (secret == null || secret.isBlank()) {
            errors.add("secret is missing: give a shared secret of at least " + MIN_SECRET_LENGTH + " characters");
        } else {
            secretProblem("secret", secret).ifPresent(errors::add);
        }
        rotationProblem(config).ifPresent(errors::add);
        String header = config.getSecretHeader();
        if (header != null) {
            SecretHeaderName.problem(header).ifPresent(errors::add);
        }
        List<EventType> events = config.getEnabledEvents();
        if (events.isEmpty() && config.getEnabled()) {
            warnings.add("no event types enabled: this tenant will receive nothing");
        }
        if (new HashSet<>(events).size() != events.size()) {
            errors.add("enabled events list a type twice");
        }
        for (EventType type : events) {
            if (EventTypes.isDeprecated(type)) {
                warnings.add(type + " is deprecated" + (type == EventType.COLLECTED_DATA_UPDATED
                        ? "; use COLLECTED_DATA_CHANGED (tenants configured after the cut-over get it instead)" : ""));
            }
        }
        if (config.getUpdatedAt().isBefore(config.getCreatedAt())) {
            errors.add("updated_at is before created_at");
        }
        return new Verdict(errors, warnings);
    }

    /** The rules every secret follows, current or previous; never quotes the secret. */
    private static Optional<String> secretProblem(String which, String secret) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            return Optional.of(which + " is too short (" + secret.length() + " characters): use at least " + MIN_SECRET_LENGTH);
        }
        if (secret.length() > MAX_SECRET_LENGTH) {
            return Optional.of(which + " is too long: at most " + MAX_SECRET_LENGTH + " characters");
        }
        if (!secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return Optional.of(which + " must be printable ASCII without spaces (it is sent in an HTTP header)");
        }
        return SigningSecret.problem(secret).map(problem -> which + ": " + problem);
    }

    /** A previous secret (still signing during a rotation's overlap) comes with the overlap's end. */
    private static Optional<String> rotationProblem(WebhookConfig config) {
        String previous = config.getPreviousSecret();
        if (previous == null) {
            return config.getRotationEndsAt() == null ? Optional.empty()
                    : Optional.of("rotation_ends_at without a previous secret");
        }
        if (config.getRotationEndsAt() == null) {
            return Optional.of("a previous secret without rotation_ends_at would sign forever");
        }
        if (previous.equals(config.getSecret())) {
            return Optional.of("the previous secret is the current one: a rotation needs a new secret");
        }
        return secretProblem("previous secret", previous);
    }

    /** Tenant ids are Kafka keys and appear in URLs and metrics: keep them short and plain. */
    public static Optional<String> tenantIdProblem(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            return Optional.of("tenant id is missing");
        }
        if (tenantId.length() > MAX_TENANT_ID_LENGTH) {
            return Optional.of("tenant id is longer than " + MAX_TENANT_ID_LENGTH + " characters");
        }
        if (!tenantId.matches("[A-Za-z0-9._:-]+")) {
            return Optional.of("tenant id '" + tenantId.replaceAll("\\p{Cntrl}", "?")
                    + "' may only hold letters, digits, '.', '_', ':' and '-'");
        }
        return Optional.empty();
    }
}
