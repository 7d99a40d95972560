package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.topics.PipelineTopics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The dispatcher beside what a Kafka user would pick instead (issue 15), in the same run, on the
 * same broker, the same pre-filled outbound topic and the same receiver: a plain batching loop
 * ({@link BatchingLoop}, batched and unbatched) and Confluent Parallel Consumer
 * ({@link ParallelConsumerProcess}, one POST per record). Each peer reads the topic the dispatcher
 * just read, in a group of its own, and must deliver every webhook; for 100, 1,000 and 10,000
 * tenants, with a receiver answering at once and one answering after 20 ms. All sides get 100
 * requests in flight and one per tenant. Reports webhooks/s over the whole run and its second half
 * (Parallel Consumer starts a cold JVM each run), and the dispatcher's figures as ratios to each peer.
 */
final class PeerComparison {

    static final String SECTION = "Peers: the dispatcher beside what a Kafka user would pick instead, receiver answers at once";
    static final String SECTION_SLOW = "Peers: the dispatcher beside what a Kafka user would pick instead, receiver answers after "
            + CountingReceiver.SLOW.toMillis() + " ms";
    /** Requests in flight for every side: the dispatcher's limit, the loop's semaphore, Parallel Consumer's concurrency. */
    static final int IN_FLIGHT = 100;
    /** Issue 15's target: the dispatcher at least this many times its peer. */
    static final double TARGET = 1.5;
    static final int PER_POST = 100;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final int WARM_UP_ROUNDS = 3;

    private PeerComparison() {}

    /** One run: webhooks, seconds from the first accepted to the last, seconds of the second half, and how many arrived. */
    record Rate(long count, double seconds, double secondHalfSeconds, long arrived, String notes) {
        double perSecond() {
            return count / seconds;
        }

        double secondHalfPerSecond() {
            return (count - count / 2) / secondHalfSeconds;
        }

        String figure() {
            return String.format(Locale.ROOT, "%,.0f /s (%.2f s) · second half %,.0f /s", perSecond(), seconds,
                    secondHalfPerSecond());
        }

        /** The receiver counts webhooks, so a duplicate would show as one more than sent. */
        String delivery() {
            return (arrived == count ? "all " + String.format(Locale.ROOT, "%,d", count) + " arrived, none twice"
                    : String.format(Locale.ROOT, "%,d arrived for %,d sent: %,d extra (duplicates)", arrived, count, arrived - count))
                    + notes;
        }
    }

    static void run(Bench bench, Sizes sizes, Results results) throws Exception {
        if (sizes.peers().warmUp()) {
            warmUp(bench, sizes.peers());
        }
        for (boolean slow : List.of(false, true)) {
            for (int tenants : sizes.peers().tenantCounts()) {
                compare(bench, sizes.peers(), tenants, slow, results);
            }
        }
    }

    /**
     * The dispatcher and the loop run in this JVM, so neither may pay for the JIT: {@value #WARM_UP_ROUNDS}
     * unreported full-size rounds of each first. One quarter-size round was not enough: a probe of
     * repeated rounds (100 tenants, batched) had the JIT's compiler threads still using 3–6 µs of CPU per
     * webhook in the second and third rounds (of 7–15 µs in all) and the dispatcher gaining 20–60 %
     * from round to round; a dispatcher in production runs warm for days.
     */
    private static void warmUp(Bench bench, Sizes.Peers sizes) throws Exception {
        for (int round = 1; round <= WARM_UP_ROUNDS; round++) {
            for (boolean batching : List.of(true, false)) {
                String name = "p-warm-up-" + round + "-" + (batching ? "batched" : "single");
                int count = batching ? sizes.batched() : sizes.unbatched();
                Bench.Scenario scenario = bench.prepare(name, 100, batching, count, "ok");
                BenchmarkMain.progress(String.format(Locale.ROOT, "%s: %,d webhooks, not reported", name, count));
                dispatcher(bench, scenario, count, name);
                loop(bench, scenario, count, batching ? PER_POST : 1, name);
            }
        }
    }

