package dev.webhookpipeline.dispatcher.engine;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns an outbound record into a webhook, bad input or "not yet". Called on the poll thread, so it
 * must not block: a schema it has not seen is fetched in the background ({@link Decoded.Unavailable}
 * meanwhile). Any exception it throws is treated as bad input.
 */
@FunctionalInterface
public interface OutboundDecoder {
    Decoded decode(ConsumerRecord<String, byte[]> record);
}
