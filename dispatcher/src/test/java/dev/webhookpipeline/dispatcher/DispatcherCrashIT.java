package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Crash safety and rebalancing: a dispatcher killed mid-delivery (SIGKILL: no commit, no clean
 * leave) and one joining mid-delivery lose nothing, keep each tenant's order, and only ever repeat
 * ids already received.
 */
@ExtendWith(RealServicesExtension.class)
class DispatcherCrashIT {

    static JavaProcess dispatcherProcess(DispatcherTestHelper t, String name) {
        return JavaProcess.builder(DispatcherMain.class.getName(), Path.of("target", "test-logs", name + ".log"))
                .jvmArgs("-Xmx256m")
                .args("--bootstrap-servers", t.services.bootstrapServers(),
                        "--schema-registry-url", t.services.schemaRegistryUrl(),
                        "--topic-prefix", t.topics.prefix(), "--batch-window", "100ms",
                        "-X", "pipeline.partitions=" + DispatcherTestHelper.PARTITIONS,
                        "-X", "pipeline.endpoints.allow-http=true", "-X", "pipeline.endpoints.allow-cidrs=127.0.0.0/8")
                .start();
    }

    static long delivered(DispatcherTestHelper t, List<String> tenants) {
        return tenants.stream().mapToLong(x -> t.firstReceipts(x).size()).sum();
    }

    @Test
    void aKilledDispatcherLosesNothingAndItsSuccessorKeepsOrder(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "crash")) {
            List<String> tenants = IntStream.range(0, 24).mapToObj(i -> "crash-" + i).toList();
            for (int i = 0; i < tenants.size(); i++) {
                t.configure(tenants.get(i), i % 3 == 0, true);
                // 50 ms per answer keeps requests in flight and leaves work for the successor: at 3 ms the
                // (now faster) dispatcher could be done before the kill.
                t.receiver.answer(tenants.get(i), Reply.ok().after(Duration.ofMillis(50)));
            }
            for (String tenant : tenants) {
                t.produce(tenant, 100);
            }
            long total = 100L * tenants.size();
            try (JavaProcess first = dispatcherProcess(t, "crash-first")) {
                await("some deliveries", Duration.ofSeconds(60), () -> delivered(t, tenants) > total / 4);
                first.kill();
            }
            long atKill = delivered(t, tenants);
            assertThat(atKill).isLessThan(total); // it really died mid-delivery
            try (JavaProcess second = dispatcherProcess(t, "crash-second")) {
                await("every webhook after the takeover", Duration.ofSeconds(120), () -> delivered(t, tenants) == total);
                second.stop(Duration.ofSeconds(30));
            }
            tenants.forEach(t::assertDeliveredInOrder);
        }
    }

    @Test
    void aSecondInstanceJoiningMidDeliveryTakesPartitionsWithoutLossOrReordering(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "rebalance")) {
            List<String> tenants = IntStream.range(0, 24).mapToObj(i -> "rb-" + i).toList();
            for (int i = 0; i < tenants.size(); i++) {
                t.configure(tenants.get(i), i % 3 == 0, true);
                // 50 ms per answer: an unbatched tenant's 100 webhooks take 5 s, so the joiner finds work left
                // (at 3 ms the first instance had finished before the joiner's partitions were assigned).
                t.receiver.answer(tenants.get(i), Reply.ok().after(Duration.ofMillis(50)));
            }
            for (String tenant : tenants) {
                t.produce(tenant, 100);
            }
            long total = 100L * tenants.size();
            Dispatcher first = t.start();
            await("some deliveries", Duration.ofSeconds(60), () -> delivered(t, tenants) > total / 4);
            Dispatcher second = t.start();
            await("every webhook", Duration.ofSeconds(120), () -> delivered(t, tenants) == total);
            tenants.forEach(t::assertDeliveredInOrder);
            assertThat(second.deliveredWebhooks()).as("the joiner took partitions and delivered").isPositive();
            assertThat(first.deliveredWebhooks()).isPositive();
        }
    }
}
