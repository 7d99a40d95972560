package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.dispatcher.DispatcherService;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.FailedAttempt;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.topics.PipelineTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The operators' status API with many tenants on record: the delivery states of 100,000 tenants
 * (1 % stalled with failures, 20 % with a backlog, the rest empty) on the delivery-state topic, a
 * dispatcher instance with its admin API in this JVM, and the answer times of the questions the
 * status page asks — first page, a name filter, the stalled ones, a deep page, the summary, one
 * tenant — over HTTP on loopback, against the 100 ms target. The list is re-sorted in the
 * background; its rebuild time is reported too.
 */
final class StatusAtScale {

    static final String SECTION = "Status API: answer times with many tenants on record";
    static final Duration TARGET = Duration.ofMillis(100);
    private static final String TOKEN = "benchmark-operator-token-0123456789";
    private static final int WARM_UP = 10;
    private static final int CALLS = 50;

    private StatusAtScale() {}

    static void run(Bench bench, Sizes sizes, Results results) throws Exception {
        int tenants = sizes.statusTenants();
        PipelineTopics topics = bench.prepare("status", 0, false, 0, "ok").topics();
        BenchmarkMain.progress(String.format(Locale.ROOT, "status: recording the delivery state of %,d tenants", tenants));
        writeStates(bench, topics, tenants);

        var metrics = DispatcherService.metricsRegistry();
        var admin = Optional.of(new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN)));
        try (DispatcherService service = new DispatcherService(bench.dispatcherConfig(topics).meterRegistry(metrics).build(),
                admin, metrics).start(admin)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (service.status().index().size() < tenants) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("status: only " + service.status().index().size() + " of " + tenants
                            + " tenants listed after 3 minutes");
                }
                Thread.sleep(100); // polling the background rebuild
            }
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + service.adminPort();
            String some = Bench.tenant("status", tenants / 2);
            Map<String, String> questions = new LinkedHashMap<>();
            questions.put("first page, operator order (50)", "/api/tenants");
            questions.put("filter by part of a name", "/api/tenants?q=" + some.substring(some.length() - 4));
            questions.put("stalled only, soonest retry first", "/api/tenants?state=STALLED&sort=nextRetry");
            questions.put("deep page: offset " + Math.max(0, tenants - 500) + ", 500 rows, by last delivery",
                    "/api/tenants?sort=lastProcessed&offset=" + Math.max(0, tenants - 500) + "&limit=500");
            questions.put("summary: counts and the per-minute chart", "/api/summary");
            questions.put("one tenant", "/api/tenants/" + some);
            for (var question : questions.entrySet()) {
                long[] nanos = time(http, base + question.getValue());
                long p50 = nanos[nanos.length / 2];
                long p99 = nanos[(int) Math.ceil(nanos.length * 0.99) - 1];
                results.add(new Results.Row(SECTION, String.format(Locale.ROOT, "%,d tenants: %s", tenants, question.getKey()),
                        Integer.toString(CALLS), String.format(Locale.ROOT, "p50 %.1f ms · p99 %.1f ms", p50 / 1e6, p99 / 1e6),
                        "target ≤ 100 ms: " + (p99 <= TARGET.toNanos() ? "met" : "missed"), Math.max(p99 / 1e6, 0.01)));
            }
            TenantStatusIndex current = service.status().index();
            reportRebuild(results, tenants, "re-sorting the list from scratch", () -> TenantStatusIndex.build(
                    service.status().all(), Instant.now()));
            reportRebuild(results, tenants, "re-sorting the list after changes (from the previous order, as the status view does)",
                    () -> TenantStatusIndex.build(service.status().all(), Instant.now(), current));
        }
    }

    /** Median of 5 rebuilds of the tenant list, which runs in the background (at most once a second after changes). */
    private static void reportRebuild(Results results, int tenants, String what, Supplier<TenantStatusIndex> rebuild) {
        long[] nanos = new long[5];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            if (rebuild.get().size() != tenants) {
                throw new IllegalStateException("status: a rebuilt list lost tenants");
            }
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        results.add(new Results.Row(SECTION, String.format(Locale.ROOT, "%,d tenants: %s", tenants, what),
                Integer.toString(nanos.length), String.format(Locale.ROOT, "median %.0f ms", nanos[2] / 1e6),
                "in the background, off the request path", Math.max(nanos[2] / 1e6, 0.01)));
    }

    /** Answer times of {@code CALLS} sequential requests after a warm-up, sorted; every answer must be 200. */
    private static long[] time(HttpClient http, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).build();
        long[] nanos = new long[CALLS];
        for (int i = -WARM_UP; i < CALLS; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long took = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            if (i >= 0) {
                nanos[i] = took;
            }
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void writeStates(Bench bench, PipelineTopics topics, int tenants) {
        Map<String, Object> props = new HashMap<>(bench.kafkaProperties());
        props.putAll(Bench.PRODUCER);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Instant now = Instant.now();
        String topic = topics.deliveryState().name();
        try (var producer = new KafkaProducer<String, DeliveryProgress>(props, new StringSerializer(),
                new AvroSerializer<>(bench.client, true))) {
            for (int t = 0; t < tenants; t++) {
                String tenant = Bench.tenant("status", t);
                producer.send(new ProducerRecord<>(topic, tenant, state(tenant, t, now)), Bench.check(failure));
            }
            producer.flush();
        }
        Bench.rethrow(failure, "recording " + tenants + " delivery states");
    }

    /** Every 100th tenant stalled with three recent failures, every 5th waiting, the rest empty. */
    private static DeliveryProgress state(String tenant, int t, Instant now) {
        boolean stalled = t % 100 == 0;
        long delivered = 1_000 + t % 997;
        long highest = stalled ? delivered + 40 : t % 5 == 0 ? delivered + t % 50 + 1 : delivered;
        Instant failingSince = stalled ? now.minusSeconds(t % 3_600) : null;
        List<FailedAttempt> failures = stalled ? List.of(1, 2, 3).stream().map(a -> FailedAttempt.newBuilder()
                .setAt(failingSince.plusSeconds(a * 30L)).setFirstWebhookId(delivered + 1).setLastWebhookId(delivered + 1)
                .setAttempt(a).setStatus(503).setError("HTTP 503: service unavailable").build()).toList() : List.of();
        return DeliveryProgress.newBuilder().setTenantId(tenant).setLastDeliveredWebhookId(delivered)
                .setLastDeliveredAt(now.minusSeconds(t % 86_400)).setHighestKnownWebhookId(highest)
                .setFailedAttempts(stalled ? 3 : 0).setFailingSince(failingSince)
                .setNextAttemptAt(stalled ? now.plusSeconds(t % 600) : null).setHeld(false).setRecentFailures(failures)
                .setUpdatedAt(now).build();
    }
}
