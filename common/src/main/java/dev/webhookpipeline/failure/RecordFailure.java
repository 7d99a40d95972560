package dev.webhookpipeline.failure;

import dev.webhookpipeline.registry.SchemaRegistryException;
import dev.webhookpipeline.serde.AvroDecodeException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The one rule every reader of pipeline records applies to an exception raised while it decodes,
 * validates or processes a record:
 *
 * <ul>
 *   <li>{@link Outage}: a <em>dependency</em> failed — the schema registry unreachable, timing out,
 *   answering 5xx/408/429 or refusing our credentials; a broker timeout or any other retriable Kafka
 *   error; a network failure; an interrupt (we are shutting down). The record is fine: wait, and read
 *   it again. Never dead-letter it.
 *   <li>{@link BadInput}: everything else — above all a problem with the record's content
 *   ({@link AvroDecodeException} with its reason, an {@link IllegalArgumentException} from a rule), but
 *   also anything nobody classified (a {@code NullPointerException} on data nobody foresaw). The record
 *   goes to the dead-letter topic with {@link #reason()} and {@link #message()} as
 *   {@code dlq.reason}/{@code dlq.message}, and the reader goes on with the next one. An unclassified
 *   exception is never a reason to stop a process or to retry the same record forever.
 * </ul>
 *
 * <p>The cause chain is walked from the outside in; the first exception that is either a content
 * error or a dependency failure decides (a Kafka Streams {@code StreamsException} around a registry
 * outage is an outage; an {@code AvroDecodeException} around the registry's 404 is bad input).
 *
 * <pre>{@code
 * switch (RecordFailure.classify(e)) {
 *     case RecordFailure.Outage outage -> throw e;              // wait it out, read the record again
 *     case RecordFailure.BadInput bad -> deadLetter(record, bad.reason(), bad.message());
 * }
 * }</pre>
 */
public sealed interface RecordFailure {

    /** {@code dlq.reason} of an exception nobody classified: the record made the reader fail unexpectedly. */
    String PROCESSING_ERROR = "PROCESSING_ERROR";

    /** The exception that was classified. */
    Throwable error();

    /** {@code dlq.reason}: an {@link AvroDecodeException.Reason} name, or {@link #PROCESSING_ERROR}. */
    String reason();

    /** {@code dlq.message}: what was wrong, for a person (never the record's secret). */
    String message();

    /** The record's content cannot be processed: dead-letter it with the reason and go on. */
    record BadInput(Throwable error, String reason, String message) implements RecordFailure {}

    /** A dependency failed: the record is not at fault; wait and read it again. Never dead-lettered. */
    record Outage(Throwable error, String reason, String message) implements RecordFailure {}

    static RecordFailure classify(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof AvroDecodeException decode) {
                return new BadInput(error, decode.reason().name(), decode.getMessage());
            }
            if (t instanceof SchemaRegistryException registry) {
                if (isRegistryOutage(registry.status())) {
                    return new Outage(error, "REGISTRY_UNAVAILABLE", registry.getMessage());
                }
                return new BadInput(error, PROCESSING_ERROR, describe(error));
            }
            if (isDependencyFailure(t)) {
                return new Outage(error, "DEPENDENCY_UNAVAILABLE", describe(t));
            }
        }
        if (error instanceof IllegalArgumentException) {
            return new BadInput(error, AvroDecodeException.Reason.INVALID_CONTENT.name(), describe(error));
        }
        return new BadInput(error, PROCESSING_ERROR, describe(error));
    }

    /** {@link #classify} says {@link Outage}. */
    static boolean isOutage(Throwable error) {
        return classify(error) instanceof Outage;
    }

    /**
     * The registry could not be used, for reasons that are not the record's: no answer (-1), 5xx,
     * 408 (timeout), 429 (rate limit), 401/403/407 (our credentials).
     */
    static boolean isRegistryOutage(int status) {
        return status == -1 || status >= 500 || status == 401 || status == 403 || status == 407 || status == 408
                || status == 429;
    }

    private static boolean isDependencyFailure(Throwable t) {
        return t instanceof RetriableException // Kafka: timeouts, disconnects, leader changes, ...
                || t instanceof AuthenticationException || t instanceof AuthorizationException
                || t instanceof InterruptException || t instanceof InterruptedException
                || t instanceof InterruptedIOException // includes SocketTimeoutException
                || t instanceof ClosedByInterruptException
                || t instanceof SocketException // includes ConnectException
                || t instanceof UnknownHostException
                || t instanceof HttpTimeoutException
                || t instanceof SSLException
                || t instanceof TimeoutException;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        if (error instanceof IllegalArgumentException && message != null) {
            return message;
        }
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
