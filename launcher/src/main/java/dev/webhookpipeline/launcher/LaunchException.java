package dev.webhookpipeline.launcher;

/** The local pipeline cannot start; the message says why and what to do. */
final class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LaunchException(String message) {
        super(message);
    }
}
