package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.schema.OutboundWebhook;

/** What an outbound record turned out to be. */
public sealed interface Decoded {

    /** A webhook to deliver. */
    record Webhook(OutboundWebhook value) implements Decoded {}

    /** Bad input: goes to the dead-letter topic with {@code reason} (a stable code) and a message. */
    record Bad(String reason, String message) implements Decoded {}

    /** Cannot be decoded yet (schema registry unreachable, or the writer's schema still being fetched): read again later. */
    record Unavailable(String message) implements Decoded {}
}
