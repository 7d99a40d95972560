package dev.webhookpipeline.router;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.registry.SchemaRegistryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-26T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    static Throwable registryDown() {
        return new StreamsException(new SerializationException("cannot decode",
                new SchemaRegistryException("connection refused", -1, 0, null)));
    }

    @Test
    void anOutageIsWaitedOutHoweverLong() {
        ThreadFailurePolicy policy = new ThreadFailurePolicy(new ManualClock(), 3, Duration.ofMinutes(10));
        for (int i = 0; i < 100; i++) {
            assertThat(policy.onFailure(registryDown())).isEqualTo(REPLACE_THREAD);
            assertThat(policy.onFailure(new StreamsException(new TimeoutException("broker")))).isEqualTo(REPLACE_THREAD);
        }
    }

    @Test
    void aBugStopsTheRouterOnItsThirdFailureWithinTheWindow() {
        ManualClock clock = new ManualClock();
        ThreadFailurePolicy policy = new ThreadFailurePolicy(clock, 3, Duration.ofMinutes(10));
        Throwable bug = new StreamsException(new NullPointerException("a bug"));
        assertThat(policy.onFailure(bug)).isEqualTo(REPLACE_THREAD);
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertThat(policy.onFailure(bug)).isEqualTo(REPLACE_THREAD);
        clock.now = clock.now.plus(Duration.ofMinutes(5)); // the first one has left the window
        assertThat(policy.onFailure(bug)).isEqualTo(REPLACE_THREAD);
        clock.now = clock.now.plus(Duration.ofMinutes(1));
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
}