    private static void compare(Bench bench, Sizes.Peers sizes, int tenants, boolean slow, Results results) throws Exception {
        String path = slow ? "slow" : "ok";
        String section = slow ? SECTION_SLOW : SECTION;
        String suffix = tenants + (slow ? "-slow" : "");

        int single = Math.max(tenants, slow ? sizes.slowUnbatched() : sizes.unbatched());
        Bench.Scenario unbatched = bench.prepare("p-single-" + suffix, tenants, false, single, path);
        Rate dispatcherSingle = dispatcher(bench, unbatched, single, "p-single-" + suffix + " dispatcher");
        Rate parallelConsumer = parallelConsumer(bench, unbatched, single, "p-single-" + suffix + " parallel consumer");
        Rate loopSingle = loop(bench, unbatched, single, 1, "p-single-" + suffix + " loop");

        int batched = slow ? sizes.slowBatched() : sizes.batched();
        Bench.Scenario batching = bench.prepare("p-batched-" + suffix, tenants, true, batched, path);
        Rate dispatcherBatched = dispatcher(bench, batching, batched, "p-batched-" + suffix + " dispatcher");
        Rate loopBatched = loop(bench, batching, batched, PER_POST, "p-batched-" + suffix + " loop");

        // Targets (issue 15): unbatched ≥ 1.5× Parallel Consumer, batched ≥ 1.5× the loop; at 20 ms ≥ 1.5× both peers.
        String ofTenants = String.format(Locale.ROOT, "%,d tenants", tenants);
        add(results, section, ofTenants + ", batching on: **dispatcher** (≤ " + PER_POST + " per request, window "
                + DispatcherThroughput.WINDOW.toMillis() + " ms, " + IN_FLIGHT + " in flight)", dispatcherBatched,
                ratio(dispatcherBatched, loopBatched, "the batching loop", true) + "; "
                        + ratio(dispatcherBatched, parallelConsumer, "Parallel Consumer", slow) + unlessExact(dispatcherBatched));
        add(results, section, ofTenants + ", batching on: batching loop (≤ " + String.format(Locale.ROOT, "%,d",
                BatchingLoop.MAX_POLL_RECORDS) + " per poll, ≤ " + PER_POST + " per POST, " + IN_FLIGHT + " in flight)", loopBatched, loopBatched.delivery());
        add(results, section, ofTenants + ", batching off: **dispatcher** (" + IN_FLIGHT + " in flight)", dispatcherSingle,
                ratio(dispatcherSingle, parallelConsumer, "Parallel Consumer", true) + "; "
                        + ratio(dispatcherSingle, loopSingle, "the unbatched loop", slow) + unlessExact(dispatcherSingle));
        add(results, section, ofTenants + ", batching off: Parallel Consumer 0.5.3.2 (KEY order, " + IN_FLIGHT
                + " concurrent, own JVM)", parallelConsumer, parallelConsumer.delivery());
        add(results, section, ofTenants + ", batching off: unbatched loop (1 per POST, " + IN_FLIGHT + " in flight)",
                loopSingle, loopSingle.delivery());
    }

    private static String unlessExact(Rate rate) {
        return rate.arrived() == rate.count() ? "" : "; " + rate.delivery();
    }

    private static void add(Results results, String section, String scenario, Rate rate, String comparison) {
        results.add(new Results.Row(section, scenario, String.format(Locale.ROOT, "%,d", rate.count()), rate.figure(),
                comparison, rate.perSecond()));
    }

    /** "2.10× the loop (second half 1.95×): target ≥ 1.5× met", the target judged on the whole run. */
    static String ratio(Rate dispatcher, Rate peer, String name, boolean target) {
        double whole = dispatcher.perSecond() / peer.perSecond();
        String text = String.format(Locale.ROOT, "%.2f× %s (second half %.2f×)", whole, name,
                dispatcher.secondHalfPerSecond() / peer.secondHalfPerSecond());
        return target ? text + String.format(Locale.ROOT, ": target ≥ %.1f× %s", TARGET, whole >= TARGET ? "met" : "**missed**")
                : text;
    }

    /** The dispatcher in this JVM, {@value #IN_FLIGHT} requests in flight, the section's batch window. */
    static Rate dispatcher(Bench bench, Bench.Scenario scenario, int count, String what) throws Exception {
        bench.settle(); // no side pays for the one before it
        bench.receiver.expect(count, null);
        double seconds;
        try (Dispatcher dispatcher = new Dispatcher(bench.dispatcherConfig(scenario.topics())
                .batchWindow(DispatcherThroughput.WINDOW).maxInFlight(IN_FLIGHT).build())) {
            dispatcher.start();
            seconds = bench.receiver.awaitExpected(what, TIMEOUT);
        }
        return rate(bench, count, seconds, "");
    }

    static Rate loop(Bench bench, Bench.Scenario scenario, int count, int perPost, String what) throws Exception {
        bench.settle(); // no side pays for the one before it
        bench.receiver.expect(count, null);
        PipelineTopics topics = scenario.topics();
        double seconds;
        long failed;
        try (var loop = new BatchingLoop(bench, topics.outbound().name(), topics.prefix() + (perPost == 1 ? "loop-single"
                : "loop-batched"), scenario.tenants(), perPost, IN_FLIGHT)) {
            seconds = bench.receiver.awaitExpected(what, TIMEOUT, loop::isAlive);
            failed = loop.failedRequests();
        }
        return rate(bench, count, seconds, failed == 0 ? "" : "; " + failed + " request(s) retried");
    }

    static Rate parallelConsumer(Bench bench, Bench.Scenario scenario, int count, String what) throws Exception {
        bench.settle(); // no side pays for the one before it
        bench.receiver.expect(count, null);
        PipelineTopics topics = scenario.topics();
        double seconds;
        var process = new ParallelConsumerProcess(bench, topics.outbound().name(), topics.prefix() + "parallel-consumer",
                scenario.tenants(), IN_FLIGHT);
        try {
            BooleanSupplier alive = process::isAlive;
            seconds = bench.receiver.awaitExpected(what + " (log: " + process.log + ")", TIMEOUT, alive);
        } finally {
            process.close();
        }
        return rate(bench, count, seconds, "");
    }

    /** Read once the sender is stopped: nothing more can arrive, so the receiver's count is final. */
    private static Rate rate(Bench bench, int count, double seconds, String notes) {
        return new Rate(count, seconds, bench.receiver.secondHalfSeconds(), bench.receiver.webhooks(), notes);
    }
}
