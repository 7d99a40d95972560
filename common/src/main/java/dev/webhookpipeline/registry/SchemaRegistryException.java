package dev.webhookpipeline.registry;

/**
 * A schema registry call failed. {@link #status()} and {@link #errorCode()} are the HTTP status and
 * the Confluent error code (e.g. 409 / 409 for an incompatible schema, 404 / 40403 for an unknown
 * id); both are -1 when the registry could not be reached at all.
 */
public class SchemaRegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The registry answered that the schema breaks the subject's compatibility rule. */
    public boolean isIncompatible() {
        return status == 409;
    }

    /** The registry does not know the subject, version or schema id asked for. */
    public boolean isNotFound() {
        return status == 404;
    }

    /** No answer (connection refused, timeout) or a 5xx: worth retrying later, not a data problem. */
    public boolean isUnavailable() {
        return status == -1 || status >= 500;
    }
}
