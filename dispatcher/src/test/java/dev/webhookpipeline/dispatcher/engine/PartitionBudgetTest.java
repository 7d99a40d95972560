package dev.webhookpipeline.dispatcher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A partition's memory: bytes, shared fairly, never a reason to stop a tenant that has room. */
class PartitionBudgetTest {

    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final TopicPartition TP = new TopicPartition("out", 0);

    private long offset;

    private TenantQueue.Offer offer(PartitionState state, String tenant, long id, int bodyChars) {
        state.position(offset + 1);
        return state.tenant(tenant).offer(new QueuedWebhook(offset++, id, "x".repeat(bodyChars), T0, T0));
    }

    /** Issue 11 #6: 22 slow tenants with 1,100 webhooks each held a healthy tenant of the partition back for minutes. */
    @Test
    void slowTenantsWithLargeBacklogsNeverStopAHealthyTenantOfTheirPartition() {
        PartitionState state = new PartitionState(TP, Map.of(), 1_000, 8L * 1024 * 1024);
        for (int t = 0; t < 22; t++) {
            TenantQueue slow = state.tenant("slow-" + t);
            for (long id = 1; id <= 1_100; id++) {
                offer(state, "slow-" + t, id, 330);
            }
            assertThat(slow.nextRequest(T0, false, Duration.ZERO)).hasSize(1); // in flight for 2 s
        }
        for (long id = 1; id <= 5; id++) {
            assertThat(offer(state, "healthy", id, 330)).isEqualTo(TenantQueue.Offer.QUEUED);
        }
        assertThat(state.tenant("healthy").nextRequest(T0, false, Duration.ZERO)).hasSize(1);
        assertThat(state.budget().counted()).isLessThanOrEqualTo(state.budget().limit());
    }

    /** Issue 11 #7: memory was capped by count (20,000 × 64 KiB = 1.3 GB per partition); now by bytes. */
    @Test
    void largeBodiesAreCappedByBytesAndTheRestIsReadAgainLater() {
        long limit = 1024 * 1024;
        PartitionState state = new PartitionState(TP, Map.of(), 1_000, limit);
        int queued = 0;
        for (long id = 1; id <= 1_000; id++) {
            if (offer(state, "big", id, 64 * 1024) == TenantQueue.Offer.QUEUED) {
                queued++;
            }
        }
        TenantQueue big = state.tenant("big");
        assertThat(queued).isBetween(2, 10); // 1 MiB holds a few 128 KiB webhooks, not 1,000
        assertThat(big.bytes() - 2L * 64 * 1024 - 96).isLessThanOrEqualTo(limit);
        assertThat(big.overflowFrom()).isEqualTo(queued); // where the partition is read again from
        assertThat(state.safeCommitOffset()).isZero();
    }

    @Test
    void aTenantUnderItsFairShareGetsRoomByTrimmingTheLargestAndTheTrimmedReReadLater() {
        long limit = 100 * 1_000;
        PartitionState state = new PartitionState(TP, Map.of(), 1_000, limit);
        for (long id = 1; id <= 1_000; id++) {
            offer(state, "hog", id, 50);
        }
        TenantQueue hog = state.tenant("hog");
        int hogBefore = hog.size();
        assertThat(state.budget().counted()).isGreaterThan(limit - 200);
        for (long id = 1; id <= 20; id++) {
            assertThat(offer(state, "newcomer", id, 50)).isEqualTo(TenantQueue.Offer.QUEUED);
        }
        assertThat(hog.size()).isLessThan(hogBefore);
        assertThat(hog.overflowFrom()).isGreaterThan(0);
        assertThat(state.budget().counted()).isLessThanOrEqualTo(limit);
        // The trimmed tail is not lost: the commit stays below it until it is read again and delivered.
        assertThat(state.safeCommitOffset()).isZero();
    }
}
