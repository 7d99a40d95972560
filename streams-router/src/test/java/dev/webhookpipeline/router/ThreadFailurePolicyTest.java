package dev.webhookpipeline.router;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.webhookpipeline.registry.SchemaRegistryException;
import dev.webhookpipeline.testsupport.ManualClock;
import java.io.EOFException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

    static final Instant START = Instant.parse("2026-11-26T00:00:00Z");

    static Throwable registryDown() {
        return new StreamsException(new SerializationException("cannot decode",
                new SchemaRegistryException("connection refused", -1, 0, null)));
    }

    @Test
    void anOutageIsWaitedOutHoweverLong() {
        ThreadFailurePolicy policy = new ThreadFailurePolicy(new ManualClock(START), 3, Duration.ofMinutes(10));
        for (int i = 0; i < 100; i++) {
            assertThat(policy.onFailure(registryDown())).isEqualTo(REPLACE_THREAD);
            assertThat(policy.onFailure(new StreamsException(new TimeoutException("broker")))).isEqualTo(REPLACE_THREAD);
        }
    }

    @Test
    void aBugStopsTheRouterOnItsThirdFailureWithinTheWindow() {
        ManualClock clock = new ManualClock(START);
        ThreadFailurePolicy policy = new ThreadFailurePolicy(clock, 3, Duration.ofMinutes(10));
        Throwable bug = new StreamsException(new NullPointerException("a bug"));
        assertThat(policy.onFailure(bug)).isEqualTo(REPLACE_THREAD);
        clock.advance(Duration.ofMinutes(6));
        assertThat(policy.onFailure(bug)).isEqualTo(REPLACE_THREAD);
        clock.advance(Duration.ofMinutes(5)); // the first one has left the window
        assertThat(policy.onFailure(bug)).isEqualTo(REPLACE_THREAD);
        clock.advance(Duration.ofMinutes(1));
        assertThat(policy.onFailure(bug)).isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void aRegistryThatAnswersNoIsNotAnOutage() {
        Throwable incompatible = new StreamsException(new SerializationException("cannot serialize",
                new SchemaRegistryException("incompatible", 409, 409, null)));
        assertThat(ThreadFailurePolicy.isOutage(incompatible)).isFalse();
        assertThat(ThreadFailurePolicy.isOutage(registryDown())).isTrue();
        assertThat(ThreadFailurePolicy.isOutage(new SerializationException("encoding bug"))).isFalse();
    }

    @Test
    void theRuleIsTheOneEveryReaderApplies() {
        // Was "any IOException is an outage": a parser's complaint about a record (an IOException) would
        // have been retried forever. Content errors are not outages, whatever they extend.
        Throwable content = new StreamsException(new StreamConstraintsException(
                "Document nesting depth (1001) exceeds the maximum allowed (1000)"));
        assertThat(ThreadFailurePolicy.isOutage(content)).isFalse();
        assertThat(ThreadFailurePolicy.isOutage(new StreamsException(new EOFException()))).isFalse();
        assertThat(ThreadFailurePolicy.isOutage(new StreamsException(new ConnectException("refused")))).isTrue();
        assertThat(ThreadFailurePolicy.isOutage(new StreamsException(new SerializationException("cannot decode",
                new SchemaRegistryException("answered 503", 503, 50301, null))))).isTrue();
    }
}
