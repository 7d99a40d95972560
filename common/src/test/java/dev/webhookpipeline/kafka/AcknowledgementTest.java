package dev.webhookpipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

class AcknowledgementTest {

    @Test
    void anAcknowledgedWriteGivesItsMetadata() {
        RecordMetadata written = new RecordMetadata(new TopicPartition("t", 3), 41, 0, 0L, 1, 1);
        assertThat(Acknowledgement.await(CompletableFuture.completedFuture(written), "t", Duration.ofSeconds(1)))
                .isSameAs(written);
    }

    @Test
    void eachFailureSaysWhichTopicAndWhy() {
        assertThatThrownBy(() -> Acknowledgement.await(CompletableFuture.failedFuture(new RecordTooLargeException("too big")),
                "webhooks.outbound", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("could not write to webhooks.outbound: too big")
                .hasCauseInstanceOf(RecordTooLargeException.class);
        assertThatThrownBy(() -> Acknowledgement.await(new CompletableFuture<>(), "webhooks.outbound", Duration.ofMillis(10)))
                .hasMessage("Kafka did not acknowledge the write to webhooks.outbound within PT0.01S");
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Acknowledgement.await(new CompletableFuture<>(), "webhooks.outbound", Duration.ofSeconds(5)))
                .hasMessage("interrupted while writing to webhooks.outbound");
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }
}
