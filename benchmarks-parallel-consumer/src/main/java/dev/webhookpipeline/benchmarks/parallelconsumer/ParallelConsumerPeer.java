package dev.webhookpipeline.benchmarks.parallelconsumer;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.SchemaClasses;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A peer of the dispatcher in the benchmark: what a Kafka user would write with Confluent Parallel
 * Consumer 0.5.3.2 — KEY ordering (one record of a tenant at a time, tenants in parallel), 100
 * concurrent, one POST per record, a failed POST retried by Parallel Consumer (the function throws).
 * Its own process because Parallel Consumer needs kafka-clients 3.x and the project runs 4.3.1.
 *
 * <p>Each request is the dispatcher's unbatched request: the router's body with the tenant's secret
 * inserted, {@code Authorization: Bearer}, and the Standard Webhooks headers with an HMAC signature,
 * so the receiver sees the same requests and each side does the same work per webhook.
 *
 * <pre>
 * java -jar parallel-consumer-peer.jar BOOTSTRAP REGISTRY_URL TOPIC GROUP TENANTS_FILE [CONCURRENCY]
 * </pre>
 * TENANTS_FILE: one {@code tenant<TAB>endpoint<TAB>secret} a line. Runs until stopped (SIGTERM);
 * the benchmark counts at its receiver.
 */
public final class ParallelConsumerPeer {

    record Tenant(String endpoint, String secret, String secretField) {}

    private final Map<String, Tenant> tenants;
    private final AvroDecoder decoder;
    private final CloseableHttpClient http;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    ParallelConsumerPeer(Map<String, Tenant> tenants, AvroDecoder decoder, int concurrency) {
        this.tenants = tenants;
        this.decoder = decoder;
        // Apache HttpClient 5, as the dispatcher: one pooled connection per worker, so no worker waits for one.
        this.http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency).build())
                .disableAutomaticRetries().disableRedirectHandling().build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: BOOTSTRAP REGISTRY_URL TOPIC GROUP TENANTS_FILE [CONCURRENCY]");
            System.exit(2);
        }
        SchemaClasses.trust();
        int concurrency = args.length > 5 ? Integer.parseInt(args[5]) : 100;
        var peer = new ParallelConsumerPeer(readTenants(Path.of(args[4])), new AvroDecoder(args[1]), concurrency);

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, args[3]);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // Parallel Consumer commits itself
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the router writes in transactions
        // Bytes: the workers decode (100 threads), not Parallel Consumer's single broker-poll thread.
        var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        var options = ParallelConsumerOptions.<String, byte[]>builder()
                .ordering(ProcessingOrder.KEY) // the key is the tenant: its webhooks in order, one at a time
                .maxConcurrency(concurrency)
                .consumer(consumer)
                // Its reflective look for enable.auto.commit does not know kafka-clients 3.7+'s consumer
                // delegates and refuses to start; auto commit is off above.
                .ignoreReflectiveAccessExceptionsForAutoCommitDisabledCheck(true)
                .build();
        ParallelStreamProcessor<String, byte[]> processor = ParallelStreamProcessor.createEosStreamProcessor(options);
        processor.subscribe(List.of(args[2]));
        processor.poll(context -> peer.deliver(context.getSingleConsumerRecord()));
        System.out.println("parallel-consumer-peer: consuming " + args[2] + " as " + args[3] + ", " + concurrency
                + " concurrent");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("parallel-consumer-peer: stopping; delivered " + peer.delivered + ", failed attempts "
                    + peer.failed);
            processor.closeDontDrainFirst(Duration.ofSeconds(10));
            stopped.countDown();
        }));
        stopped.await();
    }

    /** One POST; throws unless the answer is 200, and Parallel Consumer retries the record (after 1 s by default). */
    void deliver(ConsumerRecord<String, byte[]> record) {
        try {
            post(record);
        } catch (IOException e) {
            failed.incrementAndGet();
            throw new UncheckedIOException(e);
        }
    }

    private void post(ConsumerRecord<String, byte[]> record) throws IOException {
        OutboundWebhook webhook = decoder.decode(record.value());
        Tenant tenant = tenants.get(webhook.getTenantId());
        if (tenant == null) {
            throw new IllegalStateException("no endpoint for tenant " + webhook.getTenantId());
        }
        String body = withSecret(webhook.getBody(), tenant.secretField());
        String id = Long.toString(webhook.getWebhookId());
        long timestamp = System.currentTimeMillis() / 1000;
        HttpPost post = new HttpPost(tenant.endpoint());
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        post.setHeader("Authorization", "Bearer " + tenant.secret());
        post.setHeader("webhook-id", id);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", sign(tenant.secret(), id + "." + timestamp + "." + body));
        int status = http.execute(post, response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
        if (status != 200) {
            throw new IOException("tenant " + webhook.getTenantId() + " webhook " + id + ": HTTP " + status);
        }
        delivered.incrementAndGet();
    }

    /** The dispatcher's secret insertion (WebhookPayload): the router's bodies have {@code ,"data":} last. */
    static String withSecret(String body, String secretField) {
        int data = body.indexOf(",\"data\":");
        if (data < 0) {
            throw new IllegalArgumentException("body without a data field");
        }
        return new StringBuilder(body.length() + secretField.length()).append(body, 0, data).append(secretField)
                .append(body, data, body.length()).toString();
    }

    /** Standard Webhooks: {@code v1,base64(HMAC-SHA256(secret, id.timestamp.body))}, as the dispatcher signs. */
    static String sign(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Tenant> readTenants(Path file) throws IOException {
        Map<String, Tenant> tenants = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                String field = ",\"secret\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(f[2])) + "\"";
                tenants.put(f[0], new Tenant(f[1], f[2], field));
            }
        }
        return tenants;
    }

    /**
     * Confluent-framed Avro (magic byte 0, schema id, Avro binary) into the generated class: the
     * writer's schema fetched once per id from the registry's Confluent API, read as OutboundWebhook.
     */
    static final class AvroDecoder {
        private final String registryUrl;
        private final HttpClient registry = HttpClient.newHttpClient();
        private final Map<Integer, SpecificDatumReader<OutboundWebhook>> readers = new ConcurrentHashMap<>();

        AvroDecoder(String registryUrl) {
            this.registryUrl = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
        }

        OutboundWebhook decode(byte[] framed) throws IOException {
            if (framed.length < 5 || framed[0] != 0) {
                throw new IOException("not a schema-registry Avro record");
            }
            int id = ByteBuffer.wrap(framed, 1, 4).getInt();
            var reader = readers.computeIfAbsent(id, this::reader);
            return reader.read(null, DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
        }

        private SpecificDatumReader<OutboundWebhook> reader(int id) {
            try {
                HttpResponse<String> answer = registry.send(HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/"
                        + id)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("registry answered " + answer.statusCode() + " for schema id " + id);
                }
                Schema writer = new Schema.Parser().parse(new ObjectMapper().readTree(answer.body()).path("schema").asText());
                return new SpecificDatumReader<>(writer, OutboundWebhook.getClassSchema());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
