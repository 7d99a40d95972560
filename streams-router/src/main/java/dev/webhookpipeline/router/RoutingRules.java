package dev.webhookpipeline.router;

import dev.webhookpipeline.schema.EventType;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides, from a tenant's config, whether an event is delivered to it. Pure, so every rule is
 * tested without Kafka.
 *
 * <p>Cut-over rule (SPEC "Event types"): COLLECTED_DATA_UPDATED is deprecated in favour of
 * COLLECTED_DATA_CHANGED. Upstream emits both. A tenant whose config was created at or after the
 * cut-over instant has COLLECTED_DATA_UPDATED in its enabled set read as COLLECTED_DATA_CHANGED,
 * and never receives COLLECTED_DATA_UPDATED. Tenants created before keep what they enabled.
 *
 * @param cutover empty = no cut-over configured: every tenant keeps the old behaviour
 */
public record RoutingRules(Optional<Instant> cutover) {

    public static RoutingRules withoutCutover() {
        return new RoutingRules(Optional.empty());
    }

    public static RoutingRules cutoverAt(Instant cutover) {
        return new RoutingRules(Optional.of(cutover));
    }

    /** True when the tenant gets COLLECTED_DATA_CHANGED in place of COLLECTED_DATA_UPDATED. */
    public boolean afterCutover(TenantRouting config) {
        return cutover.isPresent() && !config.createdAt().isBefore(cutover.get());
    }

    /** Why the event is dropped, or empty when it is delivered. {@code config} is null when the tenant never had one. */
    public Optional<Outcome> dropReason(TenantRouting config, EventType type) {
        if (config == null) {
            return Optional.of(Outcome.DROPPED_NO_CONFIG);
        }
        if (config.deleted()) {
            return Optional.of(Outcome.DROPPED_CONFIG_DELETED);
        }
        if (!config.enabled()) {
            return Optional.of(Outcome.DROPPED_DISABLED);
        }
        boolean enabled;
        if (afterCutover(config)) {
            if (type == EventType.COLLECTED_DATA_UPDATED) {
                return Optional.of(Outcome.DROPPED_DEPRECATED_AFTER_CUTOVER);
            }
            enabled = config.enabledEvents().contains(type) || (type == EventType.COLLECTED_DATA_CHANGED
                    && config.enabledEvents().contains(EventType.COLLECTED_DATA_UPDATED));
        } else {
            enabled = config.enabledEvents().contains(type);
        }
        return enabled ? Optional.empty() : Optional.of(Outcome.DROPPED_TYPE_NOT_ENABLED);
    }
}
