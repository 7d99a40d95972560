package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.dispatcher.DispatcherConfig;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.dispatcher.http.WebhookRequest;
import dev.webhookpipeline.dispatcher.http.WebhookSender;
import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.topics.PipelineTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The dispatcher alone: webhooks per second from a pre-filled outbound topic (12 partitions) to the
 * loopback receiver, for each tenant count, batching on and off — each against the ceilings
 * measured in the same run: the raw produce and consume rates of the very same records, and the
 * receiver's own request rate at the dispatcher's concurrency.
 */
final class DispatcherThroughput {

    static final String CEILINGS = "Ceilings";
    static final String SECTION = "Dispatcher: pre-filled outbound topic → receiver";
    /** The batch window of every batched run: long enough to fill batches of 100 from a backlog. */
    static final Duration WINDOW = Duration.ofMillis(100);

    private DispatcherThroughput() {}

    static void run(Bench bench, Sizes sizes, Results results) throws Exception {
        warmUp(bench, sizes);
        // The dispatcher's default settings (in-flight limit, timeouts): the receiver ceilings copy them.
        DispatcherConfig defaults = bench.dispatcherConfig(PipelineTopics.builder().build()).build();
        Map<String, Double> receiverCeilings = new HashMap<>();
        boolean ceilingsShown = false;
        for (int tenants : sizes.tenantCounts()) {
            for (boolean batching : List.of(true, false)) {
                int count = batching ? sizes.batched() : Math.max(tenants, sizes.unbatched(tenants));
                String scenario = "d-" + (batching ? "batched" : "single") + "-" + tenants;
                Bench.Scenario prepared = bench.prepare(scenario, tenants, batching, count, "ok");
                PipelineTopics topics = prepared.topics();
                // Raw consume is the batched rows' ceiling (and the first row's, shown once).
                double consumeSeconds = batching || !ceilingsShown ? bestOf(3, () -> rawConsume(bench, topics, count)) : 0;
                if (!ceilingsShown) {
                    results.add(CEILINGS, "raw produce: the outbound records, pre-encoded, acks=all, idempotent, lz4",
                            count, prepared.prefillSeconds(), "—");
                    results.add(CEILINGS, "raw consume: a bare consumer reading them as bytes (assigned partitions), "
                            + "read_committed, best of 3", count, consumeSeconds, "—");
                    ceilingsShown = true;
                }
                double seconds = dispatch(bench, bench.dispatcherConfig(topics).batchWindow(WINDOW).build(), count, scenario);
                // The receiver's ceiling for the same requests: the same concurrency (one request in flight per
                // tenant, at most the dispatcher's in-flight limit) and the same webhooks per request.
                int concurrency = Math.min(tenants, defaults.maxInFlight());
                int perRequest = batching ? Math.min(TenantQueue.MAX_BATCH, count / tenants) : 1;
                double ceiling = receiverCeilings.computeIfAbsent(concurrency + "x" + perRequest, key -> receiverCeiling(bench,
                        defaults, results, concurrency, perRequest, Math.max(sizes.unbatched(100), concurrency * 20)));
                String comparison = Results.ratio(count / seconds, ceiling, String.format(Locale.ROOT,
                        "the receiver ceiling for these requests (%,.0f /s)", ceiling));
                if (batching) {
                    comparison += "; " + Results.ratio(count / seconds, count / consumeSeconds, String.format(Locale.ROOT,
                            "raw consume of this topic (%,.0f /s)", count / consumeSeconds));
                }
                results.add(SECTION, String.format(Locale.ROOT, "batching %s, %,d tenant%s", batching ? "on (100, window "
                        + WINDOW.toMillis() + " ms)" : "off", tenants, tenants == 1 ? "" : "s"), count, seconds, comparison);
            }
        }
    }

    /** An unreported batched and unbatched run first, so that no measured scenario pays for the JIT. */
    private static void warmUp(Bench bench, Sizes sizes) throws Exception {
        for (boolean batching : List.of(true, false)) {
            String scenario = "d-warm-up-" + (batching ? "batched" : "single");
            int count = (batching ? sizes.batched() : sizes.unbatched(100)) / 4;
            PipelineTopics topics = bench.prepare(scenario, 100, batching, count, "ok").topics();
            rawConsume(bench, topics, count);
            BenchmarkMain.progress(String.format(Locale.ROOT, "%s: %,d webhooks, not reported", scenario, count));
            dispatch(bench, bench.dispatcherConfig(topics).batchWindow(WINDOW).build(), count, scenario);
        }
    }

