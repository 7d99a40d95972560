package dev.webhookpipeline.webhookctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it, against the real broker and registry. */
@ExtendWith(RealServicesExtension.class)
class WebhookCtlIT {

    static final String SECRET = TestSecrets.remember("webhookctl test tenant", "correct-horse-battery-staple-42");
    static TestServices services;
    static String prefix;

    record Result(int exit, String out, String err) {}

    static Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", services.bootstrapServers(),
                "--schema-registry-url", services.schemaRegistryUrl(), "--topic-prefix", prefix));
        all.addAll(List.of(args));
        int exit = WebhookCtl.run(all.toArray(String[]::new), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void ensureTopics(TestServices testServices) {
        services = testServices;
        prefix = TestServices.uniquePrefix("cli");
        Result ensure = run("", "topics", "ensure");
        assertThat(ensure.exit()).as(ensure.err()).isZero();
        assertThat(ensure.out()).contains("created " + prefix + "events").contains("subject " + prefix + "events-value");
        Result again = run("", "topics", "ensure");
        assertThat(again.out()).contains("ok      " + prefix + "events").doesNotContain("created");
    }

    @Test
    void publishSendsTheGoodLinesInOrderAndReportsEachBadOne() {
        String tenant = "cli-" + UUID.randomUUID();
        String input = String.join("\n",
                line(tenant, "TASK_CREATED", 1),
                "{not json",
                line(tenant, "RISK_LEVEL_CHANGED", 2),
                "{\"tenant_id\":\"" + tenant + "\",\"type\":\"NO_SUCH_TYPE\",\"data\":{}}",
                "",
                "{\"tenant_id\":\"" + tenant + "\",\"type\":\"TASK_CREATED\",\"data\":[1]}",
                line(tenant, "CHECK_COMPLETED", 3)) + "\n";

        Result result = run(input, "publish");

        assertThat(result.exit()).isEqualTo(3); // some lines rejected, the rest published
        assertThat(result.err()).contains("line 2: rejected: not valid JSON")
                .contains("line 4: rejected: unknown event type 'NO_SUCH_TYPE'")
                .contains("line 6: rejected: event refused: event data must be a JSON object, got ARRAY")
                .contains("published 3 events, rejected 3");
        assertThat(result.out().lines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"partition\""));
        assertThat(readEvents(tenant, 3)).extracting(e -> e.getData())
                .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    /**
     * Lines that once aborted the whole file (only IllegalArgumentException was caught): data beyond
     * the JSON parser's limits (a NullPointerException), an occurred_at past what epoch milliseconds
     * hold (an ArithmeticException in the serializer). Lines sent before them went unreported.
     */
    @Test
    void aLineThatOnceAbortedTheFileIsRejectedAndTheRestIsSent() {
        String tenant = "hostile-" + UUID.randomUUID();
        String deepData = "{\\\"a\\\":" + "[".repeat(1_200) + "]".repeat(1_200) + "}"; // data as a JSON string
        String input = String.join("\n",
                line(tenant, "TASK_CREATED", 1),
                "{\"tenant_id\":\"" + tenant + "\",\"type\":\"TASK_CREATED\",\"data\":\"" + deepData + "\"}",
                line(tenant, "TASK_CREATED", 2),
                "{\"tenant_id\":\"" + tenant + "\",\"type\":\"TASK_CREATED\",\"data\":{},"
                        + "\"occurred_at\":\"+1000000000-01-01T00:00:00Z\"}",
                "{\"tenant_id\":\"" + tenant + "\",\"type\":\"TASK_CREATED\",\"data\":{\"n\":" + "9".repeat(1_200) + "}}",
                "{\"tenant_id\":\"" + tenant + "\",\"type\":\"TASK_CREATED\",\"data\":{},\"event_id\":\"nope\"}",
                line(tenant, "TASK_CREATED", 3)) + "\n";

        Result result = run(input, "publish");

        assertThat(result.exit()).as(result.err()).isEqualTo(3);
        assertThat(result.err()).contains("line 2: rejected: event refused: event data is not valid JSON")
                .contains("line 4: rejected: ").contains("occurred_at")
                .contains("line 5: rejected: not valid JSON")
                .contains("line 6: rejected: event_id 'nope' is not a UUID")
                .contains("published 3 events, rejected 4")
                .doesNotContain("error:");
        assertThat(result.out().lines()).hasSize(3).allSatisfy(l -> assertThat(l).contains("\"partition\""));
        assertThat(result.out()).contains("\"line\":1").contains("\"line\":3").contains("\"line\":7");
        assertThat(readEvents(tenant, 3)).extracting(e -> e.getData())
                .containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    }

    @Test
    void publishesOneEventFromOptions() {
        String tenant = "single-" + UUID.randomUUID();
        Result result = run("", "publish", "--tenant", tenant, "--type", "RISK_SCORE_CHANGED",
                "--data", "{\"score\":7}", "--profile-id", "p-9", "-q");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEmpty();
        DomainEvent event = readEvents(tenant, 1).get(0);
        assertThat(event.getData()).isEqualTo("{\"score\":7}");
        assertThat(event.getSubject().getProfileId()).isEqualTo("p-9");
    }

    @Test
    void configSetShowDeleteRoundTripNeverPrintsTheSecret(@TempDir Path dir) throws Exception {
        String tenant = "cfg-" + UUID.randomUUID();
        Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");

        Result missing = run("", "config", "show", "--tenant", tenant);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("has no webhook config");

        Result set = run("", "config", "set", "--tenant", tenant, "--endpoint", "https://93.184.216.34/hooks",
                "--secret-file", secretFile.toString(), "--events", "RISK_LEVEL_CHANGED,collected-data-updated");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.err()).contains("warning: COLLECTED_DATA_UPDATED is deprecated").contains("created webhook config");

        Result shown = run("", "config", "show", "--tenant", tenant);
        assertThat(shown.exit()).isZero();
        assertThat(shown.out()).contains("\"endpoint\" : \"https://93.184.216.34/hooks\"")
                .contains("\"batching\" : true").contains("\"enabled\" : true")
                .contains("\"RISK_LEVEL_CHANGED\", \"COLLECTED_DATA_UPDATED\"").contains("\"secret\" : \"********\"");

        Result disabled = run("", "config", "set", "--tenant", tenant, "--enabled", "false", "--batching", "false");
        assertThat(disabled.exit()).as(disabled.err()).isZero();
        Result shownAgain = run("", "config", "show", "--tenant", tenant);
        assertThat(shownAgain.out()).contains("\"enabled\" : false").contains("\"batching\" : false")
                .contains("https://93.184.216.34/hooks"); // kept from before

        Result deleted = run("", "config", "delete", "--tenant", tenant);
        assertThat(deleted.exit()).isZero();
        assertThat(deleted.err()).contains("deleted webhook config");
        assertThat(run("", "config", "show", "--tenant", tenant).exit()).isEqualTo(1);

        for (Result r : List.of(missing, set, shown, disabled, shownAgain, deleted)) {
            assertThat(r.out() + r.err()).doesNotContain(SECRET);
        }
    }

    /** A bad config record (a buggy writer's) is skipped as the router and dispatcher skip it: show keeps the last good one. */
    @Test
    void configShowSkipsABadRecordAndKeepsTheLastGoodConfig() throws Exception {
        String tenant = "cfg-bad-" + UUID.randomUUID();
        Result set = run("", "config", "set", "--tenant", tenant, "--endpoint", "https://93.184.216.34/hooks",
                "--secret", SECRET, "--events", "RISK_LEVEL_CHANGED");
        assertThat(set.exit()).as(set.err()).isZero();
        String topic = PipelineTopics.builder().prefix(prefix).build().tenantConfig().name();
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(
                "bootstrap.servers", services.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, tenant,
                    new byte[] {0, 0, 0, 0, 1, 1})).get(); // framed, but Avro with a negative length
            producer.send(new ProducerRecord<>(topic, tenant,
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        Result shown = run("", "config", "show", "--tenant", tenant);
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("\"endpoint\" : \"https://93.184.216.34/hooks\"");
        assertThat(shown.out() + shown.err()).doesNotContain(SECRET);
    }

    @Test
    void invalidConfigsAreRefusedWithEveryReasonAndNotSaved() {
        String tenant = "bad-" + UUID.randomUUID();
        Result badUrl = run("", "config", "set", "--tenant", tenant, "--endpoint", "http://10.0.0.5/hooks",
                "--secret", "short", "--events", "TASK_CREATED");
        assertThat(badUrl.exit()).isEqualTo(1);
        assertThat(badUrl.err()).contains("invalid: endpoint must use https")
                .contains("invalid: secret is too short").contains("config not saved").doesNotContain("short\n");

        Result privateAddress = run("", "config", "set", "--tenant", tenant, "--endpoint", "https://10.0.0.5/hooks",
                "--secret", SECRET, "--events", "TASK_CREATED");
        assertThat(privateAddress.err()).contains("resolves to a private address 10.0.0.5");

        Result unknownType = run("", "config", "set", "--tenant", tenant, "--endpoint", "https://93.184.216.34/x",
                "--secret", SECRET, "--events", "TASK_CREATED,BOGUS");
        assertThat(unknownType.exit()).isEqualTo(1);
        assertThat(unknownType.err()).contains("unknown event type BOGUS");

        Result incomplete = run("", "config", "set", "--tenant", tenant, "--endpoint", "https://93.184.216.34/x");
        assertThat(incomplete.exit()).isEqualTo(1);
        assertThat(incomplete.err()).contains("has no config yet: give a secret").contains("--events");

        assertThat(run("", "config", "show", "--tenant", tenant).exit()).isEqualTo(1);

        Result local = run("", "config", "set", "--tenant", tenant, "--endpoint", "http://127.0.0.1:9/hooks",
                "--secret", SECRET, "--events", "TASK_CREATED", "--allow-http", "--allow-cidr", "127.0.0.0/8");
        assertThat(local.exit()).as(local.err()).isZero();
    }

    @Test
    void unreachableKafkaFailsFastWithWhatToCheck() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        StringWriter err = new StringWriter();
        int exit = WebhookCtl.run(new String[] {"--bootstrap-servers", "127.0.0.1:" + closed,
                        "--schema-registry-url", services.schemaRegistryUrl(), "publish", "--tenant", "a", "--type", "TASK_CREATED"},
                new ByteArrayInputStream(new byte[0]), new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("error: cannot reach Kafka at 127.0.0.1:" + closed)
                .contains("check --bootstrap-servers");
    }

    @Test
    void everyCommandHasHelpAndBadUsageExitsTwo() {
        for (String[] command : List.of(new String[] {"--help"}, new String[] {"publish", "--help"},
                new String[] {"config", "--help"}, new String[] {"config", "set", "--help"},
                new String[] {"config", "show", "--help"}, new String[] {"config", "delete", "--help"},
                new String[] {"topics", "ensure", "--help"})) {
            StringWriter out = new StringWriter();
            int exit = WebhookCtl.run(command, new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true));
            assertThat(exit).as(String.join(" ", command)).isZero();
            assertThat(out.toString()).contains("Usage:");
        }
        StringWriter err = new StringWriter();
        int exit = WebhookCtl.run(new String[] {"topics", "ensure", "--no-such-option"}, new ByteArrayInputStream(new byte[0]),
                new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
    }

    static String line(String tenant, String type, int n) {
        return "{\"tenant_id\":\"" + tenant + "\",\"type\":\"" + type + "\",\"data\":{\"n\":" + n + "}}";
    }

    static List<DomainEvent> readEvents(String tenant, int expected) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", services.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<DomainEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new AvroDeserializer<>(DomainEvent.class,
                SchemaRegistryClient.builder(services.schemaRegistryUrl()).build()))) {
            consumer.subscribe(List.of(prefix + "events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (tenant.equals(r.key())) {
                        events.add(r.value());
                    }
                });
            }
        }
        return events;
    }
}
