package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Sends a tenant's webhooks in the background: one batch, or a run of single webhooks one after another. */
@FunctionalInterface
public interface RequestRunner {

    /**
     * What came of it.
     *
     * @param delivered how many of the webhooks, from the first, were answered with success
     * @param last      the last attempt made: a success (all delivered, or the run stopped early
     *                  because {@code goOn} said so) or the failure of webhook {@code delivered}
     *                  (batched: of the whole batch)
     */
    record Outcome(int delivered, Attempt last) {}

    /**
     * Batched: one request with all {@code webhooks}. Unbatched: one request per webhook, in order,
     * each only after the previous one succeeded, stopping at the first failure or when
     * {@code goOn} turns false (checked before each request after the first: the tenant's config
     * changed).
     *
     * @param config the tenant's config when the request was decided (endpoint, secret)
     * @param onDone called exactly once, on any thread — also when sending threw
     */
    void run(WebhookConfig config, boolean batching, List<QueuedWebhook> webhooks, BooleanSupplier goOn,
             Consumer<Outcome> onDone);
}
