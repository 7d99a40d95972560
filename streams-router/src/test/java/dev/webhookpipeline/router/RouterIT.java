package dev.webhookpipeline.router;

import dev.webhookpipeline.admin.MetricsServer;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.testing.PipelineFixture;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The router on the real broker and registry, in this JVM. */
@ExtendWith(RealServicesExtension.class)
class RouterIT {

    private static Router start(TestPipeline pipeline) throws Exception {
        Map<String, String> values = new HashMap<>(pipeline.routerSettings());
        values.put("state.dir", Files.createTempDirectory("router-it").toString());
        Router router = new Router(RouterSettings.from(PipelineSettings.of(values)), pipeline.registry);
        router.start();
        return router;
    }

    @Test
    void aBadRecordBetweenTwoGoodOnesIsDeadLetteredAndBothGoodOnesArriveInOrder(TestServices services) throws Exception {
        try (TestPipeline pipeline = new TestPipeline(services, "dead-letter", 3);
                PipelineFixture.Reader<OutboundWebhook> outbound = pipeline.outbound();
                PipelineFixture.Reader<byte[]> deadLetters = pipeline.deadLetters()) {
            pipeline.sendConfig(SampleRecords.config("acme", "https://example.com/h", List.of(EventType.TASK_CREATED)), null);
            DomainEvent first = SampleRecords.event("acme", EventType.TASK_CREATED, 1);
            DomainEvent second = SampleRecords.event("acme", EventType.TASK_CREATED, 2);
            byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
            pipeline.sendEvent(first);
            pipeline.sendEvent("acme", garbage, null);
            pipeline.sendEvent(second);
            pipeline.flush();

            try (Router router = start(pipeline)) {
                List<ConsumerRecord<String, OutboundWebhook>> out = outbound.until(r -> r.size() >= 2, Duration.ofSeconds(60));
                ConsumerRecord<String, byte[]> dead = deadLetters.until(r -> !r.isEmpty(), Duration.ofSeconds(30)).get(0);

                assertThat(out).extracting(r -> r.value().getEventId()).containsExactly(first.getEventId(), second.getEventId());
                assertThat(out).extracting(r -> r.value().getWebhookId()).containsExactly(1L, 2L);
                assertThat(dead.key()).isEqualTo("acme");
                assertThat(dead.value()).isEqualTo(garbage);
                assertThat(DeadLetterHeaders.header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("BAD_MAGIC_BYTE");
                assertThat(DeadLetterHeaders.header(dead.headers(), DeadLetterHeaders.MESSAGE)).contains("magic byte");
                assertThat(DeadLetterHeaders.header(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(pipeline.topics.events().name());
                assertThat(DeadLetterHeaders.header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
                // Still alive (a follow-up rebalance may be in progress: both count as running).
                assertThat(router.state().isRunningOrRebalancing()).as("state %s", router.state()).isTrue();
                assertThat(router.counters().count(Outcome.DEAD_LETTERED)).isEqualTo(1);

                // The same counts on the Prometheus endpoint, behind the operator token.
                var auth = new OperatorAuth("router-operator-token-0123");
                try (var server = new MetricsServer("127.0.0.1", 0, auth, router::scrape).start()) {
                    var http = HttpClient.newHttpClient();
                    var uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
                    var scraped = http.send(HttpRequest.newBuilder(uri)
                            .header("Authorization", "Bearer router-operator-token-0123").build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(scraped.statusCode()).isEqualTo(200);
                    assertThat(scraped.body()).contains("router_records_total{outcome=\"dead-lettered\"} 1.0")
                            .contains("router_records_total{outcome=\"routed\"} 2.0")
                            .contains("router_records_total{outcome=\"dropped-type-not-enabled\"} 0.0")
                            .contains("kafka_stream");
                    var refused = http.send(HttpRequest.newBuilder(uri).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(refused.statusCode()).isEqualTo(401);
                    assertThat(refused.body()).doesNotContain("router_records");
                }
            }
        }
    }

    /**
     * An input close to the producer's 1 MiB limit: its dead letter, with the reason headers added,
     * would be over it, the send would fail, and the router would stop on the record again after
     * every restart. The dead letter leaves the value out (saying so) and the router goes on.
     */
    @Test
    void aRecordNearTheSizeLimitIsDeadLetteredWithoutItsValueAndTheRouterGoesOn(TestServices services) throws Exception {
        try (TestPipeline pipeline = new TestPipeline(services, "huge-record", 3);
                PipelineFixture.Reader<OutboundWebhook> outbound = pipeline.outbound();
                PipelineFixture.Reader<byte[]> deadLetters = pipeline.deadLetters()) {
            pipeline.sendConfig(SampleRecords.config("acme", "https://example.com/h", List.of(EventType.TASK_CREATED)), null);
            byte[] huge = new byte[1024 * 1024 - 300]; // fits the topic alone, not with dead-letter headers
            Arrays.fill(huge, (byte) 'x');
            DomainEvent first = SampleRecords.event("acme", EventType.TASK_CREATED, 1);
            DomainEvent second = SampleRecords.event("acme", EventType.TASK_CREATED, 2);
            pipeline.sendEvent(first);
            pipeline.sendEvent("acme", huge, null);
            pipeline.sendEvent(second);
            pipeline.flush();

            try (Router router = start(pipeline)) {
                List<ConsumerRecord<String, OutboundWebhook>> out = outbound.until(r -> r.size() >= 2, Duration.ofSeconds(60));
                ConsumerRecord<String, byte[]> dead = deadLetters.until(r -> !r.isEmpty(), Duration.ofSeconds(30)).get(0);

                assertThat(out).extracting(r -> r.value().getEventId()).containsExactly(first.getEventId(), second.getEventId());
                assertThat(dead.value()).isNull();
                assertThat(DeadLetterHeaders.header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("BAD_MAGIC_BYTE");
                assertThat(DeadLetterHeaders.header(dead.headers(), DeadLetterHeaders.VALUE))
                        .contains("removed: " + huge.length + " bytes");
                assertThat(DeadLetterHeaders.header(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
                assertThat(router.state().isRunningOrRebalancing()).as("state %s", router.state()).isTrue();
            }
        }
    }

    /**
     * "Follow" means record-timestamp order, not arrival order: the configs below are written to the
     * broker after all three events, yet each applies to the events with later timestamps.
     */
    @Test
    void aConfigAppliesToTheEventsWithLaterTimestampsEvenWhenWrittenAfterThem(TestServices services) throws Exception {
        try (TestPipeline pipeline = new TestPipeline(services, "follow", 3);
                PipelineFixture.Reader<OutboundWebhook> outbound = pipeline.outbound()) {
            long t = System.currentTimeMillis() - 60_000; // recent, so retention keeps them
            DomainEvent beforeConfig = SampleRecords.event("acme", EventType.TASK_CREATED, 1);
            DomainEvent whileEnabled = SampleRecords.event("acme", EventType.TASK_CREATED, 2);
            DomainEvent afterDisable = SampleRecords.event("acme", EventType.TASK_CREATED, 3);
            pipeline.sendEvent("acme", pipeline.encode(beforeConfig), t + 1_000);
            pipeline.sendEvent("acme", pipeline.encode(whileEnabled), t + 3_000);
            pipeline.sendEvent("acme", pipeline.encode(afterDisable), t + 5_000);
            pipeline.flush();
            WebhookConfig enabled = SampleRecords.config("acme", "https://example.com/h", List.of(EventType.TASK_CREATED));
            pipeline.sendConfig(enabled, t + 2_000);
            pipeline.sendConfig(WebhookConfig.newBuilder(enabled).setEnabled(false).build(), t + 4_000);
            // A marker after everything, so the test knows when the router is done with this partition.
            DomainEvent marker = SampleRecords.event("acme", EventType.TASK_CREATED, 4);
            pipeline.sendConfig(WebhookConfig.newBuilder(enabled).setEnabled(true).build(), t + 6_000);
            pipeline.sendEvent("acme", pipeline.encode(marker), t + 7_000);
            pipeline.flush();

            try (Router router = start(pipeline)) {
                List<ConsumerRecord<String, OutboundWebhook>> out = outbound.until(
                        r -> r.stream().anyMatch(x -> x.value().getEventId().equals(marker.getEventId())),
                        Duration.ofSeconds(60));

                assertThat(out).extracting(r -> r.value().getEventId())
                        .containsExactly(whileEnabled.getEventId(), marker.getEventId());
                assertThat(router.counters().count(Outcome.DROPPED_NO_CONFIG)).isEqualTo(1);
                assertThat(router.counters().count(Outcome.DROPPED_DISABLED)).isEqualTo(1);
            }
        }
    }

    @Test
    void failsFastWithAClearMessageWhenKafkaCannotBeReached(TestServices services) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free now, and nothing listens once it is closed
        }
        Result result = runMain("--bootstrap-servers", "127.0.0.1:" + closedPort, "--schema-registry-url",
                services.schemaRegistryUrl(), "--topic-prefix", TestServices.uniquePrefix("no-kafka"),
                "--state-dir", Files.createTempDirectory("router-nokafka").toString(),
                "--config", writeProps(RouterSettings.STARTUP_TIMEOUT + "=PT3S").toString());

        assertThat(result.exit).isEqualTo(RouterMain.EXIT_CANNOT_START);
        assertThat(result.err).contains("streams-router: cannot reach Kafka at 127.0.0.1:" + closedPort + " within 3 s")
                .contains("--bootstrap-servers");
    }

    @Test
    void failsFastWithAClearMessageWhenTheRegistryCannotBeReached(TestServices services) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Result result = runMain("--bootstrap-servers", services.bootstrapServers(), "--schema-registry-url",
                "http://127.0.0.1:" + closedPort, "--topic-prefix", TestServices.uniquePrefix("no-registry"));

        assertThat(result.exit).isEqualTo(RouterMain.EXIT_CANNOT_START);
        assertThat(result.err).contains("streams-router: ").contains("unreachable").contains("--schema-registry-url");
    }

    @Test
    void helpListsTheOptions() {
        Result result = runMain("--help");
        assertThat(result.exit).isZero();
        assertThat(result.out).contains("--bootstrap-servers", "--schema-registry-url", "--state-dir", "--config",
                "--topic-prefix", "--property=KEY=VALUE", RouterSettings.CUTOVER);
    }

    private record Result(int exit, String out, String err) {}

    private static Result runMain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        try (PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setErr(errStream); // RouterMain reports start-up failures on stderr
            CommandLine cli = new CommandLine(new RouterMain());
            cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
            int exit = cli.execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(originalErr);
        }
    }

    private static Path writeProps(String... lines) throws IOException {
        Path file = Files.createTempFile("router", ".properties");
        Files.write(file, List.of(lines));
        return file;
    }
}
