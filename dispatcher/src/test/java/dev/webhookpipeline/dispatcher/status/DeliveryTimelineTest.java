package dev.webhookpipeline.dispatcher.status;

import static dev.webhookpipeline.dispatcher.status.TenantStatusIndexTest.progress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.status.DeliveryTimeline.Minute;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryTimelineTest {

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-02T10:00:30Z"));
    final DeliveryTimeline timeline = new DeliveryTimeline(clock);

    @Test
    void countsTheRiseOfDeliveredIdsAndFailedAttemptsInTheMinuteOfTheChange() {
        DeliveryProgress first = at(progress("acme", 10, 12, 0, null, null), clock.instant());
        timeline.record(null, first); // first seen: a baseline only
        assertThat(current().delivered()).isZero();
        assertThat(current().waiting()).isEqualTo(2);

        DeliveryProgress delivered = at(progress("acme", 12, 15, 0, null, null), clock.instant());
        timeline.record(first, delivered);
        Instant failingSince = clock.instant();
        DeliveryProgress failing = at(progress("acme", 12, 15, 2, failingSince, null), clock.instant());
        timeline.record(delivered, failing);
        assertThat(current()).extracting(Minute::delivered, Minute::failed, Minute::waiting).containsExactly(2L, 2L, 3L);

        clock.advance(Duration.ofMinutes(1));
        DeliveryProgress oneMore = at(progress("acme", 12, 15, 3, failingSince, null), clock.instant());
        timeline.record(failing, oneMore);
        DeliveryProgress recovered = at(progress("acme", 15, 15, 0, null, null), clock.instant());
        timeline.record(oneMore, recovered);
        DeliveryProgress newStreak = at(progress("acme", 15, 16, 1, clock.instant(), null), clock.instant());
        timeline.record(recovered, newStreak);

        List<Minute> minutes = timeline.minutes();
        assertThat(minutes).hasSize(DeliveryTimeline.MINUTES);
        assertThat(minutes.get(minutes.size() - 2)).extracting(Minute::delivered, Minute::failed).containsExactly(2L, 2L);
        assertThat(current()).extracting(Minute::delivered, Minute::failed, Minute::waiting).containsExactly(3L, 2L, 1L);
    }

    @Test
    void aChangeDatedInAnEarlierMinuteOfTheHourCountsThereAndOlderOnesNowhere() {
        DeliveryProgress before = at(progress("acme", 0, 5, 0, null, null), clock.instant().minusSeconds(600));
        timeline.record(null, before);
        timeline.record(before, at(progress("acme", 5, 5, 0, null, null), clock.instant().minusSeconds(600)));
        timeline.record(before, at(progress("acme", 9, 9, 0, null, null), clock.instant().minus(Duration.ofHours(2))));

        List<Minute> minutes = timeline.minutes();
        assertThat(minutes.get(minutes.size() - 11).delivered()).isEqualTo(5);
        assertThat(minutes.stream().mapToLong(Minute::delivered).sum()).isEqualTo(5);
        assertThat(minutes.get(minutes.size() - 11).waiting()).as("not seen at the end of that minute").isEqualTo(-1);
    }

    @Test
    void anHourLaterTheOldMinutesAreGoneAndARemovedTenantNoLongerWaits() {
        DeliveryProgress first = at(progress("acme", 0, 4, 0, null, null), clock.instant());
        timeline.record(null, first);
        timeline.record(first, at(progress("acme", 4, 4, 0, null, null), clock.instant()));
        timeline.record(null, at(progress("globex", 0, 7, 0, null, null), clock.instant()));
        clock.advance(Duration.ofMinutes(DeliveryTimeline.MINUTES));
        assertThat(timeline.minutes().stream().mapToLong(Minute::delivered).sum()).isZero();
        assertThat(current().waiting()).isEqualTo(7);
        timeline.record(at(progress("globex", 0, 7, 0, null, null), clock.instant()), null);
        assertThat(current().waiting()).isZero();
    }

    private Minute current() {
        List<Minute> minutes = timeline.minutes();
        return minutes.get(minutes.size() - 1);
    }

    private static DeliveryProgress at(DeliveryProgress p, Instant updatedAt) {
        return DeliveryProgress.newBuilder(p).setUpdatedAt(updatedAt).build();
    }
}
