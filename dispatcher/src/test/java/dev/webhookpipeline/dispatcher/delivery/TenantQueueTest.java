package dev.webhookpipeline.dispatcher.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-tenant rules, on a fake clock (plain Instants). */
class TenantQueueTest {

    static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
    static final Duration WINDOW = Duration.ofSeconds(2);
    static final Attempt HTTP_500 = Attempt.failed(500, "HTTP 500", T0, 3);

    static QueuedWebhook webhook(long id, Instant queuedAt) {
        return new QueuedWebhook(1000 + id, id, "{\"id\":" + id + "}", queuedAt, queuedAt);
    }

    static TenantQueue queueWith(int count, Instant at) {
        TenantQueue queue = new TenantQueue("t", 0, 1000);
        for (int i = 1; i <= count; i++) {
            queue.offer(webhook(i, at));
        }
        return queue;
    }

    static List<Long> ids(List<QueuedWebhook> request) {
        return request.stream().map(QueuedWebhook::webhookId).toList();
    }

    @Test
    void unbatchedSendsOneAtATimeInOrderAndNeverTwoInFlight() {
        TenantQueue queue = queueWith(3, T0);
        assertThat(ids(queue.nextRequest(T0, false, WINDOW))).containsExactly(1L);
        assertThat(queue.nextRequest(T0, false, WINDOW)).isEmpty(); // 1 is in flight
        queue.delivered(T0);
        assertThat(ids(queue.nextRequest(T0, false, WINDOW))).containsExactly(2L);
        queue.delivered(T0);
        assertThat(ids(queue.nextRequest(T0, false, WINDOW))).containsExactly(3L);
        queue.delivered(T0);
        assertThat(queue.nextRequest(T0, false, WINDOW)).isEmpty();
        assertThat(queue.lastDeliveredId()).isEqualTo(3);
        assertThat(queue.idle()).isTrue();
    }

    @Test
    void anUnbatchedRunDeliveredInPartLeavesItsFirstUndeliveredWebhookAtTheHead() {
        TenantQueue queue = queueWith(5, T0);
        assertThat(ids(queue.nextRequest(T0, false, WINDOW, 3))).containsExactly(1L, 2L, 3L);
        assertThat(queue.nextRequest(T0, false, WINDOW, 3)).isEmpty(); // the run is in flight
        queue.delivered(2, T0); // 1 and 2 answered 200 ...
        queue.failed(HTTP_500, T0, RetrySchedule.STANDARD); // ... then 3 failed
        assertThat(queue.lastDeliveredId()).isEqualTo(2);
        assertThat(queue.failedAttempts()).isEqualTo(1);
        assertThat(queue.lowestNeededOffset()).isEqualTo(1003); // webhook 3 is the head again
        assertThat(ids(queue.nextRequest(T0.plusSeconds(30), false, WINDOW, 3))).containsExactly(3L);
    }

    @Test
    void batchWaitsForTheWindowUnlessItIsFull() {
        TenantQueue queue = queueWith(5, T0);
        assertThat(queue.nextRequest(T0.plusMillis(1999), true, WINDOW)).isEmpty();
        assertThat(queue.wakeAt(true, WINDOW)).isEqualTo(T0.plus(WINDOW));
        assertThat(ids(queue.nextRequest(T0.plus(WINDOW), true, WINDOW))).containsExactly(1L, 2L, 3L, 4L, 5L);

        TenantQueue full = queueWith(250, T0);
        assertThat(full.nextRequest(T0, true, WINDOW)).hasSize(100).first().extracting(QueuedWebhook::webhookId).isEqualTo(1L);
        full.delivered(T0);
        assertThat(full.nextRequest(T0, true, WINDOW)).hasSize(100).first().extracting(QueuedWebhook::webhookId).isEqualTo(101L);
        full.delivered(T0);
        assertThat(full.nextRequest(T0, true, WINDOW)).isEmpty(); // 50 left: their window is open again
        assertThat(full.nextRequest(T0.plus(WINDOW), true, WINDOW)).hasSize(50);
        assertThat(queueWith(3, T0).nextRequest(T0, true, Duration.ZERO)).hasSize(3); // window 0: at once
    }

