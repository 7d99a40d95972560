package dev.webhookpipeline.dispatcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.engine.Decoded;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.OutageProxy;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatcher's decoder on the real registry: it never blocks the poll thread on the registry
 * (an unknown schema id is fetched in the background), waits out an outage as "not yet", and tells
 * bad input apart with a reason.
 */
@ExtendWith(RealServicesExtension.class)
class RegistryOutboundDecoderIT {

    static final Duration WAIT = Duration.ofSeconds(30);

    static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("outbound", 0, 7, key, value);
    }

    static Decoded decodeWithin(Duration bound, Supplier<Decoded> decode) {
        long start = System.nanoTime();
        Decoded decoded = decode.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("decode must not wait on the registry")
                .isLessThan(bound);
        return decoded;
    }

    @Test
    void anUnseenSchemaIdIsFetchedInTheBackgroundAndAnOutageIsWaitedOutWithoutBlocking(TestServices services) {
        SchemaRegistryClient direct = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        OutboundWebhook webhook = SampleRecords.outbound("acme", 3, EventType.values()[0]);
        byte[] bytes = new AvroSerializer<OutboundWebhook>(direct, true).serialize("decoder-it-outbound", webhook);

        try (OutageProxy proxy = OutageProxy.inFrontOf(services.schemaRegistryUrl())) {
            SchemaRegistryClient viaProxy = SchemaRegistryClient.builder(proxy.url()).build();
            try (RegistryOutboundDecoder decoder = new RegistryOutboundDecoder(viaProxy)) {
                proxy.down(OutageProxy.Outage.RESET);
                for (int i = 0; i < 20; i++) { // the registry client retries for ~0.6 s per look-up: never here
                    assertThat(decodeWithin(Duration.ofMillis(100), () -> decoder.decode(record("acme", bytes))))
                            .isInstanceOf(Decoded.Unavailable.class);
                }
                proxy.up();
                Await.until("the schema is fetched once the registry is back", WAIT,
                        () -> decoder.decode(record("acme", bytes)) instanceof Decoded.Webhook);
                Decoded decoded = decodeWithin(Duration.ofMillis(100), () -> decoder.decode(record("acme", bytes)));
                assertThat(((Decoded.Webhook) decoded).value()).isEqualTo(webhook);
            }
        }
    }

    @Test
    void badInputIsBadWithAReasonAndAKeyThatIsNotTheTenantIsRefused(TestServices services) {
        SchemaRegistryClient registry = SchemaRegistryClient.builder(services.schemaRegistryUrl()).build();
        byte[] good = new AvroSerializer<OutboundWebhook>(registry, true)
                .serialize("decoder-it-outbound", SampleRecords.outbound("acme", 1, EventType.values()[0]));
        try (RegistryOutboundDecoder decoder = new RegistryOutboundDecoder(registry)) {
            Await.until("known schema", WAIT, () -> !(decoder.decode(record("acme", good)) instanceof Decoded.Unavailable));

            assertThat(decoder.decode(record("acme", new byte[] {1, 2}))).isEqualTo(new Decoded.Bad("TOO_SHORT",
                    ((Decoded.Bad) decoder.decode(record("acme", new byte[] {1, 2}))).message()));
            assertThat(((Decoded.Bad) decoder.decode(record("acme", new byte[] {7, 0, 0, 0, 1, 2}))).reason())
                    .isEqualTo("BAD_MAGIC_BYTE");
            assertThat(((Decoded.Bad) decoder.decode(record("globex", good))).reason()).isEqualTo("INVALID_CONTENT");
            assertThat(((Decoded.Bad) decoder.decode(record(null, good))).reason()).isEqualTo("INVALID_CONTENT");

            byte[] truncated = Arrays.copyOf(good, good.length - 3);
            assertThat(((Decoded.Bad) decoder.decode(record("acme", truncated))).reason()).isEqualTo("MALFORMED_AVRO");
            byte[] negativeLength = good.clone(); // tenant_id's length, zig-zag encoded: -1
            negativeLength[5] = 1;
            assertThat(decoder.decode(record("acme", negativeLength))).isInstanceOf(Decoded.Bad.class);

            byte[] unknownId = ByteBuffer.allocate(good.length).put(good).put(1, (byte) 0x7f).array();
            Await.until("an unknown schema id is bad input once the registry said so", WAIT,
                    () -> decoder.decode(record("acme", unknownId)) instanceof Decoded.Bad bad
                            && bad.reason().equals("UNKNOWN_SCHEMA_ID"));
        }
    }
}
