package dev.webhookpipeline.dispatcher.delivery;

import java.time.Instant;

/**
 * The outcome of one HTTP attempt: success, or why not. {@code error} is a short, sanitized
 * description (status and a bounded excerpt of the body, or the error class): never the secret.
 *
 * @param status the HTTP status, or -1 when there was no response (timeout, refused, reset)
 */
public record Attempt(boolean delivered, int status, String error, Instant at, long durationMillis) {

    public static Attempt delivered(int status, Instant at, long durationMillis) {
        return new Attempt(true, status, null, at, durationMillis);
    }

    public static Attempt failed(int status, String error, Instant at, long durationMillis) {
        return new Attempt(false, status, error, at, durationMillis);
    }
}
