package dev.webhookpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.dispatcher.DispatcherService;
import dev.webhookpipeline.dispatcher.http.WebhookSender;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver;
import dev.webhookpipeline.testsupport.TestServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code webhookctl redeliver} on the real pipeline: a tenant that received webhooks 1-5 asks for
 * 2-4 again while new events keep coming. It gets them again in order, with their ids and bodies,
 * marked (header and body field), in requests of their own, after what was already on its way and
 * before what came later; its delivered id never goes back; the request is on the operator log and
 * on the status API; bad ranges are refused with a clear line.
 */
@ExtendWith(RealServicesExtension.class)
class RedeliverIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String TOKEN = "operator-token-for-redeliver-it";

    @Test
    void aTenantGetsTheAskedWebhooksAgainInOrderMarkedAndNothingNewIsSkipped(TestServices services) throws Exception {
        try (E2ePipeline p = new E2ePipeline(services, "redeliver", 21L)) {
            RecordingReceiver receiver = p.receiver;
            p.configure("acme", true, Set.copyOf(E2ePipeline.TYPES));
            p.startRouter();
            var metrics = DispatcherService.metricsRegistry();
            try (DispatcherService dispatcher = new DispatcherService(p.dispatcherConfig().meterRegistry(metrics).build(),
                    Optional.of(new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN))), metrics)
                    .start(Optional.of(new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN))))) {
                produce(p, 5);
                Await.until("webhooks 1-5 delivered", WAIT, () -> receiver.acceptedIds("acme").size() == 5);
                Await.until("the delivery state records #5", WAIT, () -> p.deliveryState("acme")
                        .map(DeliveryProgress::getLastDeliveredWebhookId).orElse(0L) == 5);
                List<String> originals = bodies(receiver, 0, 5);

                E2ePipeline.CliResult asked = p.webhookctl("redeliver", "--tenant", "acme", "--from-id", "2",
                        "--to-id", "4", "--requested-by", "analyst-ann");
                assertThat(asked.exit()).as(asked.err()).isZero();
                JsonNode result = new ObjectMapper().readTree(asked.out());
                String requestId = result.get("request_id").asText();
                assertThat(result.get("count").asLong()).isEqualTo(3);
                assertThat(result.get("first_id").asLong()).isEqualTo(2);
                produce(p, 2); // new webhooks 6 and 7, routed after the request

                Await.until("2-4 again, then 6 and 7", WAIT, () -> receiver.acceptedIds("acme").size() == 10);
                List<RecordingReceiver.Received> requests = receiver.received("acme");
                List<Long> order = requests.stream().flatMap(r -> r.ids().stream()).toList();
                assertThat(order).containsExactly(1L, 2L, 3L, 4L, 5L, 2L, 3L, 4L, 6L, 7L);
                for (RecordingReceiver.Received request : requests) {
                    boolean again = request.webhooks().stream().anyMatch(w -> w.has("redelivery"));
                    assertThat(request.webhooks()).as("a request is all re-deliveries or none")
                            .allMatch(w -> w.has("redelivery") == again);
                    assertThat(request.header(WebhookSender.REDELIVERY_HEADER)).isEqualTo(again ? requestId : null);
                }
                List<JsonNode> redelivered = requests.stream().flatMap(r -> r.webhooks().stream())
                        .filter(w -> w.has("redelivery")).toList();
                assertThat(redelivered).allMatch(w -> w.get("redelivery").get("request_id").asText().equals(requestId));
                for (int i = 0; i < 3; i++) { // the original body, field for field, plus the marker (and the secret)
                    JsonNode again = redelivered.get(i).deepCopy();
                    ((ObjectNode) again).remove("redelivery");
                    assertThat(again.toString()).isEqualTo(originals.get(i + 1));
                }
                Await.until("the delivery state records #7", WAIT, () -> p.deliveryState("acme")
                        .map(DeliveryProgress::getLastDeliveredWebhookId).orElse(0L) == 7);

                // On record: the operator log (read back through webhookctl) and the status API.
                E2ePipeline.CliResult log = p.webhookctl("read", "operator-log", "--tenant", "acme");
                assertThat(log.exit()).as(log.err()).isZero();
                assertThat(log.out()).contains("REDELIVER").contains(requestId).contains("analyst-ann").contains("ids 2-4");
                Await.until("the status API shows the request", WAIT,
                        () -> redeliveriesApi(dispatcher.adminPort(), "acme").contains(requestId));
                assertThat(redeliveriesApi(dispatcher.adminPort(), "acme")).contains("analyst-ann").contains("ids 2-4");

                // Refused with one clear line: nothing delivered that far, and a range that is not one.
                E2ePipeline.CliResult tooFar = p.webhookctl("redeliver", "--tenant", "acme", "--from-id", "50");
                assertThat(tooFar.exit()).isEqualTo(1);
                assertThat(tooFar.err()).contains("delivered up to #7").contains("nothing from #50");
                E2ePipeline.CliResult unknown = p.webhookctl("redeliver", "--tenant", "nobody", "--since", "1h");
                assertThat(unknown.exit()).isEqualTo(1);
                assertThat(unknown.err()).contains("has not been delivered any webhook yet");
                E2ePipeline.CliResult both = p.webhookctl("redeliver", "--tenant", "acme", "--from-id", "1", "--since", "1h");
                assertThat(both.exit()).isEqualTo(2);
                assertThat(both.err()).contains("either --from-id").contains("or --since");
                E2ePipeline.CliResult badTime = p.webhookctl("redeliver", "--tenant", "acme", "--since", "yesterday-ish");
                assertThat(badTime.exit()).isEqualTo(2);
                assertThat(badTime.err()).contains("--since 'yesterday-ish' is not");
                assertThat(receiver.acceptedIds("acme")).as("the refused requests wrote nothing").hasSize(10);
            }
        }
    }

    private static String redeliveriesApi(int port, String tenant) {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/api/redeliveries?tenant=" + tenant))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            return answer.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void produce(E2ePipeline p, int count) {
        for (int i = 0; i < count; i++) {
            p.produce("acme", EventType.TASK_CREATED);
        }
        p.flush();
    }

    /** The bodies of webhooks {@code from..to-1} in arrival order, as JSON text. */
    private static List<String> bodies(RecordingReceiver receiver, int from, int to) {
        return receiver.received("acme").stream().flatMap(r -> r.webhooks().stream()).map(JsonNode::toString)
                .toList().subList(from, to);
    }
}
