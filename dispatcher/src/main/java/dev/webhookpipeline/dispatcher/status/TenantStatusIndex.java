package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.dispatcher.status.TenantQueueStatus.State;
import dev.webhookpipeline.schema.DeliveryProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every tenant's queue status, counted and sorted ahead of the question, so the API answers a page
 * of a 100,000-tenant list by walking a presorted array instead of sorting on each request. A
 * snapshot is built from the delivery states (see {@link StatusView}, which rebuilds it after
 * changes); queries never block its rebuild. Only the rows of the page become
 * {@link TenantQueueStatus} objects.
 */
public final class TenantStatusIndex {

    /** The orders a list can come in; each has the direction an operator usually wants as its default. */
    public enum Sort {
        /** Stalled first (longest stalled first), then the biggest backlogs, then by name. */
        OPERATOR("operator", false),
        TENANT("tenant", false),
        /** Biggest backlog first by default. */
        WAITING("waiting", true),
        /** Most recently delivered first by default; never delivered counts as oldest. */
        LAST_PROCESSED("lastProcessed", true),
        /** Soonest retry first; tenants without one come last. */
        NEXT_RETRY("nextRetry", false);

        public final String apiName;
        public final boolean descendingByDefault;

        Sort(String apiName, boolean descendingByDefault) {
            this.apiName = apiName;
            this.descendingByDefault = descendingByDefault;
        }
    }

    /** Which tenants, in which order, which slice: see {@link TenantQuery} for the API's spelling. */
    public record Query(Set<State> states, String text, Sort sort, boolean descending, int offset, int limit) {}

    /**
     * A page of the list: {@code total} tenants known, {@code matched} by the filter, this slice of
     * them, the count per state and the webhooks waiting over all tenants, as of the snapshot's time.
     */
    public record Page(int total, int matched, int offset, int limit, Map<State, Integer> counts, long waiting,
                       Instant asOf, List<TenantQueueStatus> tenants) {}

    /** What ordering and filtering need of one tenant, taken from its delivery state once per snapshot. */
    private record Entry(String tenant, String folded, State state, long waiting, long stalledSince, long lastProcessed,
                         long nextRetry, DeliveryProgress progress) {

        static Entry of(DeliveryProgress p) {
            TenantQueueStatus.Queue q = TenantQueueStatus.queueOf(p);
            String tenant = p.getTenantId();
            return new Entry(tenant, tenant.toLowerCase(Locale.ROOT), q.state(), q.waiting(),
                    millis(p.getFailingSince(), Long.MAX_VALUE), millis(p.getLastDeliveredAt(), Long.MIN_VALUE),
                    millis(p.getNextAttemptAt(), Long.MAX_VALUE), p);
        }

        private static long millis(Instant at, long absent) {
            return at == null ? absent : at.toEpochMilli();
        }
    }

    private static final Comparator<Entry> BY_TENANT = Comparator.comparing(Entry::tenant);

    /** Ascending (natural) orders; a descending query walks them backwards. Ties go by name, so pages are stable. */
    private static Comparator<Entry> ascending(Sort sort) {
        return switch (sort) {
            case OPERATOR -> Comparator.comparing(Entry::state).thenComparingLong(Entry::stalledSince)
                    .thenComparing(Comparator.comparingLong(Entry::waiting).reversed()).thenComparing(BY_TENANT);
            case TENANT -> BY_TENANT;
            case WAITING -> Comparator.comparingLong(Entry::waiting).thenComparing(BY_TENANT);
            case LAST_PROCESSED -> Comparator.comparingLong(Entry::lastProcessed).thenComparing(BY_TENANT);
            case NEXT_RETRY -> Comparator.comparingLong(Entry::nextRetry).thenComparing(BY_TENANT);
        };
    }

    private final Entry[][] orders; // indexed by Sort.ordinal()
    private final Map<State, Integer> counts;
    private final long waiting;
    private final Instant asOf;

