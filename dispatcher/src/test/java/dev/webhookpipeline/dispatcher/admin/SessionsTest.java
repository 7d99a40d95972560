package dev.webhookpipeline.dispatcher.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionsTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
    final Sessions sessions = new Sessions(new SessionPolicy(Duration.ofMinutes(30), Duration.ofHours(8), false), clock);

    @Test
    void aSessionUnusedForTheIdleTimeoutEnds() {
        String id = sessions.start();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.use(id)).isTrue();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.use(id)).as("used 29 min ago").isTrue();
        clock.advance(Duration.ofMinutes(30));
        assertThat(sessions.use(id)).as("unused for 30 min").isFalse();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void aBusySessionEndsAtItsLifetime() {
        String id = sessions.start();
        for (int minutes = 0; minutes < 8 * 60 - 10; minutes += 10) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(sessions.use(id)).as("%d min after sign-in", minutes + 10).isTrue();
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.use(id)).as("8 h after sign-in").isFalse();
    }

    @Test
    void signOutEndsASessionAndUnknownIdsAreRefused() {
        String id = sessions.start();
        String other = sessions.start();
        sessions.end(id);
        assertThat(sessions.use(id)).isFalse();
        assertThat(sessions.use(other)).isTrue();
        assertThat(sessions.use(null)).isFalse();
        assertThat(sessions.use("made-up")).isFalse();
    }

    @Test
    void idsAreRandomAndLiveSessionsAreBounded() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < Sessions.MAX_SESSIONS + 10; i++) {
            ids.add(sessions.start());
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(ids).hasSize(Sessions.MAX_SESSIONS + 10).allSatisfy(id -> assertThat(id).hasSize(43));
        assertThat(sessions.size()).isEqualTo(Sessions.MAX_SESSIONS);
    }

    @Test
    void thePolicyRefusesNonsense() {
        assertThatThrownBy(() -> new SessionPolicy(Duration.ZERO, Duration.ofHours(1), false)).hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> new SessionPolicy(Duration.ofHours(2), Duration.ofHours(1), false))
                .hasMessageContaining("must not exceed");
    }
}
