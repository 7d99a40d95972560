package dev.webhookpipeline.dispatcher.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void thirtySecondsDoubledTwelveTimesThenDaily() {
        assertThat(IntStream.rangeClosed(1, 14).mapToObj(RetrySchedule.STANDARD::delayAfter).toList()).containsExactly(
                Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(8), Duration.ofMinutes(16), Duration.ofMinutes(32), Duration.ofMinutes(64),
                Duration.ofMinutes(128), Duration.ofMinutes(256), Duration.ofMinutes(512),
                Duration.ofHours(17).plusMinutes(4), Duration.ofDays(1), Duration.ofDays(1));
        assertThat(RetrySchedule.STANDARD.delayAfter(1000)).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> RetrySchedule.STANDARD.delayAfter(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
