package dev.webhookpipeline.dispatcher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.RetrySchedule;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testsupport.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How fast the engine takes records in, and what it decodes: on a frozen ticker, so the engine's
 * own 5 ms polling interval never passes, and with requests that complete only when the test says so.
 */
class IntakeTest {

    static final int CAPACITY = 100;

    private final SimCluster cluster = new SimCluster(1);
    private final ManualClock clock = new ManualClock(DispatcherSimulation.START);
    private final Map<Long, Integer> decodes = new HashMap<>();
    private final List<Request> inFlight = new ArrayList<>();
    private final Map<String, WebhookConfig> configs = new HashMap<>();

    private record Request(String tenant, Runnable answer) {}

    private DeliveryEngine engine(SimConsumer consumer, LongSupplier ticker) {
        var decoder = new DispatcherSimulation.SimDecoder();
        OutboundDecoder counting = record -> {
            decodes.merge(record.offset(), 1, Integer::sum);
            return decoder.decode(record);
        };
        RequestRunner runner = (config, batching, webhooks, goOn, onDone) -> inFlight.add(new Request(config.getTenantId(),
                () -> {
                    cluster.received(config.getTenantId(), webhooks);
                    onDone.accept(new RequestRunner.Outcome(webhooks.size(), Attempt.delivered(200, clock.instant(), 1)));
                }));
        DeadLetterWriter deadLetters = (record, reason, message, onDone) -> onDone.accept(null);
        TenantConfigs tenantConfigs = DispatcherSimulation.tenantConfigs(configs, new ArrayDeque<>());
        EngineSettings settings = new EngineSettings(SimCluster.TOPIC, Duration.ZERO, 10, CAPACITY, 64L * 1024 * 1024,
                RetrySchedule.STANDARD, Duration.ofMillis(300), Duration.ofMillis(200), 1);
        DeliveryEngine engine = new DeliveryEngine(settings, new DeliveryEngine.Ports(consumer, counting, runner,
                deadLetters, new NoProgress(), tenantConfigs), clock, ticker, () -> { },
                new DeliveryMetrics(new SimpleMeterRegistry(), 10));
        engine.subscribe();
        cluster.partitions().forEach(tp -> cluster.owner(tp.partition(), 0));
        consumer.handOver(cluster.partitions());
        return engine;
    }

    private void tenant(String tenant) {
        configs.put(tenant, WebhookConfig.newBuilder().setTenantId(tenant).setEnabled(true).setBatching(true)
                .setEndpoint("https://" + tenant + ".example/hook").setSecret("s").setEnabledEvents(List.of())
                .setCreatedAt(DispatcherSimulation.START).setUpdatedAt(DispatcherSimulation.START).build());
    }

    private static int queued(DeliveryEngine engine) {
        return engine.partitions().values().stream().flatMap(p -> p.tenants().values().stream())
                .mapToInt(TenantQueue::size).sum();
    }

    /**
     * While polls keep bringing webhooks, the engine polls again on its next turn instead of waiting
     * for its 5 ms interval: waiting capped a busy dispatcher at {@code max.poll.records} per 5 ms
     * (100,000 webhooks/s at the default 500), whatever the machine could do.
     */
    @Test
    void whilePollsBringWebhooksTheNextTurnPollsAgainWithoutWaitingForTheInterval() {
        for (int t = 0; t < 20; t++) {
            tenant("t" + t);
        }
        for (int i = 0; i < 20 * 50; i++) {
            cluster.produce("t" + (i % 20), "{}", false);
        }
        DeliveryEngine engine = engine(new SimConsumer(cluster, 0, 100), () -> 0L); // the ticker never moves
        for (int turn = 0; turn < 30; turn++) {
            engine.turn();
        }
        assertThat(inFlight).hasSize(10); // busy: every slot taken, none answered
        assertThat(queued(engine)).isEqualTo(20 * 50); // all 1,000 taken, 100 a poll, without the ticker moving
    }

    /**
     * A tenant that let webhooks go (its queue full) makes the partition be read again from there.
     * Its let-go records are not decoded until that re-read, and the records of the partition's
     * other busy tenants that come again with it are not decoded twice: decoding is most of the
     * poll thread's work.
     */
    @Test
    void aReReadDecodesNeitherTheLetGoRecordsEarlyNorTheOtherTenantsRecordsAgain() {
        tenant("full");
        tenant("other");
        for (int i = 1; i <= 3 * CAPACITY; i++) { // "other" fits in its queue, "full" three times over
            cluster.produce("full", "{}", false);
            if (i % 3 == 0) {
                cluster.produce("other", "{}", false);
            }
        }
        long[] tick = {0};
        DeliveryEngine engine = engine(new SimConsumer(cluster, 0, 50), () -> tick[0]);
        for (int turn = 0; turn < 30; turn++) { // no answers yet: "full" fills up and lets the rest go
            engine.turn();
            tick[0] += Duration.ofMillis(10).toNanos();
        }
        TenantQueue full = engine.partitions().values().iterator().next().tenants().get("full");
        assertThat(full.overflowFrom()).isPositive();
        // Only "full" is answered, so "other" stays busy (its queue kept) while "full" is read again.
        for (int round = 0; round < 500 && !(cluster.maxDelivered("full") == 3 * CAPACITY
                && cluster.maxDelivered("other") == CAPACITY); round++) {
            List<Request> answering = inFlight.stream()
                    .filter(r -> r.tenant().equals("full") || cluster.maxDelivered("full") == 3 * CAPACITY).toList();
            inFlight.removeAll(answering);
            answering.forEach(r -> r.answer().run());
            engine.turn();
            tick[0] += Duration.ofMillis(10).toNanos();
        }
        assertThat(cluster.maxDelivered("full")).isEqualTo(3 * CAPACITY);
        assertThat(cluster.maxDelivered("other")).isEqualTo(CAPACITY);
        assertThat(decodes).hasSize(cluster.log(0).size()); // every record decoded
        Map<String, Long> decodedTwice = decodes.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.groupingBy(e -> cluster.log(0).get(e.getKey().intValue()).key(), Collectors.counting()));
        assertThat(decodedTwice).doesNotContainKey("other");
        // Only the record at which "full" ran out of room, once per time it did (before: every let-go record).
        assertThat(decodedTwice.getOrDefault("full", 0L)).isLessThan(10);
    }

    private static final class NoProgress implements ProgressStore {
        @Override
        public void publish(int partition, DeliveryProgress progress) {}

        @Override
        public void flush() {}

        @Override
        public void flushAndWait() {}

        @Override
        public void forget(Collection<Integer> partitions) {}

        @Override
        public Map<Integer, Map<String, DeliveryProgress>> load(Collection<Integer> partitions) {
            return Map.of();
        }
    }
}
