package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.EventType;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingRulesTest {

    private static final Instant CUTOVER = Instant.parse("2026-06-01T00:00:00Z");
    private final RoutingRules rules = RoutingRules.cutoverAt(CUTOVER);

    private static TenantRouting tenant(boolean enabled, Instant createdAt, EventType... types) {
        return new TenantRouting(false, enabled, createdAt, Set.of(types));
    }

    @Test
    void dropReasonsInOrderOfPrecedence() {
        assertThat(rules.dropReason(null, EventType.TASK_CREATED)).contains(Outcome.DROPPED_NO_CONFIG);
        assertThat(rules.dropReason(TenantRouting.DELETED, EventType.TASK_CREATED)).contains(Outcome.DROPPED_CONFIG_DELETED);
        assertThat(rules.dropReason(tenant(false, CUTOVER, EventType.TASK_CREATED), EventType.TASK_CREATED))
                .contains(Outcome.DROPPED_DISABLED);
        assertThat(rules.dropReason(tenant(true, CUTOVER, EventType.TASK_CREATED), EventType.CHECK_COMPLETED))
                .contains(Outcome.DROPPED_TYPE_NOT_ENABLED);
        assertThat(rules.dropReason(tenant(true, CUTOVER, EventType.TASK_CREATED), EventType.TASK_CREATED)).isEmpty();
    }

    @Test
    void theCutoverIsInclusive() {
        assertThat(rules.afterCutover(tenant(true, CUTOVER.minusMillis(1)))).isFalse();
        assertThat(rules.afterCutover(tenant(true, CUTOVER))).isTrue();
        assertThat(RoutingRules.withoutCutover().afterCutover(tenant(true, Instant.MAX))).isFalse();
    }

    @Test
    void afterTheCutoverUpdatedReadsAsChanged() {
        TenantRouting fresh = tenant(true, CUTOVER, EventType.COLLECTED_DATA_UPDATED);
        assertThat(rules.dropReason(fresh, EventType.COLLECTED_DATA_CHANGED)).isEmpty();
        assertThat(rules.dropReason(fresh, EventType.COLLECTED_DATA_UPDATED))
                .contains(Outcome.DROPPED_DEPRECATED_AFTER_CUTOVER);
        TenantRouting old = tenant(true, CUTOVER.minusSeconds(1), EventType.COLLECTED_DATA_UPDATED);
        assertThat(rules.dropReason(old, EventType.COLLECTED_DATA_UPDATED)).isEqualTo(Optional.empty());
        assertThat(rules.dropReason(old, EventType.COLLECTED_DATA_CHANGED)).contains(Outcome.DROPPED_TYPE_NOT_ENABLED);
    }

    @Test
    void theStoredProjectionRoundTripsWithoutTheSecret() {
        TenantRouting routing = tenant(true, CUTOVER, EventType.TASK_CREATED, EventType.COLLECTED_DATA_CHANGED);
        var serde = TenantRouting.serde();
        byte[] bytes = serde.serializer().serialize("store", routing);
        assertThat(serde.deserializer().deserialize("store", bytes)).isEqualTo(routing);
        assertThat(serde.deserializer().deserialize("store", serde.serializer().serialize("store", TenantRouting.DELETED)))
                .isEqualTo(TenantRouting.DELETED);
    }
}
