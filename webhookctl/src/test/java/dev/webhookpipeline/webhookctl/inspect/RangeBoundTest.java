package dev.webhookpipeline.webhookctl.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RangeBoundTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void readsEveryForm() {
        assertThat(RangeBound.parse("--from", "40", CLOCK)).isEqualTo(new RangeBound.AtOffset(40));
        assertThat(RangeBound.parse("--from", "beginning", CLOCK)).isEqualTo(new RangeBound.Beginning());
        assertThat(RangeBound.parse("--to", "END", CLOCK)).isEqualTo(new RangeBound.End());
        assertThat(RangeBound.parse("--from", "2026-12-01T08:30:00Z", CLOCK).time())
                .isEqualTo(Instant.parse("2026-12-01T08:30:00Z"));
        assertThat(RangeBound.parse("--from", "2026-12-01T09:30+01:00", CLOCK).time())
                .isEqualTo(Instant.parse("2026-12-01T08:30:00Z"));
        assertThat(RangeBound.parse("--from", "2026-12-01", CLOCK).time()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(RangeBound.parse("--from", "1h", CLOCK).time()).isEqualTo(Instant.parse("2026-12-02T09:00:00Z"));
        assertThat(RangeBound.parse("--from", "PT30M", CLOCK).time()).isEqualTo(Instant.parse("2026-12-02T09:30:00Z"));
        assertThat(RangeBound.parse("--from", "40", CLOCK).time()).isNull();
    }

    @Test
    void aBadFormIsRefusedNamingTheOptionAndTheFormsThereAre() {
        for (String bad : new String[] {"yesterday", "2026-13-01", "-5", "12:00", "", "1 hour"}) {
            assertThatThrownBy(() -> RangeBound.parse("--to", bad, CLOCK)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--to '" + bad + "' is not an offset")
                    .hasMessageContaining("a duration ago");
        }
    }
}
