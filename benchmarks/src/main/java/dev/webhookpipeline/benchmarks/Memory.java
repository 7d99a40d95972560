package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.testsupport.JavaProcess;
import dev.webhookpipeline.topics.PipelineTopics;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Resident memory of a dispatcher process ({@code DispatcherMain}, heap capped as in production)
 * idle, with many configured tenants that each received a webhook, and with one tenant whose
 * endpoint is down in front of a backlog far larger than the heap. Memory must stay bounded: the
 * backlog stays in Kafka, not in the dispatcher.
 */
final class Memory {

    static final String SECTION = "Scale: dispatcher resident memory (own process, -Xmx" + Memory.HEAP + ")";
    static final String HEAP = "512m";

    private Memory() {}

    static void run(Bench bench, Sizes sizes, Results results) throws Exception {
        Duration watch = Duration.ofSeconds(sizes.watchSeconds());
        // Baseline: one tenant, one webhook delivered, then idle.
        PipelineTopics idle = bench.prepare("m-idle", 1, false, 1, "ok").topics();
        bench.receiver.expect(1, null);
        long baseline = peakResident(bench, watch, idle, "m-idle", "one tenant, idle after one webhook",
                () -> bench.receiver.webhooks() >= 1, Duration.ofMinutes(2));
        results.add(new Results.Row(SECTION, "baseline: one tenant, one webhook, then idle", "1",
                baseline + " MiB", "1.00", baseline));

        // Many tenants, each configured and sent one webhook (unbatched: one request each).
        int tenants = sizes.manyTenants();
        PipelineTopics many = bench.prepare("m-many", tenants, false, tenants, "ok").topics();
        bench.receiver.expect(tenants, null);
        long manyPeak = peakResident(bench, watch, many, "m-many", String.format(Locale.ROOT, "%,d tenants", tenants),
                () -> bench.receiver.webhooks() >= tenants, Duration.ofMinutes(5));
        results.add(new Results.Row(SECTION, String.format(Locale.ROOT, "%,d configured tenants, one webhook each delivered",
                tenants), String.format(Locale.ROOT, "%,d", tenants), manyPeak + " MiB peak",
                String.format(Locale.ROOT, "%.2f of baseline", (double) manyPeak / baseline), manyPeak));

        // One tenant's endpoint is down with a huge backlog behind it.
        int backlog = sizes.backlog();
        PipelineTopics down = bench.prepare("m-down", 1, true, backlog, "down").topics(); // its endpoint answers 503
        bench.receiver.expect(Long.MAX_VALUE, null);
        long downPeak = peakResident(bench, watch, down, "m-down", "a backlog behind a down endpoint",
                () -> bench.receiver.refused() >= 1, Duration.ofMinutes(2));
        results.add(new Results.Row(SECTION, String.format(Locale.ROOT,
                "one tenant, endpoint down (503), backlog of %,d undelivered webhooks", backlog),
                String.format(Locale.ROOT, "%,d", backlog), downPeak + " MiB peak",
                String.format(Locale.ROOT, "%.2f of baseline; %d attempt(s) refused, %d delivered",
                        (double) downPeak / baseline, bench.receiver.refused(), bench.receiver.webhooks()), downPeak));
    }

    /**
     * Runs a dispatcher process until {@code reached}, then watches it for {@code watch}; returns its
     * highest resident set size over the whole run, sampled every 100 ms.
     */
    private static long peakResident(Bench bench, Duration watch, PipelineTopics topics, String name, String what,
                                     BooleanSupplier reached, Duration timeout) throws IOException, InterruptedException {
        BenchmarkMain.progress(name + ": dispatcher process, " + what);
        try (JavaProcess dispatcher = bench.dispatcherProcess(topics, name, HEAP)) {
            long peak = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            long watchUntil = Long.MAX_VALUE;
            while (System.nanoTime() < watchUntil) {
                if (!dispatcher.isAlive()) {
                    throw new IllegalStateException(name + ": the dispatcher process exited; its output: " + dispatcher.log());
                }
                peak = Math.max(peak, Bench.residentMiB(dispatcher.pid()));
                if (watchUntil == Long.MAX_VALUE && reached.getAsBoolean()) {
                    watchUntil = System.nanoTime() + watch.toNanos();
                } else if (watchUntil == Long.MAX_VALUE && System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": " + what + " not reached within " + timeout
                            + "; the dispatcher's output: " + dispatcher.log());
                }
                Thread.sleep(100); // sampling interval
            }
            return peak;
        }
    }
}
