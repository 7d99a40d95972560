package dev.webhookpipeline.webhookctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventSubject;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.OutageProxy;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code webhookctl read} against the real broker and registry: decoding, filters, ranges by time and offset, follow. */
@ExtendWith(RealServicesExtension.class)
class ReadCommandIT {

    static final String SECRET = "read-it-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static TestServices services;
    static CliRunner cli;
    static PipelineTopics topics;
    static KafkaProducer<String, byte[]> producer;
    static AvroSerializer<DomainEvent> events;

    @BeforeAll
    static void setUp(TestServices testServices) {
        services = testServices;
        cli = new CliRunner(services, TestServices.uniquePrefix("read"));
        topics = PipelineTopics.builder().prefix(cli.prefix()).build();
        assertThat(cli.run("topics", "ensure").exit()).isZero();
        Properties props = services.kafka().clientProperties();
        props.put("acks", "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        events = new AvroSerializer<>(SchemaRegistryClient.builder(services.schemaRegistryUrl()).build(), true);
    }

    @AfterAll
    static void tearDown() {
        producer.close();
    }

    @Test
    void decodesATenantsEventsToJsonLinesAndPrintsAnUndecodableRecordWithItsBytes() throws Exception {
        // Topics of its own: a time bound is a position in the partition (offsetsForTimes), so other tests'
        // records with other timestamps must not share it.
        CliRunner cli = new CliRunner(services, TestServices.uniquePrefix("read-range"));
        assertThat(cli.run("topics", "ensure").exit()).isZero();
        String events = cli.prefix() + "events";
        String tenant = "read-" + UUID.randomUUID();
        send(events, tenant, event(tenant, EventType.TASK_CREATED, 1), NOW.minus(3, ChronoUnit.HOURS));
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        send(events, tenant, garbage, NOW.minus(2, ChronoUnit.HOURS));
        send(events, tenant, event(tenant, EventType.RISK_LEVEL_CHANGED, 2), NOW.minus(90, ChronoUnit.MINUTES));
        send(events, tenant, event(tenant, EventType.TASK_CREATED, 3), NOW.minus(30, ChronoUnit.MINUTES));
        send(events, "other-" + tenant, event("other-" + tenant, EventType.TASK_CREATED, 9), NOW);

        CliRunner.Result all = cli.run("read", "events", "--tenant", tenant);

        assertThat(all.exit()).as(all.err()).isZero();
        List<JsonNode> lines = parse(all);
        assertThat(lines).hasSize(4).allSatisfy(l -> {
            assertThat(l.get("key").asText()).isEqualTo(tenant);
            assertThat(l.get("topic").asText()).isEqualTo(events);
        });
        assertThat(lines.get(0).get("value").get("type").asText()).isEqualTo("TASK_CREATED");
        assertThat(lines.get(0).get("value").get("data").asText()).isEqualTo("{\"n\":1}");
        assertThat(lines.get(0).get("value").get("subject").get("profile_id").asText()).isEqualTo("p-1");
        assertThat(lines.get(0).get("timestamp").asText()).isEqualTo(NOW.minus(3, ChronoUnit.HOURS).toString());
        JsonNode bad = lines.get(1);
        assertThat(bad.has("value")).isFalse();
        assertThat(bad.get("undecodable").get("reason").asText()).isEqualTo("BAD_MAGIC_BYTE");
        assertThat(Base64.getDecoder().decode(bad.get("value_base64").asText())).isEqualTo(garbage);
        assertThat(lines).extracting(l -> l.get("offset").asLong()).isSorted();
        assertThat(all.err()).contains("printed 4 (1 undecodable)");

        // --type: only that type's events (an undecodable record's type cannot be known: it is printed)
        assertThat(parse(cli.run("read", "events", "--tenant", tenant, "--type", "task-created")))
                .extracting(l -> l.has("value") ? l.get("value").get("data").asText() : "undecodable")
                .containsExactly("{\"n\":1}", "undecodable", "{\"n\":3}");
        // a time, found with offsetsForTimes: from (included) and to (excluded)
        assertThat(parse(cli.run("read", "events", "--tenant", tenant, "--from", "1h")))
                .extracting(l -> l.get("value").get("data").asText()).containsExactly("{\"n\":3}");
        assertThat(parse(cli.run("read", "events", "--tenant", tenant, "--from", NOW.minus(2, ChronoUnit.HOURS).toString(),
                "--to", NOW.minus(30, ChronoUnit.MINUTES).toString()))).extracting(l -> l.get("offset").asLong())
                .containsExactly(lines.get(1).get("offset").asLong(), lines.get(2).get("offset").asLong());
        // an offset, and a limit
        long second = lines.get(1).get("offset").asLong();
        assertThat(parse(cli.run("read", "events", "--tenant", tenant, "--from", Long.toString(second), "--limit", "2")))
                .extracting(l -> l.get("offset").asLong()).containsExactly(second, lines.get(2).get("offset").asLong());
        int partition = lines.get(0).get("partition").asInt();
        assertThat(parse(cli.run("read", "events", "--partition", Integer.toString(partition), "--from",
                Long.toString(lines.get(3).get("offset").asLong())))).extracting(l -> l.get("key").asText())
                .contains(tenant).allSatisfy(k -> assertThat(k).isNotNull());
    }

    @Test
    void configsAreReadWithTheirSecretMaskedAndUndecodableConfigBytesWithheld() {
        String tenant = "read-cfg-" + UUID.randomUUID();
        CliRunner.Result set = cli.run("config", "set", "--tenant", tenant, "--endpoint", "https://93.184.216.34/h",
                "--secret", SECRET, "--events", "TASK_CREATED");
        assertThat(set.exit()).as(set.err()).isZero();
        byte[] corrupt = ("\0\0\0\0\1" + SECRET).getBytes(StandardCharsets.UTF_8); // framed, holding the secret
        send(topics.tenantConfig().name(), tenant, corrupt, NOW);

        CliRunner.Result read = cli.run("read", "config", "--tenant", tenant);

        assertThat(read.exit()).as(read.err()).isZero();
        List<JsonNode> lines = parse(read);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("value").get("secret").asText()).isEqualTo("********");
        assertThat(lines.get(0).get("value").get("endpoint").asText()).isEqualTo("https://93.184.216.34/h");
        assertThat(lines.get(1).get("undecodable").get("reason").asText()).isNotBlank();
        assertThat(lines.get(1).get("value_base64").isNull()).isTrue();
        assertThat(lines.get(1).get("value_withheld").asText()).contains("may hold its secret");
        assertThat(read.out() + read.err()).doesNotContain(SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)).substring(0, 12));
    }

    @Test
    void followPrintsNewRecordsAsTheyArrive() throws Exception {
        String tenant = "follow-" + UUID.randomUUID();
        send(topics.events().name(), tenant, event(tenant, EventType.TASK_CREATED, 1), Instant.now());
        CompletableFuture<CliRunner.Result> following = cli.start("read", "events", "--tenant", tenant, "--from", "end",
                "--follow", "--limit", "2").result();
        List<Integer> sent = new ArrayList<>();
        // Keep sending until the reader has seen two: it may start after the first of them was written.
        Await.until("the follower printed two new events", Duration.ofSeconds(60), () -> {
            if (following.isDone()) {
                return true;
            }
            sent.add(sent.size() + 2);
            send(topics.events().name(), tenant, event(tenant, EventType.TASK_CREATED, sent.getLast()), Instant.now());
            return following.isDone();
        });
        CliRunner.Result result = following.get();
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(parse(result)).extracting(l -> l.get("value").get("data").asText())
                .hasSize(2).doesNotContain("{\"n\":1}").allSatisfy(d -> assertThat(d).startsWith("{\"n\":"));
    }

    @Test
    void aRegistryOutageMidReadStopsWithExitOneSayingWhereToResume() throws Exception {
        String tenant = "outage-" + UUID.randomUUID();
        SchemaRegistryClient direct = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        UnregisteredSchema v2 = UnregisteredSchema.next(direct);
        assertThat(direct.register(topics.events().valueSubject(), v2.schema())).isEqualTo(v2.id());
        try (OutageProxy registry = OutageProxy.inFrontOf(services.schemaRegistryUrl())) {
            CliRunner.Running reading = cli.start("read", "events", "--tenant", tenant, "--from", "end", "--follow",
                    "--schema-registry-url", registry.url());
            // The first event's schema is fetched while the registry is up: it is printed.
            Await.until("the reader printed the first event", Duration.ofSeconds(60), () -> {
                send(topics.events().name(), tenant, event(tenant, EventType.TASK_CREATED, 1), Instant.now());
                return !reading.out().isEmpty() || reading.result().isDone();
            });
            registry.down(OutageProxy.Outage.RESET);
            // Written with a schema id this reader has not fetched yet: it must ask the registry, which is down.
            send(topics.events().name(), tenant, v2.frame(event(tenant, EventType.TASK_CREATED, 2)), Instant.now());
            CliRunner.Result result = reading.result().get(60, TimeUnit.SECONDS);

            assertThat(result.exit()).as(result.err()).isEqualTo(1);
            assertThat(parseLines(result)).isNotEmpty()
                    .allSatisfy(l -> assertThat(l.get("value").get("data").asText()).isEqualTo("{\"n\":1}"));
            JsonNode lastPrinted = JSON.readTree(result.lines().getLast());
            // Resumes at the record it could not decode, the one after the last printed (no other tenant's in between).
            assertThat(result.err()).contains("stopped after printing " + result.lines().size()
                    + " records; resume with --from <offset> --partition <p> at " + lastPrinted.get("partition").asInt()
                    + ":" + (lastPrinted.get("offset").asLong() + 1)).contains("error: ");
        }
    }

    @Test
    void clearErrorsAndExitCodes() throws Exception {
        CliRunner.Result unknown = cli.run("read", "evnets");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown topic 'evnets': one of events, tenant-config, outbound");

        CliRunner.Result badTime = cli.run("read", "events", "--from", "yesterday");
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).contains("--from 'yesterday' is not an offset");

        CliRunner.Result typeOnConfig = cli.run("read", "config", "--type", "TASK_CREATED");
        assertThat(typeOnConfig.exit()).isEqualTo(2);

        CliRunner.Result wrongPartition = cli.run("read", "events", "--partition", "99");
        assertThat(wrongPartition.exit()).isEqualTo(2);
        assertThat(wrongPartition.err()).contains("has partitions 0-11");

        CliRunner.Result missing = new CliRunner(services, "no-such-prefix.").run("read", "events");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("topic no-such-prefix.events does not exist");

        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRunner.Result noRegistry = cli.run("read", "events", "--schema-registry-url", "http://127.0.0.1:" + closed);
        assertThat(noRegistry.exit()).isEqualTo(1);
        assertThat(noRegistry.err()).contains("127.0.0.1:" + closed).contains("--schema-registry-url");
        assertThat(noRegistry.out()).isEmpty();

        assertThat(cli.run("read", "--help").out()).contains("Usage:").contains("--follow").contains("offsetsForTimes");
    }

    static List<JsonNode> parse(CliRunner.Result result) {
        assertThat(result.exit()).as(result.err()).isZero();
        return parseLines(result);
    }

    static List<JsonNode> parseLines(CliRunner.Result result) {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : result.lines()) {
            try {
                nodes.add(JSON.readTree(line)); // stdout holds JSON lines only
            } catch (Exception e) {
                throw new AssertionError("not a JSON line on stdout: " + line, e);
            }
        }
        return nodes;
    }

    static byte[] event(String tenant, EventType type, int n) {
        return events.serialize(topics.events().name(), DomainEvent.newBuilder().setEventId(UUID.randomUUID())
                .setTenantId(tenant).setType(type).setOccurredAt(NOW)
                .setSubject(EventSubject.newBuilder().setProfileId("p-" + n).build()).setData("{\"n\":" + n + "}").build());
    }

    static void send(String topic, String key, byte[] value, Instant timestamp) {
        try {
            producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, value)).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
