package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.topics.PipelineTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput with one and with two dispatcher processes in the same group on 12 partitions, each
 * on a fresh pre-filled topic (a second run on the same topics would skip what the first delivered).
 * Both processes start together; the rate is that of the second half of the webhooks, once both
 * JVMs are warm and the group has settled.
 */
final class ScaleOut {

    static final String SECTION = "Scaling out: dispatcher processes on 12 partitions, 100 tenants (second half of each run)";
    static final int TENANTS = 100;

    private ScaleOut() {}

    static void run(Bench bench, Sizes sizes, Results results) throws Exception {
        for (boolean batching : new boolean[] {true, false}) {
            int count = batching ? sizes.scaleOutBatched() : sizes.scaleOutUnbatched();
            double single = 0;
            for (int instances = 1; instances <= 2; instances++) {
                String scenario = "s-" + (batching ? "batched" : "single") + "-" + instances;
                PipelineTopics topics = bench.prepare(scenario, TENANTS, batching, count, "ok").topics();
                bench.receiver.expect(count, null);
                List<JavaProcess> dispatchers = new ArrayList<>();
                try {
                    for (int i = 0; i < instances; i++) {
                        dispatchers.add(bench.dispatcherProcess(topics, scenario + "-" + i, "512m", "--batch-window",
                                DispatcherThroughput.WINDOW.toMillis() + "ms"));
                    }
                    bench.receiver.awaitExpected(scenario, Duration.ofMinutes(5));
                    // The second half only: cold JVMs, group joins and the first rebalance are start-up, not throughput.
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
