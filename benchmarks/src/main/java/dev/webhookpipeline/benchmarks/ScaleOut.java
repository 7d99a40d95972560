package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.topics.PipelineTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Throughput with one and with two dispatcher processes in the same group on 12 partitions, each
 * on fresh topics (a second run on the same topics would skip what the first delivered). The
 * processes start on an empty outbound topic, and the webhooks are written once the group has
 * settled (every member holds partitions): a member joining while the others deliver is a
 * hand-over, not throughput, and with webhooks already waiting the first member to join took them
 * all and then handed half over mid-run. A first round of webhooks warms the JVMs; the rate is that
 * of the second half of the next round (its first half overlaps the writing of the webhooks).
 */
final class ScaleOut {

    static final String SECTION = "Scaling out: dispatcher processes on 12 partitions, 100 tenants (second half of each run)";
    static final int TENANTS = 100;

    private ScaleOut() {}

    static void run(Bench bench, Sizes sizes, Results results) throws Exception {
        for (boolean batching : new boolean[] {true, false}) {
            int count = batching ? sizes.scaleOutBatched() : sizes.scaleOutUnbatched();
            if (count % TENANTS != 0) { // the second round's ids follow the first's with no gap
                throw new IllegalArgumentException("scale-out sizes must be multiples of " + TENANTS + " tenants: " + count);
            }
            double single = 0;
            for (int instances = 1; instances <= 2; instances++) {
                String scenario = "s-" + (batching ? "batched" : "single") + "-" + instances;
                PipelineTopics topics = bench.prepare(scenario, TENANTS, batching, 0, "ok").topics();
                bench.receiver.expect(count, null);
                List<JavaProcess> dispatchers = new ArrayList<>();
                try {
                    for (int i = 0; i < instances; i++) {
                        dispatchers.add(bench.dispatcherProcess(topics, scenario + "-" + i, "512m", "--batch-window",
                                DispatcherThroughput.WINDOW.toMillis() + "ms"));
                    }
                    BooleanSupplier allAlive = () -> dispatchers.stream().allMatch(JavaProcess::isAlive);
                    double settled = bench.awaitGroupSettled(topics.prefix() + "dispatcher", topics.outbound().name(),
                            instances, allAlive, Duration.ofMinutes(2));
                    BenchmarkMain.progress(String.format(Locale.ROOT, "%s: the group settled %.1f s after the start",
                            scenario, settled));
                    // A first round warms the JVMs (JIT, connections, schemas); the second is measured.
                    bench.fill(topics, scenario, TENANTS, count, 1);
                    bench.receiver.awaitExpected(scenario + " warm-up", Duration.ofMinutes(5), allAlive);
                    bench.receiver.expect(count, null);
                    bench.fill(topics, scenario, TENANTS, count, 1 + count / TENANTS);
                    bench.receiver.awaitExpected(scenario, Duration.ofMinutes(5), allAlive);
                    // The second half only: the first overlaps the writing of the webhooks.
                    double seconds = bench.receiver.secondHalfSeconds();
                    double perSecond = (count - count / 2) / seconds;
                    if (instances == 1) {
                        single = perSecond;
                    }
                    results.add(SECTION, String.format(Locale.ROOT, "%d instance%s, batching %s", instances,
                            instances == 1 ? "" : "s", batching ? "on" : "off"), count - count / 2, seconds,
                            instances == 1 ? "1.00" : Results.ratio(perSecond, single, "one instance"));
                } finally {
                    for (JavaProcess p : dispatchers) {
                        p.stop(Duration.ofSeconds(30));
                    }
                }
            }
        }
    }
}
