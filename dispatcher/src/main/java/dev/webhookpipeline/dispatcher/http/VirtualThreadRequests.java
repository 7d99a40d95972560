package dev.webhookpipeline.dispatcher.http;

import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.dispatcher.engine.RequestRunner;
import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.signing.SecretRotation;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each request on a virtual thread of its own: builds the body (the secret inserted into the
 * bodies the router built), sends it with the {@link WebhookSender}, and always reports an outcome —
 * also when building or sending throws — so a tenant is never left waiting for a completion.
 */
public final class VirtualThreadRequests implements RequestRunner, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VirtualThreadRequests.class);

    private final WebhookSender sender;
    private final Clock clock;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public VirtualThreadRequests(WebhookSender sender, Clock clock) {
        this.sender = sender;
        this.clock = clock;
    }

    @Override
    public void run(WebhookConfig config, boolean batching, List<QueuedWebhook> webhooks, BooleanSupplier goOn,
                    Consumer<Outcome> onDone) {
        threads.execute(() -> {
            int delivered = 0;
            Attempt attempt = null;
            try {
                if (batching) {
                    attempt = sender.send(request(config, true, webhooks, clock.instant()));
                    delivered = attempt.delivered() ? webhooks.size() : 0;
                } else {
                    for (QueuedWebhook webhook : webhooks) {
                        if (delivered > 0 && !goOn.getAsBoolean()) {
                            break; // the config changed: the rest go with the new one, decided by the loop
                        }
                        attempt = sender.send(request(config, false, List.of(webhook), clock.instant()));
                        if (!attempt.delivered()) {
                            break;
                        }
                        delivered++;
                    }
                }
            } catch (Throwable e) { // whatever happens, the tenant gets a completion
                log.error("tenant {}: could not send webhooks {}-{}", config.getTenantId(), webhooks.get(0).webhookId(),
                        webhooks.get(webhooks.size() - 1).webhookId(), e);
                attempt = Attempt.failed(-1, "could not send: " + e.getClass().getSimpleName(), clock.instant(), 0);
            }
            onDone.accept(new Outcome(delivered, attempt));
        });
    }

    static WebhookRequest request(WebhookConfig tenant, boolean batching, List<QueuedWebhook> webhooks, Instant now) {
        String secret = tenant.getSecret();
        String body;
        if (batching) {
            WebhookPayload.SecretInserter inserter = WebhookPayload.inserting(secret);
            StringBuilder out = new StringBuilder(webhooks.size() * (webhooks.get(0).body().length() + 64)).append('[');
            for (QueuedWebhook webhook : webhooks) {
                out.append(out.length() > 1 ? "," : "").append(inserter.into(webhook.body()));
            }
            body = out.append(']').toString();
        } else {
            body = WebhookPayload.withSecret(webhooks.get(0).body(), secret);
        }
        return new WebhookRequest(tenant.getTenantId(), tenant.getEndpoint(), secret, tenant.getSecretHeader(), batching,
                webhooks.get(0).webhookId(), webhooks.get(webhooks.size() - 1).webhookId(), body,
                SecretRotation.signingSecrets(tenant, now), webhooks.get(0).redelivery());
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