    private TenantStatusIndex(Entry[][] orders, Map<State, Integer> counts, long waiting, Instant asOf) {
        this.orders = orders;
        this.counts = counts;
        this.waiting = waiting;
        this.asOf = asOf;
    }

    private static final TenantStatusIndex NONE = empty(Instant.EPOCH);

    public static TenantStatusIndex empty(Instant asOf) {
        Entry[][] none = new Entry[Sort.values().length][];
        Arrays.fill(none, new Entry[0]);
        Map<State, Integer> counts = new EnumMap<>(State.class);
        for (State state : State.values()) {
            counts.put(state, 0);
        }
        return new TenantStatusIndex(none, Map.copyOf(counts), 0, asOf);
    }

    /** Sorts every order from scratch; O(n log n) per order. */
    public static TenantStatusIndex build(Collection<DeliveryProgress> states, Instant asOf) {
        return build(states, asOf, NONE);
    }

    /**
     * Sorts every order, starting from the previous snapshot's: the tenants keep their places and
     * the sort (TimSort, which finds the runs already in order) only moves those whose state changed,
     * so a rebuild after a few changes costs little more than a pass over the tenants.
     */
    public static TenantStatusIndex build(Collection<DeliveryProgress> states, Instant asOf, TenantStatusIndex previous) {
        Map<String, Entry> fresh = new HashMap<>(Math.max(16, states.size() * 4 / 3 + 1));
        for (DeliveryProgress p : states) {
            fresh.put(p.getTenantId(), Entry.of(p));
        }
        Map<State, Integer> counts = new EnumMap<>(State.class);
        for (State state : State.values()) {
            counts.put(state, 0);
        }
        long waiting = 0;
        for (Entry e : fresh.values()) {
            counts.merge(e.state(), 1, Integer::sum);
            waiting += e.waiting();
        }
        Set<String> known = new HashSet<>(Math.max(16, previous.size() * 4 / 3 + 1));
        for (Entry e : previous.orders[Sort.TENANT.ordinal()]) {
            known.add(e.tenant());
        }
        List<Entry> added = new ArrayList<>();
        for (Entry e : fresh.values()) {
            if (!known.contains(e.tenant())) {
                added.add(e);
            }
        }
        Entry[][] orders = new Entry[Sort.values().length][];
        for (Sort sort : Sort.values()) {
            Entry[] sorted = new Entry[fresh.size()];
            int n = 0;
            for (Entry before : previous.orders[sort.ordinal()]) {
                Entry now = fresh.get(before.tenant());
                if (now != null) {
                    sorted[n++] = now; // its previous place: most tenants are already in order
                }
            }
            for (Entry e : added) {
                sorted[n++] = e;
            }
            Arrays.sort(sorted, ascending(sort));
            orders[sort.ordinal()] = sorted;
        }
        return new TenantStatusIndex(orders, Map.copyOf(counts), waiting, asOf);
    }

    public int size() {
        return orders[0].length;
    }

    public Map<State, Integer> counts() {
        return counts;
    }

    public long waiting() {
        return waiting;
    }

    public Instant asOf() {
        return asOf;
    }

    /** One page: walks the query's order, keeps the matching tenants, builds only the rows it returns. */
    public Page query(Query query) {
        Entry[] order = orders[query.sort().ordinal()];
        String text = query.text() == null ? "" : query.text().toLowerCase(Locale.ROOT);
        boolean everyState = query.states().isEmpty() || query.states().size() == State.values().length;
        List<TenantQueueStatus> rows = new ArrayList<>(Math.min(query.limit(), order.length));
        int matched = 0;
        for (int i = 0; i < order.length; i++) {
            Entry e = order[query.descending() ? order.length - 1 - i : i];
            if ((everyState || query.states().contains(e.state())) && (text.isEmpty() || e.folded().contains(text))) {
                if (matched >= query.offset() && rows.size() < query.limit()) {
                    rows.add(TenantQueueStatus.of(e.progress()));
                }
                matched++;
            }
        }
        return new Page(order.length, matched, query.offset(), query.limit(), counts, waiting, asOf, rows);
    }
}
