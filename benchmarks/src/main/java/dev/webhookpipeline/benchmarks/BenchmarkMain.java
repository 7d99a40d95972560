package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.dispatcher.DispatcherConfig;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.testsupport.ApicurioRegistry;
import dev.webhookpipeline.testsupport.KafkaBroker;
import dev.webhookpipeline.testsupport.RecordingReceiver;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Dispatcher throughput from a pre-filled outbound topic to a loopback receiver, batched and
 * unbatched, each as a ratio to a ceiling measured in the same run on the same broker: a bare
 * consumer reading the same records. Prints a table; with {@code --write BENCHMARKS.md} also
 * records it there.
 */
public final class BenchmarkMain {

    record Row(String scenario, long webhooks, double seconds, double perSecond, String ratio) {}

    public static void main(String[] args) throws Exception {
        SchemaClasses.trust();
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", SchemaClasses.PACKAGE);
        Path write = args.length == 2 && args[0].equals("--write") ? Path.of(args[1]) : null;
        int batched = Integer.getInteger("bench.batched", 100_000);
        int unbatched = Integer.getInteger("bench.unbatched", 20_000);
        int tenants = Integer.getInteger("bench.tenants", 100);
        List<Row> rows = new ArrayList<>();
        progress("starting a Kafka broker and a schema registry");
        try (KafkaBroker kafka = KafkaBroker.start(); ApicurioRegistry registry = ApicurioRegistry.start();
             RecordingReceiver receiver = RecordingReceiver.start()) {
            SchemaRegistryClient client = SchemaRegistryClient.builder(registry.url()).build();

            PipelineTopics batchTopics = prepare(kafka, client, receiver, "bench-batched", tenants, true, batched);
            double ceiling = rawConsume(kafka, batchTopics, batched);
            rows.add(new Row("raw consume (ceiling)", batched, batched / ceiling, ceiling, "1.00"));
            double seconds = dispatch(kafka, client, receiver, batchTopics, batched);
            rows.add(new Row("dispatcher, batching on, " + tenants + " tenants", batched, seconds, batched / seconds,
                    String.format(Locale.ROOT, "%.2f of raw consume", batched / seconds / ceiling)));

            receiverCeiling(receiver, tenants, Math.max(tenants, unbatched / 10)); // warm-up: JIT and connections
            double receiverCeiling = receiverCeiling(receiver, tenants, unbatched);
            rows.add(new Row("receiver ceiling: same client, " + tenants + " concurrent, no Kafka", unbatched,
                    unbatched / receiverCeiling, receiverCeiling, "1.00"));
            PipelineTopics singleTopics = prepare(kafka, client, receiver, "bench-single", tenants, false, unbatched);
            double singleCeiling = rawConsume(kafka, singleTopics, unbatched);
            double singleSeconds = dispatch(kafka, client, receiver, singleTopics, unbatched);
            rows.add(new Row("dispatcher, batching off, " + tenants + " tenants", unbatched, singleSeconds,
                    unbatched / singleSeconds, String.format(Locale.ROOT, "%.2f of the receiver ceiling, %.3f of raw consume",
                            unbatched / singleSeconds / receiverCeiling, unbatched / singleSeconds / singleCeiling)));
        }
        StringBuilder table = new StringBuilder("| scenario | webhooks | seconds | per second | ratio |\n|---|---:|---:|---:|---|\n");
        for (Row r : rows) {
            table.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %s |%n", r.scenario(), r.webhooks(),
                    r.seconds(), r.perSecond(), r.ratio()));
        }
        System.out.println();
        System.out.print(table);
        if (write != null) {
            String machine = Runtime.getRuntime().availableProcessors() + " cores, "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB max heap, Java " + Runtime.version();
            String section = "\n## Dispatcher throughput (" + LocalDate.now() + ", " + machine + ")\n\n" + table;
            Files.writeString(write, Files.exists(write) ? Files.readString(write) + section : "# Benchmarks\n" + section);
            progress("appended to " + write);
        }
    }

    static void progress(String message) {
        System.err.println("[bench] " + message);
    }

    static PipelineTopics prepare(KafkaBroker kafka, SchemaRegistryClient client, RecordingReceiver receiver, String name,
                                  int tenants, boolean batching, int count) throws Exception {
        PipelineTopics topics = PipelineTopics.builder().prefix(name + ".").build();
        try (Admin admin = kafka.admin()) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (var configs = new KafkaProducer<String, WebhookConfig>(props, new StringSerializer(), new AvroSerializer<>(client, true));
             var outbound = new KafkaProducer<String, OutboundWebhook>(props, new StringSerializer(), new AvroSerializer<>(client, true))) {
            java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
            org.apache.kafka.clients.producer.Callback check = (metadata, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
            };
            for (int t = 0; t < tenants; t++) {
                String tenant = name + "-" + t;
                configs.send(new ProducerRecord<>(topics.tenantConfig().name(), tenant, WebhookConfig.newBuilder(
                        SampleRecords.config(tenant, receiver.url("bench"), List.of(EventType.values()))).setBatching(batching).build()),
                        check);
            }
            progress("pre-filling " + topics.outbound().name() + " with " + count + " webhooks for " + tenants + " tenants");
            long[] ids = new long[tenants];
            for (int i = 0; i < count; i++) {
                int t = i % tenants;
                String tenant = name + "-" + t;
                outbound.send(new ProducerRecord<>(topics.outbound().name(), tenant,
                        SampleRecords.outbound(tenant, ++ids[t], EventType.RISK_LEVEL_CHANGED)), check);
            }
            configs.flush();
            outbound.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("pre-filling failed: " + failure.get(), failure.get());
            }
        }
        return topics;
    }

    /**
     * Requests per second the receiver takes from the dispatcher's own HTTP sender with the same
     * concurrency (one request at a time per simulated tenant) and the same body, without Kafka:
     * the ceiling for unbatched delivery.
     */
    static double receiverCeiling(RecordingReceiver receiver, int tenants, int requests) throws Exception {
        String body = dev.webhookpipeline.payload.WebhookPayload.withSecret(
                SampleRecords.outbound("ceiling", 1, EventType.RISK_LEVEL_CHANGED).getBody(), "s3cret-for-ceiling-0123456789");
        try (var sender = new dev.webhookpipeline.dispatcher.http.WebhookSender(EndpointPolicy.localDevelopment(),
                Duration.ofSeconds(5), Duration.ofSeconds(10), false, 256, java.time.Clock.systemUTC());
             var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            long start = System.nanoTime();
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < requests / tenants; i++) {
                        var attempt = sender.send(new dev.webhookpipeline.dispatcher.http.WebhookRequest("ceiling",
                                receiver.url("ceiling"), "s3cret-for-ceiling-0123456789", null, false, i, i, body));
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
            double seconds = (System.nanoTime() - start) / 1e9;
            progress(String.format(Locale.ROOT, "receiver ceiling: %,d requests in %.2f s", requests, seconds));
            return requests / seconds;
        }
    }

    /** Seconds for a bare consumer to read all the outbound records (bytes, no decoding): the ceiling. */
    static double rawConsume(KafkaBroker kafka, PipelineTopics topics, int count) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "raw-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.outbound().name()));
            int read = consumer.poll(Duration.ofSeconds(30)).count();
            long start = System.nanoTime(); // from the first records: group join is not consumption
            while (read < count) {
                read += consumer.poll(Duration.ofMillis(100)).count();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            progress(String.format(Locale.ROOT, "raw consume: %,d records in %.2f s", count, seconds));
            return count / seconds;
        }
    }

    /** Seconds from the dispatcher's first delivery until every webhook is delivered. */
    static double dispatch(KafkaBroker kafka, SchemaRegistryClient client, RecordingReceiver receiver, PipelineTopics topics,
                           int count) throws Exception {
        DispatcherConfig config = DispatcherConfig.builder(Map.of("bootstrap.servers", kafka.bootstrapServers()), client, topics)
                .endpointPolicy(EndpointPolicy.localDevelopment()).batchWindow(Duration.ofMillis(100)).build();
        try (Dispatcher dispatcher = new Dispatcher(config)) {
            dispatcher.start();
            long firstDeadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (dispatcher.deliveredRequests() == 0) {
                if (System.nanoTime() > firstDeadline) {
                    throw new IllegalStateException("no delivery within a minute: see target/test-logs/tests.log");
                }
                Thread.sleep(1);
            }
            long start = System.nanoTime(); // from the first delivery: group join and config catch-up excluded
            long lastReport = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (dispatcher.deliveredWebhooks() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + dispatcher.deliveredWebhooks() + " of " + count
                            + " webhooks delivered after 5 minutes: see target/test-logs/tests.log");
                }
                Thread.sleep(20);
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    progress(String.format(Locale.ROOT, "%s: %,d of %,d delivered", topics.prefix(),
                            dispatcher.deliveredWebhooks(), count));
                    lastReport = System.nanoTime();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            progress(String.format(Locale.ROOT, "%s: %,d webhooks in %.2f s (%d requests)", topics.prefix(), count, seconds,
                    dispatcher.deliveredRequests()));
            return seconds;
        }
    }
}
