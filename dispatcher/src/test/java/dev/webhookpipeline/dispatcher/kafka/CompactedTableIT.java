package dev.webhookpipeline.dispatcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicInitializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a table's reader lives and dies on the real broker: it waits out a broker it cannot reach,
 * and when something it cannot survive stops it, it says so instead of leaving a table that
 * silently no longer changes.
 */
@ExtendWith(RealServicesExtension.class)
class CompactedTableIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    static PipelineTopics topics(TestServices services, String name) {
        PipelineTopics topics = PipelineTopics.builder().prefix(TestServices.uniquePrefix(name)).partitions(2).build();
        try (Admin admin = services.kafka().admin()) {
            new TopicInitializer(admin).ensure(topics.all());
        }
        return topics;
    }

    static void write(TestServices services, SchemaRegistryClient registry, String topic, String key) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                services.bootstrapServers()), new StringSerializer(), new AvroSerializer<WebhookConfig>(registry, true))) {
            producer.send(new ProducerRecord<>(topic, key, SampleRecords.config(key, "https://" + key + ".example/hook",
                    List.of(EventType.values())))).get();
        }
    }

    @Test
    void aReaderStoppedByAnErrorSaysSoAndTheTableStopsChanging(TestServices services) throws Exception {
        PipelineTopics topics = topics(services, "table-dies");
        String topic = topics.tenantConfig().name();
        SchemaRegistryClient registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        try (var table = new CompactedTable<>(Map.<String, Object>of("bootstrap.servers", services.bootstrapServers()),
                new AvroDeserializer<>(WebhookConfig.class, registry), topic, "test-dying-table", key -> {
                    if (key.equals("poison")) {
                        throw new StackOverflowError("what no record can cause, and a reader cannot survive");
                    }
                })) {
            assertThat(table.isReading()).as("not started yet").isFalse();
            table.start();
            assertThat(table.awaitCaughtUp(WAIT)).isTrue();
            write(services, registry, topic, "acme");
            Await.until("acme read", WAIT, () -> table.get("acme").isPresent());
            assertThat(table.isReading()).isTrue();
            assertThat(table.failure()).isEmpty();

            write(services, registry, topic, "poison");
            Await.until("the reader reports that it stopped", WAIT, () -> !table.isReading());
            assertThat(table.failure()).hasValueSatisfying(e -> assertThat(e).isInstanceOf(StackOverflowError.class));
            Await.until("the reason is in the log", WAIT, () -> log().contains("reader of test-dying-table (" + topic + ") stopped"));
        }
    }

    @Test
    void aBrokerUnreachableAtStartIsWaitedOut(TestServices services) throws Exception {
        PipelineTopics topics = topics(services, "table-unreachable");
        String topic = topics.tenantConfig().name();
        SchemaRegistryClient registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        write(services, registry, topic, "acme");
        int port;
        try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // nothing listens there until the proxy below starts
        }
        // Every broker call gives up after 1.5 s: the first ones fail while nothing answers.
        Map<String, Object> props = Map.of("bootstrap.servers", "127.0.0.1:" + port, "default.api.timeout.ms", 1500,
                "request.timeout.ms", 1000, "reconnect.backoff.max.ms", 200);
        try (var table = new CompactedTable<>(props, new AvroDeserializer<>(WebhookConfig.class, registry), topic,
                "test-unreachable-table", key -> { })) {
            table.start();
            Await.until("a failed attempt to reach the broker", WAIT, () -> log().contains(
                    "transient error finding the partitions of " + topic + " (test-unreachable-table)"));
            assertThat(table.isReading()).as("still trying").isTrue();
            assertThat(table.awaitCaughtUp(Duration.ZERO)).isFalse();

            // The broker becomes reachable at the bootstrap address: a TCP relay to the real one.
            String[] real = services.bootstrapServers().split(",")[0].split(":");
            try (var relay = new Relay(port, real[0], Integer.parseInt(real[1]))) {
                assertThat(table.awaitCaughtUp(WAIT)).as("caught up once the broker answers").isTrue();
                assertThat(table.get("acme")).isPresent();
                assertThat(table.isReading()).isTrue();
            }
        }
    }

    static String log() {
        try {
            return Files.readString(Path.of("target", "test-logs", "tests.log"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Forwards every connection on a loopback port to the broker, both ways. */
    static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        Relay(int port, String host, int target) throws IOException {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            threads.submit(() -> {
                while (!server.isClosed()) {
                    Socket in = server.accept();
                    Socket out = new Socket(host, target);
                    threads.submit(() -> pipe(in, out));
                    threads.submit(() -> pipe(out, in));
                }
                return null;
            });
        }

        private static Void pipe(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // either side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
