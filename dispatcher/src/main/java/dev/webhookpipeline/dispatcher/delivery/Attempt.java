package dev.webhookpipeline.dispatcher.delivery;

import java.time.Instant;

/**
 * The outcome of one HTTP attempt: success, or why not. {@code error} is a short, sanitized
 * description (status and a bounded excerpt of the body, or the error class): never the secret.
 *
 * @param status the HTTP status, or -1 when there was no response (timeout, refused, reset)
 */
public record Attempt(boolean delivered, int status, String error, Instant at, long durationMillis,
                      long firstWebhookId, long lastWebhookId, int attemptNumber) {

    /** The same outcome, labelled with the webhooks it was for and which attempt it was. */
    public Attempt of(long firstId, long lastId, int attempt) {
        return new Attempt(delivered, status, error, at, durationMillis, firstId, lastId, attempt);
    }

    public static Attempt delivered(int status, Instant at, long durationMillis) {
        return new Attempt(true, status, null, at, durationMillis, 0, 0, 0);
    }

    public static Attempt failed(int status, String error, Instant at, long durationMillis) {
        return new Attempt(false, status, error, at, durationMillis, 0, 0, 0);
    }
}
