package dev.webhookpipeline.dispatcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    final LoginThrottle throttle = new LoginThrottle(clock);

    @Test
    void fiveFailuresInAMinuteMakeThatAddressWaitUntilTheOldestIsAMinuteOld() {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.waitFor("10.0.0.1")).as("before failure %d", i + 1).isEmpty();
            throttle.failed("10.0.0.1");
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(throttle.waitFor("10.0.0.1")).contains(Duration.ofSeconds(10));
        assertThat(throttle.waitFor("10.0.0.2")).as("another address").isEmpty();
        clock.advance(Duration.ofSeconds(10));
        assertThat(throttle.waitFor("10.0.0.1")).as("the first failure is a minute old").isEmpty();
        throttle.failed("10.0.0.1");
        assertThat(throttle.waitFor("10.0.0.1")).as("five within the last minute again").contains(Duration.ofSeconds(10));
    }

    @Test
    void failuresSpreadOverMoreThanAMinuteAndASuccessfulSignInDoNotCount() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("10.0.0.1");
            clock.advance(Duration.ofSeconds(15));
        }
        assertThat(throttle.waitFor("10.0.0.1")).as("4 per minute").isEmpty();
        for (int i = 0; i < 4; i++) {
            throttle.failed("10.0.0.3");
        }
        throttle.succeeded("10.0.0.3");
        throttle.failed("10.0.0.3");
        assertThat(throttle.waitFor("10.0.0.3")).isEmpty();
    }
}
