package dev.webhookpipeline.failure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.webhookpipeline.failure.RecordFailure.BadInput;
import dev.webhookpipeline.failure.RecordFailure.Outage;
import dev.webhookpipeline.registry.SchemaRegistryException;
import dev.webhookpipeline.serde.AvroDecodeException;
import dev.webhookpipeline.serde.AvroDecodeException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** Each exception a reader meets, and what the one rule makes of it. */
class RecordFailureTest {

    static SerializationException registryDown(int status) {
        return new SerializationException("cannot decode a DomainEvent",
                new SchemaRegistryException("could not fetch schema id 7", status, -1,
                        status == -1 ? new ConnectException("Connection refused") : null));
    }

    static void assertBadInput(Throwable error, String reason) {
        RecordFailure failure = RecordFailure.classify(error);
        assertThat(failure).as("%s", error).isInstanceOf(BadInput.class);
        assertThat(failure.reason()).isEqualTo(reason);
        assertThat(failure.message()).isNotBlank();
        assertThat(failure.error()).isSameAs(error);
        assertThat(RecordFailure.isOutage(error)).isFalse();
    }

    static void assertOutage(Throwable error) {
        assertThat(RecordFailure.classify(error)).as("%s", error).isInstanceOf(Outage.class);
        assertThat(RecordFailure.isOutage(error)).isTrue();
    }

    @Test
    void everyDecodeReasonIsBadInputWithThatReason() {
        for (Reason reason : Reason.values()) {
            assertBadInput(new AvroDecodeException(reason, "what was wrong", null), reason.name());
            // also when Kafka (Streams) wraps it, and when it wraps the registry's 404
            assertBadInput(new KafkaException(new AvroDecodeException(reason, "what was wrong",
                    new SchemaRegistryException("not found", 404, 40403, null))), reason.name());
        }
    }

    @Test
    void theDecodersOwnExceptionsAreBadInputEvenUnwrapped() {
        // What AvroDeserializer turns into MALFORMED_AVRO, in case another reader meets them raw.
        assertBadInput(new AvroRuntimeException("Malformed data. Length is negative: -1"), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new UnsupportedOperationException("Cannot read strings longer than 2147483639 bytes"),
                RecordFailure.PROCESSING_ERROR);
        assertBadInput(new AvroTypeException("Found string, expecting long"), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new SchemaParseException("not a schema"), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new ArrayIndexOutOfBoundsException(999), RecordFailure.PROCESSING_ERROR);
        // EOFException is an IOException, but it is the record that ended early, not the network.
        assertBadInput(new EOFException(), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new IOException("corrupt"), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new StreamConstraintsException("Document nesting depth (1001) exceeds the maximum allowed (1000)"),
                RecordFailure.PROCESSING_ERROR);
    }

    @Test
    void aRuleViolationIsInvalidContent() {
        assertBadInput(new IllegalArgumentException("Invalid UUID string: not-a-uuid"), Reason.INVALID_CONTENT.name());
        assertThat(RecordFailure.classify(new IllegalArgumentException("Invalid UUID string: x")).message())
                .isEqualTo("Invalid UUID string: x");
    }

    @Test
    void anythingUnclassifiedIsBadInputNeverAnOutage() {
        assertBadInput(new NullPointerException(), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new KafkaException(new NullPointerException("a bug")), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new IllegalStateException("surprise"), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new ArithmeticException("long overflow"), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new StackOverflowError(), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new SerializationException("encoding bug"), RecordFailure.PROCESSING_ERROR);
        assertBadInput(new RecordTooLargeException("too large"), RecordFailure.PROCESSING_ERROR);
        assertThat(RecordFailure.classify(new NullPointerException()).message()).isEqualTo("NullPointerException");
    }

    @Test
    void aRegistryThatCannotBeUsedIsAnOutage() {
        assertOutage(registryDown(-1));
        assertOutage(registryDown(500));
        assertOutage(registryDown(503));
        assertOutage(registryDown(408));
        assertOutage(registryDown(429));
        assertOutage(registryDown(401));
        assertOutage(registryDown(403));
        assertOutage(new KafkaException(registryDown(502)));
        assertOutage(new SchemaRegistryException("unreachable", -1, -1, null));
    }

    @Test
    void aRegistryThatAnswersNoIsNotAnOutage() {
        assertBadInput(new KafkaException(new SerializationException("cannot serialize",
                new SchemaRegistryException("incompatible", 409, 409, null))), RecordFailure.PROCESSING_ERROR);
        assertBadInput(registryDown(404), RecordFailure.PROCESSING_ERROR);
        assertBadInput(registryDown(422), RecordFailure.PROCESSING_ERROR);
    }

    @Test
    void aBrokerOrNetworkFailureIsAnOutage() {
        assertOutage(new TimeoutException("Expiring 3 record(s)"));
        assertOutage(new KafkaException(new TimeoutException("broker")));
        assertOutage(new NetworkException("disconnected"));
        assertOutage(new TopicAuthorizationException("no ACL for the dead-letter topic"));
        assertOutage(new ConnectException("Connection refused"));
        assertOutage(new SocketTimeoutException("Read timed out"));
        assertOutage(new HttpTimeoutException("request timed out"));
        assertOutage(new java.util.concurrent.TimeoutException());
        assertOutage(new InterruptedException());
        assertOutage(new InterruptException("shutting down"));
    }

    @Test
    void aCauseCycleEnds() {
        Exception a = new RuntimeException("a");
        Exception b = new RuntimeException("b", a);
        a.initCause(b);
        assertBadInput(b, RecordFailure.PROCESSING_ERROR);
    }
}
