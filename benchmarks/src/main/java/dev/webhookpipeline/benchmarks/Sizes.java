package dev.webhookpipeline.benchmarks;

import java.util.List;

/**
 * How big each scenario is. {@link #FULL} is what BENCHMARKS.md reports; {@link #QUICK} runs every
 * section in about a minute, to check the benchmark itself still works (the suite runs it).
 */
record Sizes(List<Integer> tenantCounts, int batched, int unbatchedOne, int unbatchedMany, int endToEndRate,
             int endToEndSeconds, int warmUpSeconds, int endToEndBurst, List<Integer> idleTenantCounts, int manyTenants, int backlog, int scaleOutBatched,
             int scaleOutUnbatched, int watchSeconds, int statusTenants, Peers peers) {

    /**
     * The peer comparison: tenant counts, and webhooks per run with batching on and off, for a receiver
     * that answers at once and one that answers after 20 ms (100 in flight at 20 ms: 5,000 requests/s at most);
     * whether an unreported round warms the JIT first (not worth its seconds when the figures mean little).
     */
    record Peers(List<Integer> tenantCounts, int batched, int unbatched, int slowBatched, int slowUnbatched,
                 boolean warmUp) {}

    static final Sizes FULL = new Sizes(List.of(1, 100, 10_000), 300_000, 5_000, 30_000, 2_000, 20, 10, 50_000,
            List.of(10_000, 100_000, 1_000_000), 100_000, 1_000_000, 400_000, 100_000, 15, 100_000,
            new Peers(List.of(100, 1_000, 10_000), 300_000, 20_000, 50_000, 20_000, true));

    static final Sizes QUICK = new Sizes(List.of(1, 100, 1_000), 3_000, 200, 2_000, 500, 3, 2, 2_000, List.of(2_000),
            2_000, 20_000, 3_000, 1_000, 2, 2_000, new Peers(List.of(100), 2_000, 400, 2_000, 400, false));

    /** Unbatched webhooks for a tenant count: one tenant is strictly sequential, so fewer. */
    int unbatched(int tenants) {
        return tenants == 1 ? unbatchedOne : unbatchedMany;
    }
}
