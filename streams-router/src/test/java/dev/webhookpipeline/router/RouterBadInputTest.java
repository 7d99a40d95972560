package dev.webhookpipeline.router;

import static dev.webhookpipeline.router.RouterDriver.header;
import static dev.webhookpipeline.testing.HostileRecords.eventAvro;
import static dev.webhookpipeline.testing.HostileRecords.framed;
import static dev.webhookpipeline.testing.HostileRecords.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.deadletter.ConfigDeadLetters;
import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testing.HostileRecords;
import dev.webhookpipeline.testsupport.SampleRecords;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, "bad input never stops the pipeline", on the topology with a fake registry: records that
 * once escaped the processors (and, after three failures, stopped the router on every restart) are
 * dead-lettered with a reason, the tenant's next events still flow, and a config's dead letter never
 * carries its secret.
 */
class RouterBadInputTest {

    final RouterDriver router = new RouterDriver();

    @AfterEach
    void close() {
        router.close();
    }

    void configureAcme() {
        router.configure(SampleRecords.config("acme", "https://example.com/h", List.of(EventType.TASK_CREATED)));
    }

    DomainEvent good(int n) {
        return router.send(SampleRecords.event("acme", EventType.TASK_CREATED, n));
    }

    static boolean holds(byte[] value, String text) {
        return value != null && new String(value, StandardCharsets.ISO_8859_1).contains(text);
    }

    @Test
    void eventsThatOnceEscapedTheProcessorAreDeadLetteredAndTheNextOnesFlow() {
        configureAcme();
        int id = router.eventSchemaId();
        DomainEvent first = good(1);
        byte[] notAUuid = framed(id, eventAvro("not-a-uuid", "acme", EventType.TASK_CREATED, "{}"));
        byte[] deep = framed(id, eventAvro(uuid(), "acme", EventType.TASK_CREATED, HostileRecords.deeplyNested(1_200)));
        byte[] longNumber = framed(id, eventAvro(uuid(), "acme", EventType.TASK_CREATED, HostileRecords.longNumber(1_200)));
        byte[] negativeLength = router.encode(SampleRecords.event("acme", EventType.TASK_CREATED, 9));
        negativeLength[5] = 0x01;
        byte[] hugeLength = framed(id, HostileRecords.concat(HostileRecords.varint(1L << 40), new byte[] {1}));
        for (byte[] bad : List.of(notAUuid, deep, longNumber, negativeLength, hugeLength)) {
            router.events.pipeInput("acme", bad);
        }
        DomainEvent last = good(2);

        assertThat(router.outbound.readValuesToList()).extracting(OutboundWebhook::getEventId, OutboundWebhook::getWebhookId)
                .containsExactly(Tuple.tuple(first.getEventId(), 1L),
                        Tuple.tuple(last.getEventId(), 2L));
        List<TestRecord<byte[], byte[]>> dead = router.deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("MALFORMED_AVRO",
                "INVALID_CONTENT", "INVALID_CONTENT", "MALFORMED_AVRO", "MALFORMED_AVRO");
        assertThat(dead).extracting(TestRecord::value).containsExactly(notAUuid, deep, longNumber, negativeLength,
                hugeLength);
        assertThat(header(dead.get(1), DeadLetterHeaders.MESSAGE)).contains("nesting depth");
        assertThat(router.counters.count(Outcome.DEAD_LETTERED)).isEqualTo(5);
    }

    @Test
    void aConfigWhoseTenantDiffersFromTheKeyIsDeadLetteredWithItsSecretMasked() {
        configureAcme();
        WebhookConfig foreign = SampleRecords.config("intruder", "https://example.com/x", List.of(EventType.TASK_CREATED));
        byte[] original = router.encode(foreign);
        router.configs.pipeInput("acme", original);
        router.configs.pipeInput(null, original); // no key at all
        DomainEvent event = good(1);

        assertThat(router.outbound.readValuesToList()).extracting(OutboundWebhook::getEventId)
                .containsExactly(event.getEventId());
        List<TestRecord<byte[], byte[]>> dead = router.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(r -> {
            assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("INVALID_CONTENT");
            assertThat(header(r, DeadLetterHeaders.VALUE)).isEqualTo(ConfigDeadLetters.SECRET_MASKED);
            assertThat(holds(r.value(), foreign.getSecret())).as("secret in the dead letter").isFalse();
            assertThat(holds(r.value(), "intruder")).isTrue(); // the rest of the config is still there to read
            r.headers().forEach(h -> assertThat(holds(h.value(), foreign.getSecret())).isFalse());
        });
    }

    @Test
    void aConfigThatCannotBeDecodedIsDeadLetteredWithoutItsBytes() {
        configureAcme();
        WebhookConfig next = SampleRecords.config("acme", "https://example.com/other", List.of(EventType.CHECK_COMPLETED));
        byte[] encoded = router.encode(next);
        byte[] truncated = Arrays.copyOf(encoded, encoded.length - 4); // still holds the secret
        byte[] negative = encoded.clone();
        negative[5] = 0x01; // tenant_id length -1
        router.configs.pipeInput("acme", truncated);
        router.configs.pipeInput("acme", negative);
        DomainEvent event = good(1); // the previous config (TASK_CREATED) stays in force

        assertThat(router.outbound.readValuesToList()).extracting(OutboundWebhook::getEventId)
                .containsExactly(event.getEventId());
        List<TestRecord<byte[], byte[]>> dead = router.deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("MALFORMED_AVRO",
                "MALFORMED_AVRO");
        assertThat(dead).allSatisfy(r -> {
            assertThat(r.value()).isNull();
            assertThat(header(r, DeadLetterHeaders.VALUE)).startsWith("removed");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme");
            assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(router.topics.tenantConfig().name());
            r.headers().forEach(h -> assertThat(holds(h.value(), next.getSecret())).isFalse());
        });
    }

    @Test
    void aRegistryOutageIsNotDeadLetteredButPropagatesAsAnOutage() {
        configureAcme();
        byte[] unseenSchema = framed(router.eventSchemaId() + 100, new byte[] {2});
        router.fake.answerEverythingWith(503);
        assertThatThrownBy(() -> router.events.pipeInput("acme", unseenSchema))
                .satisfies(e -> assertThat(RecordFailure.isOutage(e)).as("%s", e).isTrue());
        assertThat(router.deadLetters.isEmpty()).isTrue();
        assertThat(router.counters.count(Outcome.DEAD_LETTERED)).isZero();
    }
}
