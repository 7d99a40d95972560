package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.StandardWebhooksVerifier.Verdict;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.signing.SigningSecret;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Received;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests the dispatcher really sent, captured by a loopback receiver and verified with the
 * official Standard Webhooks library for JavaScript, as a tenant's receiver would verify them.
 */
@ExtendWith(RealServicesExtension.class)
class StandardWebhooksIT {

    /** The official libraries' tolerance for the webhook-timestamp: 5 minutes either way. */
    static final long TOLERANCE_SECONDS = 5 * 60;
    static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void libraryInstalled() {
        StandardWebhooksVerifier.requireInstalled(); // before any pipeline is started for nothing
    }

    static WebhookConfig config(DispatcherTestHelper t, String tenant, String secret) {
        return WebhookConfig.newBuilder(SampleRecords.config(tenant, t.receiver.url(tenant), List.of(EventType.values())))
                .setBatching(true).setSecret(secret).build();
    }

    @Test
    void aWhsecSignedBatchVerifiesAndATamperedOrStaleOneDoesNot(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "swh-whsec")) {
            String secret = SigningSecret.generate();
            t.put(config(t, "swh", secret));
            t.start();
            t.produce("swh", 3);
            await("the batch", WAIT, () -> t.firstReceipts("swh").size() == 3);
            Received request = t.receiver.received("swh").get(0);

            List<Long> ids = request.ids();
            assertThat(request.header("webhook-id")).isEqualTo(ids.get(0) + "-" + ids.get(ids.size() - 1));
            long sent = Long.parseLong(request.header("webhook-timestamp"));
            assertThat(sent).isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
            assertThat(request.header("webhook-signature")).matches("v1,[A-Za-z0-9+/]{43}=");

            assertThat(StandardWebhooksVerifier.verify(secret, request)).isEqualTo(new Verdict(true, null));
            assertThat(StandardWebhooksVerifier.verify(secret, request, request.body().replace("TASK_CREATED", "TASK_CREATEd"), 0))
                    .isEqualTo(new Verdict(false, "No matching signature found"));
            assertThat(StandardWebhooksVerifier.verify(SigningSecret.generate(), request))
                    .isEqualTo(new Verdict(false, "No matching signature found"));
            // Within the tolerance a late check passes; past it (a replay) the library refuses it.
            assertThat(StandardWebhooksVerifier.verify(secret, request, request.body(), TOLERANCE_SECONDS - 60).verified()).isTrue();
            assertThat(StandardWebhooksVerifier.verify(secret, request, request.body(), TOLERANCE_SECONDS + 60))
                    .isEqualTo(new Verdict(false, "Message timestamp too old"));
        }
    }

    @Test
    void aLegacySecretVerifiesAsARawKey(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "swh-legacy")) {
            String legacy = "legacy-secret-of-a-tenant-0123456789";
            t.put(config(t, "legacy", legacy));
            t.start();
            t.produce("legacy", 2);
            await("the batch", WAIT, () -> t.receiver.received("legacy").size() == 1);
            assertThat(StandardWebhooksVerifier.verify(legacy, t.receiver.received("legacy").get(0)).verified()).isTrue();
        }
    }

    @Test
    void duringARotationEitherSecretVerifiesAndAfterItOnlyTheNewOne(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "swh-rotation")) {
            String old = SigningSecret.generate();
            String current = SigningSecret.generate();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            // Two tenants in the two states of one rotation: its overlap under way, and over.
            t.put(WebhookConfig.newBuilder(config(t, "overlap", current)).setPreviousSecret(old)
                    .setRotationEndsAt(now.plus(Duration.ofHours(1))).build());
            t.put(WebhookConfig.newBuilder(config(t, "ended", current)).setPreviousSecret(old)
                    .setRotationEndsAt(now.minusSeconds(1)).build());
            t.start();
            t.produce("overlap", 1);
            t.produce("ended", 1);
            await("both requests", WAIT, () -> t.receiver.received("overlap").size() == 1
                    && t.receiver.received("ended").size() == 1);

            Received inOverlap = t.receiver.received("overlap").get(0);
            assertThat(inOverlap.header("webhook-signature").split(" ")).hasSize(2);
            assertThat(StandardWebhooksVerifier.verify(current, inOverlap).verified()).isTrue();
            assertThat(StandardWebhooksVerifier.verify(old, inOverlap).verified()).isTrue();
            assertThat(inOverlap.header("Authorization")).isEqualTo("Bearer " + current);
            assertThat(inOverlap.webhooks().get(0).get("secret").asText()).isEqualTo(current);

            Received afterOverlap = t.receiver.received("ended").get(0);
            assertThat(afterOverlap.header("webhook-signature").split(" ")).hasSize(1);
            assertThat(StandardWebhooksVerifier.verify(current, afterOverlap).verified()).isTrue();
            assertThat(StandardWebhooksVerifier.verify(old, afterOverlap))
                    .isEqualTo(new Verdict(false, "No matching signature found"));
        }
    }

    @Test
    void aBatchResentAfterAFailureKeepsItsWebhookIdAndVerifiesWithAFreshTimestamp(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "swh-retry")) {
            String secret = SigningSecret.generate();
            t.receiver.behave("retry", n -> n == 1 ? Reply.status(500) : Reply.ok());
            t.put(config(t, "retry", secret));
            Dispatcher dispatcher = t.start();
            t.produce("retry", 3);
            await("the failed attempt", WAIT, () -> dispatcher.status("retry").map(s -> s.failedAttempts() == 1).orElse(false));
            dispatcher.retryNow("retry");
            await("the retry", WAIT, () -> t.receiver.received("retry").size() == 2);

            Received first = t.receiver.received("retry").get(0);
            Received retried = t.receiver.received("retry").get(1);
            assertThat(retried.body()).isEqualTo(first.body());
            assertThat(retried.header("webhook-id")).isEqualTo(first.header("webhook-id")).isEqualTo("1-3");
            assertThat(Long.parseLong(retried.header("webhook-timestamp")))
                    .isGreaterThanOrEqualTo(Long.parseLong(first.header("webhook-timestamp")));
            assertThat(StandardWebhooksVerifier.verify(secret, retried).verified()).isTrue();
        }
    }
}