    @Test
    void aFailedBatchStaysAtTheHeadAndGrowsOnRetryAfterTheBackoff() {
        TenantQueue queue = queueWith(30, T0);
        assertThat(queue.nextRequest(T0.plus(WINDOW), true, WINDOW)).hasSize(30);
        for (int i = 31; i <= 60; i++) {
            queue.offer(webhook(i, T0.plusSeconds(3)));
        }
        Instant failedAt = T0.plusSeconds(3);
        queue.failed(HTTP_500, failedAt, RetrySchedule.STANDARD);
        assertThat(queue.failing()).isTrue();
        assertThat(queue.nextAttemptAt()).isEqualTo(failedAt.plusSeconds(30));
        assertThat(queue.nextRequest(failedAt.plusSeconds(29), true, WINDOW)).isEmpty();
        // Only the failed attempt's webhooks are kept while failing; the rest is re-read later.
        assertThat(queue.size()).isEqualTo(30);
        assertThat(queue.overflowFrom()).isEqualTo(1031);
        List<QueuedWebhook> retry = queue.nextRequest(failedAt.plusSeconds(30), true, WINDOW);
        assertThat(ids(retry)).startsWith(1L).endsWith(30L);
        queue.failed(HTTP_500, failedAt.plusSeconds(30), RetrySchedule.STANDARD);
        assertThat(queue.nextAttemptAt()).isEqualTo(failedAt.plusSeconds(90)); // second failure: 60 s
    }

