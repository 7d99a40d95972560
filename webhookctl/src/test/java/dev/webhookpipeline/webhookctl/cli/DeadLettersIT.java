package dev.webhookpipeline.webhookctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.router.Router;
import dev.webhookpipeline.router.RouterSettings;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code dead-letters list|show|requeue} on dead letters the real router wrote: an event written with
 * a schema the registry did not have yet is dead-lettered; once the schema is registered, requeue
 * puts it back on the events topic and the router routes it.
 */
@ExtendWith(RealServicesExtension.class)
class DeadLettersIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "dead-letters-it-secret-42";
    static TestServices services;
    static CliRunner cli;
    static PipelineTopics topics;
    static SchemaRegistryClient registry;
    static Router router;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void startRouter(TestServices testServices) throws Exception {
        services = testServices;
        cli = new CliRunner(services, TestServices.uniquePrefix("dead-letters"));
        topics = PipelineTopics.builder().prefix(cli.prefix()).build();
        registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        assertThat(cli.run("topics", "ensure").exit()).isZero();
        router = new Router(RouterSettings.from(PipelineSettings.of(Map.of(
                "bootstrap.servers", services.bootstrapServers(),
                "schema.registry.url", services.schemaRegistryUrl(),
                "pipeline.topic.prefix", cli.prefix(),
                "commit.interval.ms", "100",
                "state.dir", Files.createTempDirectory("dead-letters-it").toString()))), registry);
        router.start();
        Properties props = services.kafka().clientProperties();
        props.put("acks", "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        router.close();
    }

    @Test
    void anEventWrittenWithAnUnregisteredSchemaIsRequeuedAfterTheSchemaIsRegisteredAndRouted() throws Exception {
        String tenant = "dl-" + UUID.randomUUID();
        configure(tenant);
        publish(tenant, 1);
        // A producer wrote with a schema (DomainEvent plus an optional field) this registry does not have yet:
        // framed with the id it will get when registered, the next one.
        UnregisteredSchema v2 = UnregisteredSchema.next(registry);
        DomainEvent early = SampleRecords.event(tenant, EventType.TASK_CREATED, 2);
        byte[] v2Bytes = v2.frame(new AvroSerializer<DomainEvent>(registry, true).serialize(topics.events().name(), early));
        send(topics.events().name(), tenant, v2Bytes);
        publish(tenant, 3);

        Await.until("the router dead-lettered the early event and routed the other two", Duration.ofSeconds(60),
                () -> deadLetters(tenant).size() == 1 && outbound(tenant).size() == 2);
        JsonNode listed = deadLetters(tenant).getFirst();
        assertThat(listed.get("reason").asText()).isEqualTo("UNKNOWN_SCHEMA_ID");
        assertThat(listed.get("source").asText()).startsWith(topics.events().name() + "/");
        assertThat(listed.get("component").asText()).isEqualTo("streams-router");
        String id = listed.get("id").asText();

        CliRunner.Result counts = cli.run("dead-letters", "list", "--tenant", tenant, "--counts");
        assertThat(JSON.readTree(counts.out()).toString()).isEqualTo(
                "{\"total\":1,\"by_reason\":{\"UNKNOWN_SCHEMA_ID\":1},\"by_tenant\":{\"" + tenant + "\":1}}");
        assertThat(counts.err()).contains("by reason: UNKNOWN_SCHEMA_ID=1").contains("by tenant: " + tenant + "=1");

        CliRunner.Result shown = cli.run("dead-letters", "show", id);
        assertThat(shown.exit()).as(shown.err()).isZero();
        JsonNode full = JSON.readTree(shown.out());
        assertThat(full.get("headers").get("dlq.reason").asText()).isEqualTo("UNKNOWN_SCHEMA_ID");
        assertThat(Base64.getDecoder().decode(full.get("value_base64").asText())).isEqualTo(v2Bytes);

        // Before the fix: refused, nothing written.
        CliRunner.Result tooEarly = cli.run("dead-letters", "requeue", id);
        assertThat(tooEarly.exit()).isEqualTo(3);
        assertThat(tooEarly.err()).contains(id + ": refused: it still does not decode (UNKNOWN_SCHEMA_ID");

        // The fix: the producer's schema is registered, and gets the id the record carries.
        assertThat(registry.register(topics.events().valueSubject(), v2.schema())).isEqualTo(v2.id());

        Instant beforeRequeue = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        CliRunner.Result requeued = cli.run("dead-letters", "requeue", id, "--requested-by", "alice");
        assertThat(requeued.exit()).as(requeued.err()).isZero();
        JsonNode done = JSON.readTree(requeued.out());
        assertThat(done.get("requeued_to").asText()).startsWith(topics.events().name() + "/"
                + listed.get("source").asText().split("/")[1] + "/"); // keyed as before: the same partition

        Await.until("the requeued event was routed as the tenant's third webhook", Duration.ofSeconds(60),
                () -> outbound(tenant).size() == 3);
        JsonNode thirdRecord = outbound(tenant).get(2);
        JsonNode third = thirdRecord.get("value");
        assertThat(thirdRecord.get("headers").get("requeued-from").asText()).isEqualTo(
                topics.deadLetter().name() + "/" + id.replace(':', '/')); // the router passes headers on
        assertThat(third.get("webhook_id").asLong()).isEqualTo(3);
        assertThat(third.get("event_id").asText()).isEqualTo(early.getEventId().toString());
        JsonNode requeuedEvent = JSON.readTree(cli.run("read", "events", "--tenant", tenant).out().lines().toList().getLast());
        assertThat(requeuedEvent.get("headers").get("requeued-from").asText())
                .isEqualTo(topics.deadLetter().name() + "/" + id.replace(':', '/'));
        assertThat(requeuedEvent.get("headers").has("dlq.reason")).isFalse();
        // Timestamped at the requeue, so configs written before it apply to it.
        assertThat(Instant.parse(requeuedEvent.get("timestamp").asText())).isAfterOrEqualTo(beforeRequeue);

        // Recorded: on the operator log, in the list, and a second requeue is refused.
        List<JsonNode> log = parse(cli.run("read", "operator-log", "--tenant", tenant));
        assertThat(log).hasSize(1);
        assertThat(log.getFirst().get("value").get("action").asText()).isEqualTo("REQUEUE_DEAD_LETTER");
        assertThat(log.getFirst().get("value").get("requested_by").asText()).isEqualTo("alice");
        assertThat(log.getFirst().get("value").get("dead_letter_reason").asText()).isEqualTo("UNKNOWN_SCHEMA_ID");
        assertThat(log.getFirst().get("value").get("written_to").asText()).isEqualTo(done.get("requeued_to").asText());
        assertThat(deadLetters(tenant).getFirst().get("requeued_to").asText()).isEqualTo(done.get("requeued_to").asText());
        CliRunner.Result again = cli.run("dead-letters", "requeue", id);
        assertThat(again.exit()).isEqualTo(3);
        assertThat(again.err()).contains("refused: it was requeued before, to " + done.get("requeued_to").asText())
                .contains("by alice");
        assertThat(outbound(tenant)).hasSize(3);
    }

    @Test
    void aConfigDeadLetterWhoseSecretWasMaskedIsNeverRequeued() throws Exception {
        String tenant = "dl-cfg-" + UUID.randomUUID();
        WebhookConfig namingAnother = SampleRecords.config("someone-else", "https://93.184.216.34/h",
                List.of(EventType.TASK_CREATED));
        send(topics.tenantConfig().name(), tenant, new AvroSerializer<WebhookConfig>(registry, true)
                .serialize(topics.tenantConfig().name(), namingAnother)); // tenant_id differs from the key
        Await.until("the router dead-lettered the config", Duration.ofSeconds(60), () -> deadLetters(tenant).size() == 1);

        CliRunner.Result all = cli.run("dead-letters", "requeue", "--tenant", tenant, "--all-matching");

        assertThat(all.exit()).isEqualTo(3);
        assertThat(all.err()).contains("refused: it does not hold the original value (secret masked)")
                .contains("webhookctl config set").contains("requeued 0 dead letters, refused 1");
        assertThat(cli.run("dead-letters", "show", deadLetters(tenant).getFirst().get("id").asText()).out())
                .doesNotContain(namingAnother.getSecret());
    }

    /** The header layout is the dispatcher's ({@link DeadLetterHeaders#describe}); what is checked is requeue's refusal. */
    @Test
    void aWebhookDeadLetteredFromTheOutboundTopicIsNeverWrittenBackBehindLaterOnes() throws Exception {
        String tenant = "dl-out-" + UUID.randomUUID();
        byte[] webhook = new AvroSerializer<OutboundWebhook>(registry, true).serialize(topics.outbound().name(),
                SampleRecords.outbound(tenant, 40, EventType.TASK_CREATED));
        var headers = DeadLetterHeaders.describe(new RecordHeaders(), "INVALID_CONTENT", "key differs from tenant_id",
                topics.outbound().name(), 0, 17, "dispatcher");
        producer.send(new ProducerRecord<>(topics.deadLetter().name(), null, tenant, webhook, headers)).get();
        String id = deadLetters(tenant).getFirst().get("id").asText();

        CliRunner.Result refused = cli.run("dead-letters", "requeue", id);

        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).contains(id + ": refused: it comes from " + topics.outbound().name())
                .contains("skipped by the dispatcher as already delivered");
        assertThat(parse(cli.run("read", "outbound", "--tenant", tenant))).isEmpty();
    }

    @Test
    void clearErrorsAndExitCodes() {
        CliRunner.Result nothingChosen = cli.run("dead-letters", "requeue");
        assertThat(nothingChosen.exit()).isEqualTo(2);
        assertThat(nothingChosen.err()).contains("name the dead letters to requeue");
        CliRunner.Result everything = cli.run("dead-letters", "requeue", "--all-matching");
        assertThat(everything.exit()).isEqualTo(2);
        assertThat(everything.err()).contains("--all-matching needs at least one filter");
        CliRunner.Result badId = cli.run("dead-letters", "show", "3/17");
        assertThat(badId.exit()).isEqualTo(2);
        assertThat(badId.err()).contains("'3/17' is not PARTITION:OFFSET");
        CliRunner.Result missing = cli.run("dead-letters", "show", "0:999999");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no dead letter 0:999999");
        CliRunner.Result badTime = cli.run("dead-letters", "list", "--from", "last tuesday");
        assertThat(badTime.exit()).isEqualTo(2);
        for (String command : List.of("list", "show", "requeue")) {
            assertThat(cli.run("dead-letters", command, "--help").out()).contains("Usage:");
        }
    }

    static void configure(String tenant) {
        CliRunner.Result set = cli.run("config", "set", "--tenant", tenant, "--endpoint", "https://93.184.216.34/h",
                "--secret", SECRET, "--events", "TASK_CREATED");
        assertThat(set.exit()).as(set.err()).isZero();
    }

    static void publish(String tenant, int n) {
        CliRunner.Result published = cli.run("publish", "--tenant", tenant, "--type", "TASK_CREATED", "--data",
                "{\"n\":" + n + "}", "-q");
        assertThat(published.exit()).as(published.err()).isZero();
    }

    static List<JsonNode> deadLetters(String tenant) {
        return parse(cli.run("dead-letters", "list", "--tenant", tenant));
    }

    static List<JsonNode> outbound(String tenant) {
        return parse(cli.run("read", "outbound", "--tenant", tenant));
    }

    static List<JsonNode> parse(CliRunner.Result result) {
        assertThat(result.exit()).as(result.err()).isZero();
        List<JsonNode> nodes = new ArrayList<>();
        result.lines().forEach(line -> {
            try {
                nodes.add(JSON.readTree(line));
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        });
        return nodes;
    }

    static void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
