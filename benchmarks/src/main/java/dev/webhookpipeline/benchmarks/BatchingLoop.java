package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.dispatcher.http.Signature;
import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A peer of the dispatcher in the benchmark: the plain batching loop a Kafka user would write
 * instead. One consumer (a group, manual commit) polls up to 5,000 records, decodes them, groups them
 * by tenant, sends each tenant's webhooks in order in POSTs of up to {@code perPost} (100: a JSON
 * array, the dispatcher's batched body; 1: the dispatcher's unbatched body), one request per tenant
 * in flight and {@code inFlight} in all, retries a failed request until it gets 200, and commits
 * once every request of the poll got 200. Runs on its own thread until closed.
 */
final class BatchingLoop implements AutoCloseable {

    static final int MAX_POLL_RECORDS = 5_000;
    /** A failed request is sent again after this long (the receiver here never fails, so it never waits). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<OutboundWebhook> decoder;
    private final Map<String, WebhookConfig> tenants;
    private final int perPost;
    private final Semaphore inFlight;
    private final CloseableHttpClient http;
    private final Thread thread;
    private final AtomicLong failedRequests = new AtomicLong();
    private volatile boolean running = true;

    BatchingLoop(Bench bench, String topic, String group, Map<String, WebhookConfig> tenants, int perPost, int inFlight) {
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, // committed only after the poll's 200s
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", // the router writes in transactions
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS), new StringDeserializer(), new ByteArrayDeserializer());
        this.decoder = new AvroDeserializer<>(OutboundWebhook.class, bench.client); // the project's own decoder
        this.tenants = tenants;
        this.perPost = perPost;
        this.inFlight = new Semaphore(inFlight);
        // Apache HttpClient 5 (the dispatcher's library), one pooled connection per request in flight.
        this.http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(inFlight).setMaxConnPerRoute(inFlight).build())
                .disableAutomaticRetries().disableRedirectHandling().build();
        consumer.subscribe(List.of(topic));
        this.thread = Thread.ofPlatform().name("batching-loop").start(this::loop);
    }

    private void loop() {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                // Grouped by tenant (the key), each tenant's webhooks in their order in the partition.
                Map<String, List<OutboundWebhook>> byTenant = new LinkedHashMap<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    byTenant.computeIfAbsent(record.key(), k -> new ArrayList<>())
                            .add(decoder.deserialize(record.topic(), record.value()));
                }
                // One virtual thread per tenant sends its POSTs one after the other (its order, one in flight);
                // the semaphore caps requests in flight across tenants.
                var sent = new ArrayList<Future<?>>();
                byTenant.forEach((tenant, webhooks) -> sent.add(threads.submit(() -> {
                    for (int from = 0; from < webhooks.size(); from += perPost) {
                        sendUntilDelivered(tenants.get(tenant), webhooks.subList(from, Math.min(webhooks.size(), from + perPost)));
                    }
                    return null;
                })));
                for (var request : sent) {
                    request.get();
                }
                consumer.commitSync(); // every request of this poll got its 200
            }
        } catch (WakeupException e) {
            // closed
        } catch (Exception e) {
            if (running) {
                BenchmarkMain.progress("batching loop failed: " + e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** One POST, sent again after {@link #RETRY_AFTER} until the answer is 200. */
    private void sendUntilDelivered(WebhookConfig tenant, List<OutboundWebhook> webhooks) throws Exception {
        boolean batch = perPost > 1;
        WebhookPayload.SecretInserter secret = WebhookPayload.inserting(tenant.getSecret());
        StringBuilder body = new StringBuilder(batch ? "[" : "");
        for (OutboundWebhook webhook : webhooks) {
            body.append(body.length() > 1 ? "," : "").append(secret.into(webhook.getBody()));
        }
        String json = body.append(batch ? "]" : "").toString();
        long first = webhooks.get(0).getWebhookId();
        long last = webhooks.get(webhooks.size() - 1).getWebhookId();
        String id = first == last ? Long.toString(first) : first + "-" + last;
        while (true) {
            if (!running) {
                throw new InterruptedException("closed before webhooks " + id + " of " + tenant.getTenantId() + " got a 200");
            }
            // The dispatcher's request: Bearer secret (or its header) and the Standard Webhooks signature.
            long timestamp = System.currentTimeMillis() / 1000;
            HttpPost post = new HttpPost(tenant.getEndpoint());
            post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
            if (tenant.getSecretHeader() == null) {
                post.setHeader("Authorization", "Bearer " + tenant.getSecret());
            } else {
                post.setHeader(tenant.getSecretHeader(), tenant.getSecret());
            }
            post.setHeader("webhook-id", id);
            post.setHeader("webhook-timestamp", Long.toString(timestamp));
            post.setHeader("webhook-signature", Signature.sign(tenant.getSecret(), id, timestamp, json));
            int status;
            inFlight.acquire();
            try {
                status = http.execute(post, response -> {
                    EntityUtils.consume(response.getEntity());
                    return response.getCode();
                });
            } catch (IOException e) {
                status = -1;
            } finally {
                inFlight.release();
            }
            if (status == 200) {
                return;
            }
            failedRequests.incrementAndGet();
            Thread.sleep(RETRY_AFTER);
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    long failedRequests() {
        return failedRequests.get();
    }

    @Override
    public void close() throws Exception {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(30));
        http.close();
    }
}