    @Test
    void whileFailingTheQueueHoldsOneBatchAndRemembersWhereToReReadFrom() {
        TenantQueue queue = queueWith(1, T0);
        queue.nextRequest(T0, false, WINDOW);
        queue.failed(HTTP_500, T0, RetrySchedule.STANDARD);
        for (int i = 2; i <= 500; i++) {
            queue.offer(webhook(i, T0));
        }
        assertThat(queue.size()).isEqualTo(TenantQueue.MAX_BATCH);
        assertThat(queue.overflowFrom()).isEqualTo(1000 + 101);
        assertThat(queue.lowestNeededOffset()).isEqualTo(1001); // the head still bounds the commit
        assertThat(queue.needsReread()).isFalse(); // still failing

        queue.retryNow(T0.plusSeconds(1));
        assertThat(ids(queue.nextRequest(T0.plusSeconds(1), false, WINDOW))).containsExactly(1L);
        queue.delivered(T0.plusSeconds(1));
        for (int i = 2; i <= 100; i++) {
            assertThat(queue.nextRequest(T0.plusSeconds(1), false, WINDOW)).hasSize(1);
            queue.delivered(T0.plusSeconds(1));
        }
        assertThat(queue.needsReread()).isTrue();
        queue.rereadStarted();
        // The re-read offers everything from offset 1101 again; ids tell what is already here.
        assertThat(queue.offer(webhook(100, T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
        assertThat(queue.offer(webhook(101, T0))).isEqualTo(TenantQueue.Offer.QUEUED);
    }

    @Test
    void retryNowCutsTheWaitButKeepsTheCount() {
        TenantQueue queue = queueWith(1, T0);
        for (int attempt = 1; attempt <= 12; attempt++) {
            queue.nextRequest(queue.nextAttemptAt() == null ? T0 : queue.nextAttemptAt(), false, WINDOW);
            queue.failed(HTTP_500, queue.nextAttemptAt() == null ? T0 : queue.nextAttemptAt(), RetrySchedule.STANDARD);
        }
        Instant twelfth = queue.nextAttemptAt().minus(Duration.ofHours(17).plusMinutes(4));
        assertThat(queue.failedAttempts()).isEqualTo(12);
        assertThat(Duration.between(twelfth, queue.nextAttemptAt())).isEqualTo(Duration.ofHours(17).plusMinutes(4));
        Instant now = twelfth.plusSeconds(5);
        assertThat(queue.nextRequest(now, false, WINDOW)).isEmpty();
        queue.retryNow(now);
        assertThat(queue.nextRequest(now, false, WINDOW)).hasSize(1);
        queue.failed(HTTP_500, now, RetrySchedule.STANDARD);
        assertThat(queue.nextAttemptAt()).isEqualTo(now.plus(Duration.ofDays(1)));
    }

    @Test
    void recentFailuresKeepTheTenNewestUntilASuccessOrARefresh() {
        TenantQueue queue = queueWith(3, T0);
        Instant at = T0;
        for (int attempt = 1; attempt <= 12; attempt++) {
            queue.nextRequest(at, false, WINDOW);
            queue.failed(Attempt.failed(500 + attempt, "HTTP " + (500 + attempt), at, 1).of(1, 1, attempt), at,
                    RetrySchedule.STANDARD);
            at = queue.nextAttemptAt();
        }
        assertThat(queue.recentFailures()).hasSize(10).first().extracting(Attempt::attemptNumber).isEqualTo(12);
        assertThat(queue.waiting()).isEqualTo(3);
        queue.refresh();
        assertThat(queue.recentFailures()).isEmpty();
        assertThat(queue.failedAttempts()).isEqualTo(12); // refresh does not touch the backoff
        queue.nextRequest(at, false, WINDOW);
        queue.failed(HTTP_500, at, RetrySchedule.STANDARD);
        queue.retryNow(at);
        queue.nextRequest(at, false, WINDOW);
        queue.delivered(at);
        assertThat(queue.recentFailures()).isEmpty();
        assertThat(queue.waiting()).isEqualTo(2);
    }

    @Test
    void deliveredOrReReadRecordsAreSkippedByTheirIds() {
        TenantQueue queue = new TenantQueue("t", 7, 1000); // 1..7 were delivered before a restart
        assertThat(queue.offer(webhook(7, T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
        assertThat(queue.offer(webhook(8, T0))).isEqualTo(TenantQueue.Offer.QUEUED);
        assertThat(queue.offer(webhook(8, T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
    }

    @Test
    void aBusyTenantAsksForWhatItLetGoOnceHalfDrainedEvenWithARequestInFlight() {
        TenantQueue queue = queueWith(1500, T0); // capacity 1000: 1001.. let go
        assertThat(queue.size()).isEqualTo(1000);
        assertThat(queue.overflowFrom()).isEqualTo(1000 + 1001);
        for (int i = 0; i < 4; i++) { // 400 sent: 600 left, more than half
            assertThat(queue.nextRequest(T0, true, WINDOW)).hasSize(100);
            queue.delivered(T0);
        }
        assertThat(queue.needsReread()).isFalse();
        assertThat(queue.nextRequest(T0, true, WINDOW)).hasSize(100);
        queue.delivered(T0);
        assertThat(queue.nextRequest(T0, true, WINDOW)).hasSize(100); // in flight while the re-read starts
        assertThat(queue.needsReread()).isTrue();
        queue.rereadStarted();
        assertThat(queue.offer(webhook(1000, T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
        assertThat(queue.offer(webhook(1001, T0))).isEqualTo(TenantQueue.Offer.QUEUED);
        queue.delivered(T0);
        assertThat(ids(queue.nextRequest(T0, true, WINDOW))).startsWith(601L).hasSize(100);
    }

    @Test
    void holdingKeepsOneBatchAndReleasingAsksForTheRest() {
        TenantQueue queue = queueWith(300, T0);
        queue.hold(true);
        assertThat(queue.size()).isEqualTo(100);
        assertThat(queue.offer(webhook(301, T0))).isEqualTo(TenantQueue.Offer.OVERFLOWED);
        assertThat(queue.needsReread()).isFalse();
        queue.hold(false);
        assertThat(queue.needsReread()).isTrue(); // one batch kept, room for 900: read the rest again at once
        assertThat(queue.overflowFrom()).isEqualTo(1101);
    }

    // ---- re-deliveries ----

    static QueuedWebhook redelivery(long offset, long id, String request, Instant queuedAt) {
        return new QueuedWebhook(offset, id, "{\"id\":" + id + ",\"redelivery\":{}}", queuedAt, queuedAt, request);
    }

    @Test
    void reDeliveriesFollowInOffsetOrderAndNeverShareARequestWithFirstTimeWebhooks() {
        TenantQueue queue = queueWith(3, T0); // ids 1-3 at offsets 1001-1003
        assertThat(queue.offer(redelivery(1004, 1, "r1", T0))).isEqualTo(TenantQueue.Offer.QUEUED);
        assertThat(queue.offer(redelivery(1005, 2, "r1", T0))).isEqualTo(TenantQueue.Offer.QUEUED);
        assertThat(queue.offer(redelivery(1006, 1, "r2", T0))).isEqualTo(TenantQueue.Offer.QUEUED);
        assertThat(queue.offer(webhook(4, T0).withOffset(1007))).isEqualTo(TenantQueue.Offer.QUEUED);
        // The batch window is open, but what follows each run may not join it: each goes at once.
        assertThat(ids(queue.nextRequest(T0, true, WINDOW))).containsExactly(1L, 2L, 3L);
        queue.delivered(T0);
        List<QueuedWebhook> first = queue.nextRequest(T0, true, WINDOW);
        assertThat(first).extracting(QueuedWebhook::redelivery).containsExactly("r1", "r1");
        queue.delivered(T0);
        assertThat(queue.nextRequest(T0, true, WINDOW)).extracting(QueuedWebhook::redelivery).containsExactly("r2");
        queue.delivered(T0);
        assertThat(queue.lastDeliveredId()).as("a re-delivery never moves the delivered id back").isEqualTo(3);
        assertThat(queue.lastDeliveredOffset()).isEqualTo(1006);
        assertThat(queue.nextRequest(T0, true, WINDOW)).isEmpty(); // webhook 4 alone waits for its window
        assertThat(ids(queue.nextRequest(T0.plus(WINDOW), true, WINDOW))).containsExactly(4L);
    }

    @Test
    void anUnbatchedRunStopsWhereTheKindChanges() {
        TenantQueue queue = queueWith(2, T0);
        queue.offer(redelivery(1003, 1, "r1", T0));
        assertThat(ids(queue.nextRequest(T0, false, WINDOW, 8))).containsExactly(1L, 2L);
        queue.delivered(T0);
        assertThat(queue.nextRequest(T0, false, WINDOW, 8)).extracting(QueuedWebhook::redelivery).containsExactly("r1");
    }

    @Test
    void reReadReDeliveriesAreToldByOffsetAndFirstTimeWebhooksByIdAlsoAfterARestart() {
        TenantQueue before = queueWith(2, T0);
        before.offer(redelivery(1003, 1, "r1", T0));
        before.nextRequest(T0, true, WINDOW); // 1-2: the re-delivery after them may not join
        before.delivered(T0);
        assertThat(before.nextRequest(T0.plus(WINDOW), true, WINDOW)).hasSize(1); // alone, after its window
        before.delivered(T0);
        assertThat(before.redeliveriesQueued()).isZero();

        // The next owner restores what was recorded and reads the partition again from an older commit.
        TenantQueue after = new TenantQueue("t", before.lastDeliveredId(), 1000);
        after.restore(before.highestKnownId(), before.lastDeliveredOffset(), T0, 0, null, null, List.of());
        assertThat(after.offer(webhook(1, T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
        assertThat(after.offer(webhook(2, T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
        assertThat(after.offer(redelivery(1003, 1, "r1", T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
        assertThat(after.offer(redelivery(1004, 2, "r2", T0))).isEqualTo(TenantQueue.Offer.QUEUED);
        assertThat(after.waiting()).as("re-deliveries are not counted as undelivered webhooks").isZero();
    }

    @Test
    void trimmingKeepsTheFirstTimeIdSeenEvenWhenReDeliveriesAreLast() {
        TenantQueue queue = queueWith(100, T0); // ids 1-100, offsets 1001-1100
        for (int i = 1; i <= 50; i++) {
            queue.offer(redelivery(1100 + i, i, "r1", T0));
        }
        queue.nextRequest(T0, true, WINDOW); // 1-100 in flight
        queue.failed(HTTP_500, T0, RetrySchedule.STANDARD); // keeps only the failed batch: the re-deliveries go
        assertThat(queue.overflowFrom()).isEqualTo(1101);
        assertThat(queue.redeliveriesQueued()).isZero();
        // Re-read from the overflow: the re-deliveries come again and are taken; ids 1-100 are not.
        assertThat(queue.offer(webhook(100, T0))).isEqualTo(TenantQueue.Offer.ALREADY_SEEN);
    }
}
