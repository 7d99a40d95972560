package dev.webhookpipeline.dispatcher.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.dispatcher.status.TenantQueueStatus.State;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex.Page;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex.Query;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex.Sort;
import dev.webhookpipeline.schema.DeliveryProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The presorted index answers every query exactly as filtering and sorting the whole list on each
 * request would (the reference below, written the obvious way), and the API's parameters are read
 * or refused as documented.
 */
class TenantStatusIndexTest {

    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Property(tries = 300)
    void everyPageIsTheSliceOfTheFullySortedFilteredList(@ForAll("tenants") List<DeliveryProgress> earlier,
                                                         @ForAll("tenants") List<DeliveryProgress> tenants,
                                                         @ForAll("queries") Query query) {
        // Rebuilt from an earlier snapshot (tenants changed, added, gone), as the status view does.
        TenantStatusIndex index = TenantStatusIndex.build(tenants, NOW, TenantStatusIndex.build(earlier, NOW));
        Page page = index.query(query);
        assertThat(TenantStatusIndex.build(tenants, NOW).query(query)).isEqualTo(page);

        List<TenantQueueStatus> expected = reference(tenants, query);
        assertThat(page.matched()).isEqualTo(expected.size());
        assertThat(page.total()).isEqualTo(tenants.size());
        assertThat(page.tenants()).containsExactlyElementsOf(
                expected.subList(Math.min(query.offset(), expected.size()), Math.min(query.offset() + query.limit(), expected.size())));
        Map<State, Integer> counts = new HashMap<>();
        tenants.forEach(p -> counts.merge(TenantQueueStatus.of(p).queue(), 1, Integer::sum));
        for (State state : State.values()) {
            assertThat(page.counts().get(state)).as(state.name()).isEqualTo(counts.getOrDefault(state, 0));
        }
        assertThat(page.waiting()).isEqualTo(tenants.stream().mapToLong(p -> TenantQueueStatus.of(p).waiting()).sum());
    }

    @Test
    void theDefaultOrderPutsTheLongestStalledFirstThenTheBiggestBacklogs() {
        List<DeliveryProgress> tenants = List.of(
                progress("empty", 5, 5, 0, null, null), progress("small", 1, 3, 0, null, null),
                progress("stalled-late", 1, 4, 2, NOW.minusSeconds(10), null), progress("big", 0, 90, 0, null, null),
                progress("stalled-early", 1, 2, 7, NOW.minusSeconds(600), null));
        Page page = TenantStatusIndex.build(tenants, NOW).query(TenantQuery.parse(name -> null));
        assertThat(page.tenants()).extracting(TenantQueueStatus::tenant)
                .containsExactly("stalled-early", "stalled-late", "big", "small", "empty");
        assertThat(page.limit()).isEqualTo(TenantQuery.DEFAULT_LIMIT);
    }

    @Test
    void filtersBySeveralStatesAndByAnyCaseOfPartOfTheName() {
        List<DeliveryProgress> tenants = List.of(progress("Acme-EU", 1, 3, 0, null, null),
                progress("acme-us", 1, 1, 0, null, null), progress("globex", 1, 2, 3, NOW, null));
        Map<String, String> params = Map.of("state", "waiting,stalled", "q", "ACME", "sort", "tenant");
        Page page = TenantStatusIndex.build(tenants, NOW).query(TenantQuery.parse(params::get));
        assertThat(page.tenants()).extracting(TenantQueueStatus::tenant).containsExactly("Acme-EU");
        assertThat(page.matched()).isEqualTo(1);
    }

