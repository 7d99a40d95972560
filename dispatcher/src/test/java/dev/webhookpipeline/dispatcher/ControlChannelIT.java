package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.schema.TenantCommand;
import dev.webhookpipeline.schema.TenantCommandType;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.serde.WireFormat;
import dev.webhookpipeline.testsupport.ManualClock;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Operators' commands on the real pipeline: a record on the control topic that is not a command
 * (garbage, or bytes that break the Avro decoder) is skipped, and Retry still reaches the owner.
 */
@ExtendWith(RealServicesExtension.class)
class ControlChannelIT {

    static final String TOKEN = TestSecrets.remember("operator token", "operator-token-0123456789");

    @Test
    void retryStillWorksAfterRecordsThatAreNotCommands(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "control");
             var raw = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     services.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            // The clock stands still: the 30 s backoff never ends by itself, only Retry sends again.
            ManualClock clock = new ManualClock(Instant.parse("2026-11-25T00:00:00Z"));
            t.receiver.answer("stalled", Reply.status(500));
            t.configure("stalled", false, true);
            var metrics = DispatcherService.metricsRegistry();
            var admin = Optional.of(new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN)));
            try (DispatcherService service = new DispatcherService(t.config().clock(clock).meterRegistry(metrics).build(),
                    admin, metrics).start(admin)) {
                t.produce("stalled", 2);
                await("the first, failed attempt", Duration.ofSeconds(30), () -> t.receiver.received("stalled").size() == 1);

                String control = t.topics.control().name();
                byte[] command = new AvroSerializer<TenantCommand>(t.registry, true).serialize(control,
                        new TenantCommand("stalled", TenantCommandType.REFRESH, clock.instant()));
                int schemaId = WireFormat.schemaId(command); // the real TenantCommand schema
                raw.send(new ProducerRecord<>(control, "stalled", new byte[] {7, 7, 7})).get();
                raw.send(new ProducerRecord<>(control, "stalled", ByteBuffer.allocate(6).put(WireFormat.MAGIC_BYTE)
                        .putInt(schemaId).put((byte) 0x01).array())).get(); // tenant_id's length -1

                t.receiver.answer("stalled", Reply.ok());
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + service.adminPort() + "/api/tenants/stalled/retry"))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(202);
                await("delivery after Retry", Duration.ofSeconds(20), () -> t.firstReceipts("stalled").size() == 2);
                assertThat(service.isRunning()).isTrue();
            }
        }
    }
}