    /**
     * Seconds for a bare consumer to read the topic's records as bytes (no decoding), from its
     * first poll. Partitions are assigned, not subscribed: there is no group to join, so the time is
     * fetching and nothing else.
     */
    static double rawConsume(Bench bench, PipelineTopics topics, int count) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = topics.outbound().name();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long start = System.nanoTime();
            long deadline = start + Duration.ofMinutes(2).toNanos();
            int read = 0;
            while (read < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("raw consume read only " + read + " of " + count + " records");
                }
                read += consumer.poll(Duration.ofMillis(100)).count();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** The fastest of {@code passes} timings: a ceiling is the best the machine did. */
    static double bestOf(int passes, DoubleSupplier seconds) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < passes; i++) {
            best = Math.min(best, seconds.getAsDouble());
        }
        return best;
    }

    /** Seconds from the first webhook the receiver accepts until it has all {@code count}. */
    static double dispatch(Bench bench, DispatcherConfig config, int count, String scenario) throws Exception {
        bench.receiver.expect(count, null);
        try (Dispatcher dispatcher = new Dispatcher(config)) {
            dispatcher.start();
            return bench.receiver.awaitExpected(scenario, Duration.ofMinutes(5));
        }
    }

    /**
     * Webhooks per second the receiver takes from the dispatcher's own HTTP sender (same library,
     * settings and connection pool), {@code concurrency} requests at a time, each carrying
     * {@code perRequest} webhooks with their secret — no Kafka. After a warm-up of the same size.
     */
    static double receiverCeiling(Bench bench, DispatcherConfig defaults, Results results, int concurrency, int perRequest,
                                  int requests) {
        String secret = "s3cret-for-ceiling-0123456789";
        StringBuilder batch = new StringBuilder();
        for (int i = 1; i <= perRequest; i++) {
            batch.append(batch.isEmpty() ? "" : ",").append(WebhookPayload.withSecret(
                    BenchRecords.outbound("ceiling", i).getBody(), secret));
        }
        String body = perRequest == 1 ? batch.toString() : "[" + batch + "]";
        try (var sender = new WebhookSender(EndpointPolicy.localDevelopment(), defaults.batchTimeout(),
                defaults.singleTimeout(), false, defaults.maxInFlight(), Clock.systemUTC())) {
            sendAll(sender, bench, concurrency, requests, perRequest > 1, body); // warm-up: JIT and connections
            bench.receiver.expect((long) requests * perRequest, null);
            double seconds = sendAll(sender, bench, concurrency, requests, perRequest > 1, body);
            if (bench.receiver.webhooks() != (long) requests * perRequest) {
                throw new IllegalStateException("receiver counted " + bench.receiver.webhooks() + " of " + requests * perRequest);
            }
            results.add(CEILINGS, String.format(Locale.ROOT, "receiver: the dispatcher's HTTP sender, %d concurrent, %d "
                    + "webhook%s per request, no Kafka", concurrency, perRequest, perRequest == 1 ? "" : "s"),
                    (long) requests * perRequest, seconds, "—");
            return requests * perRequest / seconds;
        } catch (Exception e) {
            throw new IllegalStateException("measuring the receiver ceiling failed: " + e, e);
        }
    }

    private static double sendAll(WebhookSender sender, Bench bench, int concurrency, int requests, boolean batch,
                                  String body)
            throws Exception {
        String url = bench.receiver.url("ceiling");
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                int share = requests / concurrency + (c < requests % concurrency ? 1 : 0);
                done.add(threads.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        var attempt = sender.send(new WebhookRequest("ceiling", url, "s3cret-for-ceiling-0123456789", null,
                                batch, i, i, body));
                        if (!attempt.delivered()) {
                            throw new IllegalStateException("receiver refused: " + attempt.error());
                        }
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
