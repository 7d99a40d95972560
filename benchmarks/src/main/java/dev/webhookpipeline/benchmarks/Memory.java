package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.topics.PipelineTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Heap a dispatcher process ({@code DispatcherMain}) keeps live, measured after a full GC (the
 * {@code jcmd GC.class_histogram} total, which collects first): with many configured idle tenants,
 * with tenants that each got a webhook, and with one tenant whose endpoint is down in front of a
 * backlog far larger than the heap. Per-tenant figures are the growth over a one-tenant baseline;
 * the backlog must leave the heap flat: it stays in Kafka, not in the dispatcher.
 */
final class Memory {

    static final String HEAP = "2g";
    static final String SECTION = "Scale: dispatcher heap after a full GC (own process, -Xmx" + HEAP + ")";
    static final long IDLE_TENANT_TARGET_BYTES = 1024;

    private Memory() {}

    static void run(Bench bench, Sizes sizes, Results results) throws Exception {
        Duration watch = Duration.ofSeconds(sizes.watchSeconds());
        // Baseline: one tenant, one webhook delivered, then idle.
        PipelineTopics idle = bench.prepare("m-idle", 1, false, 1, "ok").topics();
        bench.receiver.expect(1, null);
        Measured baseline = measure(bench, watch, idle, "m-idle", "one tenant, idle after one webhook",
                () -> bench.receiver.webhooks() >= 1, Duration.ofMinutes(2));
        results.add(new Results.Row(SECTION, "baseline: one tenant, one webhook, then idle", "1", baseline.describe(),
                "—", baseline.liveMiB()));

        // Configured tenants that receive nothing: what an idle tenant costs.
        for (int tenants : sizes.idleTenantCounts()) {
            String name = "m-idle-" + tenants;
            PipelineTopics topics = bench.prepare(name, tenants, false, 0, "ok").topics();
            Measured m = measure(bench, watch, topics, name, String.format(Locale.ROOT, "%,d idle tenants", tenants),
                    () -> true, Duration.ofMinutes(5)); // nothing to deliver: ready is enough
            long perTenant = m.perTenantOver(baseline, tenants);
            results.add(new Results.Row(SECTION, String.format(Locale.ROOT, "%,d configured tenants, idle", tenants),
                    String.format(Locale.ROOT, "%,d", tenants), m.describe(),
                    String.format(Locale.ROOT, "%,d bytes per tenant: target ≤ %,d %s", perTenant, IDLE_TENANT_TARGET_BYTES,
                            perTenant <= IDLE_TENANT_TARGET_BYTES ? "met" : "missed"), m.liveMiB()));
        }

        // Tenants that each got one webhook (unbatched: one request each): the delivery state they leave behind.
        int tenants = sizes.manyTenants();
        PipelineTopics many = bench.prepare("m-many", tenants, false, tenants, "ok").topics();
        bench.receiver.expect(tenants, null);
        Measured active = measure(bench, watch, many, "m-many", String.format(Locale.ROOT, "%,d tenants", tenants),
                () -> bench.receiver.webhooks() >= tenants, Duration.ofMinutes(5));
        results.add(new Results.Row(SECTION, String.format(Locale.ROOT, "%,d configured tenants, one webhook each delivered",
                tenants), String.format(Locale.ROOT, "%,d", tenants), active.describe(),
                String.format(Locale.ROOT, "%,d bytes per tenant", active.perTenantOver(baseline, tenants)), active.liveMiB()));

        // One tenant's endpoint is down with a huge backlog behind it.
        int backlog = sizes.backlog();
        PipelineTopics down = bench.prepare("m-down", 1, true, backlog, "down").topics(); // its endpoint answers 503
        bench.receiver.expect(Long.MAX_VALUE, null);
        Measured held = measure(bench, watch, down, "m-down", "a backlog behind a down endpoint",
                () -> bench.receiver.refused() >= 1, Duration.ofMinutes(2));
        results.add(new Results.Row(SECTION, String.format(Locale.ROOT,
                "one tenant, endpoint down (503), backlog of %,d undelivered webhooks", backlog),
                String.format(Locale.ROOT, "%,d", backlog), held.describe(),
                String.format(Locale.ROOT, "%+.1f MiB over the baseline; %d attempt(s) refused, %d delivered",
                        (held.liveBytes - baseline.liveBytes) / 1048576.0, bench.receiver.refused(), bench.receiver.webhooks()),
                held.liveMiB()));
    }

    /** Live heap after a full GC, and the highest resident set size seen over the run. */
    record Measured(long liveBytes, long peakResidentMiB, double readySeconds) {
        long liveMiB() {
            return liveBytes >> 20;
        }

        long perTenantOver(Measured baseline, int tenants) {
            return Math.max(0, liveBytes - baseline.liveBytes) / tenants;
        }

        String describe() {
            return String.format(Locale.ROOT, "%.1f MiB live (peak RSS %,d MiB; ready %.1f s after start)",
                    liveBytes / 1048576.0, peakResidentMiB, readySeconds);
        }
    }

    /**
     * Runs a dispatcher process until it is ready and {@code reached}, watches it for {@code watch}, then
     * measures its live heap after a full GC; the resident set size is sampled every 100 ms throughout.
     */
    private static Measured measure(Bench bench, Duration watch, PipelineTopics topics, String name, String what,
                                    BooleanSupplier reached, Duration timeout) throws IOException, InterruptedException {
        BenchmarkMain.progress(name + ": dispatcher process, " + what);
        long started = System.nanoTime();
        try (JavaProcess dispatcher = bench.dispatcherProcess(topics, name, HEAP)) {
            long peak = 0;
            long readyAt = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            long watchUntil = Long.MAX_VALUE;
            while (System.nanoTime() < watchUntil) {
                if (!dispatcher.isAlive()) {
                    throw new IllegalStateException(name + ": the dispatcher process exited; its output: " + dispatcher.log());
                }
                peak = Math.max(peak, Bench.residentMiB(dispatcher.pid()));
                // Ready means every config was read (the dispatcher waits for its config table before it starts).
                if (readyAt == 0 && dispatcher.output().contains("dispatcher ready")) {
                    readyAt = System.nanoTime();
                }
                boolean ready = readyAt != 0;
                if (watchUntil == Long.MAX_VALUE && ready && reached.getAsBoolean()) {
                    watchUntil = System.nanoTime() + watch.toNanos();
                } else if (watchUntil == Long.MAX_VALUE && System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + ": " + what + " not reached within " + timeout
                            + "; the dispatcher's output: " + dispatcher.log());
                }
                Thread.sleep(100); // sampling interval
            }
            long live = liveHeapBytes(dispatcher.pid(), bench.workDir.resolve(name + ".histogram"));
            BenchmarkMain.progress(String.format(Locale.ROOT, "%s: %.1f MiB live after a full GC", name, live / 1048576.0));
            return new Measured(live, peak, (readyAt - started) / 1e9);
        }
    }

    /**
     * Bytes of live objects in a process's heap: {@code jcmd <pid> GC.class_histogram} runs a full GC
     * first and ends with a {@code Total <instances> <bytes>} line. The histogram is kept next to the logs.
     */
    static long liveHeapBytes(long pid, Path histogram) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).redirectOutput(histogram.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("jcmd GC.class_histogram did not finish within 2 minutes for pid " + pid);
        }
        for (String line : Files.readAllLines(histogram, StandardCharsets.UTF_8).reversed()) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 3 && words[0].equals("Total")) {
                return Long.parseLong(words[2]);
            }
        }
        throw new IOException("no Total line in the class histogram of pid " + pid + "; see " + histogram);
    }
}
