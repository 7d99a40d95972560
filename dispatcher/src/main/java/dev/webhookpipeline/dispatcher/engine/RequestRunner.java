package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import java.util.List;
import java.util.function.Consumer;

/** Sends one request of a tenant's webhooks in the background. */
@FunctionalInterface
public interface RequestRunner {
    /**
     * @param config   the tenant's config when the request was decided (endpoint, secret)
     * @param onDone   called exactly once, on any thread, with the outcome — also when sending failed
     */
    void run(WebhookConfig config, boolean batching, List<QueuedWebhook> webhooks, Consumer<Attempt> onDone);
}