    @Test
    void parametersOutsideWhatIsAcceptedAreRefusedWithWhatIsAccepted() {
        Map<Map<String, String>, String> refused = Map.of(
                Map.of("sort", "secret"), "sort must be one of operator, tenant, waiting, lastProcessed, nextRetry",
                Map.of("order", "sideways"), "order must be asc or desc",
                Map.of("limit", "0"), "limit must be a whole number from 1 to 500",
                Map.of("limit", "100000"), "limit must be a whole number from 1 to 500",
                Map.of("offset", "-1"), "offset must be a whole number from 0 to",
                Map.of("offset", "1e3"), "offset must be a whole number",
                Map.of("state", "STALLED,ASLEEP"), "state must be one or more of STALLED,WAITING,EMPTY",
                Map.of("q", "x".repeat(201)), "q is longer than 200 characters");
        refused.forEach((params, message) -> assertThatThrownBy(() -> TenantQuery.parse(params::get))
                .as(params.toString()).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message));
    }

    @Test
    void eachSortHasTheDirectionAnOperatorWantsByDefault() {
        assertThat(TenantQuery.parse(Map.of("sort", "waiting")::get).descending()).isTrue();
        assertThat(TenantQuery.parse(Map.of("sort", "lastProcessed")::get).descending()).isTrue();
        assertThat(TenantQuery.parse(Map.of("sort", "tenant")::get).descending()).isFalse();
        assertThat(TenantQuery.parse(Map.of("sort", "waiting", "order", "asc")::get).descending()).isFalse();
    }

    /** The obvious way: every tenant's status, filtered, fully sorted, on each request. */
    private static List<TenantQueueStatus> reference(List<DeliveryProgress> tenants, Query query) {
        Comparator<TenantQueueStatus> order = switch (query.sort()) {
            case OPERATOR -> Comparator.comparing(TenantQueueStatus::queue)
                    .thenComparing(s -> s.stalledSince() == null ? Instant.MAX : s.stalledSince())
                    .thenComparing(Comparator.comparingLong(TenantQueueStatus::waiting).reversed())
                    .thenComparing(TenantQueueStatus::tenant);
            case TENANT -> Comparator.comparing(TenantQueueStatus::tenant);
            case WAITING -> Comparator.comparingLong(TenantQueueStatus::waiting).thenComparing(TenantQueueStatus::tenant);
            case LAST_PROCESSED -> Comparator.comparing((TenantQueueStatus s) -> s.lastProcessed() == null ? Instant.MIN
                    : s.lastProcessed()).thenComparing(TenantQueueStatus::tenant);
            case NEXT_RETRY -> Comparator.comparing((TenantQueueStatus s) -> s.nextRetry() == null ? Instant.MAX
                    : s.nextRetry()).thenComparing(TenantQueueStatus::tenant);
        };
        List<TenantQueueStatus> all = new ArrayList<>(tenants.stream().map(TenantQueueStatus::of)
                .filter(s -> query.states().isEmpty() || query.states().contains(s.queue()))
                .filter(s -> s.tenant().toLowerCase(Locale.ROOT).contains(query.text().toLowerCase(Locale.ROOT)))
                .sorted(query.descending() ? order.reversed() : order).toList());
        return all;
    }

    @Provide
    Arbitrary<List<DeliveryProgress>> tenants() {
        Arbitrary<Instant> maybeTime = Arbitraries.integers().between(0, 5)
                .map(s -> s == 0 ? null : NOW.minusSeconds(s * 30L));
        Arbitrary<DeliveryProgress> one = Combinators.combine(Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 2),
                maybeTime, maybeTime).as((name, delivered, extra, failures, failingSince, lastDelivered) ->
                progress((name % 3 == 0 ? "T-" : "t-") + name, delivered, delivered + extra, failures,
                        failures > 0 ? failingSince : null, lastDelivered));
        // One state per tenant, as the delivery-state topic keeps.
        return one.list().ofMaxSize(60).map(list -> {
            Map<String, DeliveryProgress> byTenant = new HashMap<>();
            list.forEach(p -> byTenant.put(p.getTenantId(), p));
            return List.copyOf(byTenant.values());
        });
    }

    @Provide
    Arbitrary<Query> queries() {
        Arbitrary<Set<State>> states = Arbitraries.subsetOf(State.values()).map(s -> s.isEmpty()
                ? EnumSet.noneOf(State.class) : EnumSet.copyOf(s));
        return Combinators.combine(states, Arbitraries.of("", "t-1", "T-", "2", "zz"), Arbitraries.of(Sort.values()),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 30), Arbitraries.integers().between(1, 25))
                .as(Query::new);
    }

    static DeliveryProgress progress(String tenant, long delivered, long highest, int failedAttempts, Instant failingSince,
                                     Instant lastDelivered) {
        return DeliveryProgress.newBuilder().setTenantId(tenant).setLastDeliveredWebhookId(delivered)
                .setLastDeliveredAt(lastDelivered).setHighestKnownWebhookId(highest).setFailedAttempts(failedAttempts)
                .setFailingSince(failingSince).setNextAttemptAt(failingSince == null ? null : failingSince.plusSeconds(60))
                .setHeld(false).setRecentFailures(List.of()).setUpdatedAt(NOW).build();
    }

}
