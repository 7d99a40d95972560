package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.schema.OutboundWebhook;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes polled records into the tenants' queues, in offset order per partition.
 *
 * <p>Bad input goes to the dead-letter topic. A record that cannot be decoded <em>yet</em> (the
 * schema registry is down, or the writer's schema is still being fetched) stops its partition
 * there: the consumer is sought back to it and the partition paused for a while, and the rest of
 * that partition's polled records are left for the re-read — so nothing after it is queued out of
 * order or counted as seen. Other partitions carry on, and the poll thread never waits.
 */
final class Intake {

    private static final Logger log = LoggerFactory.getLogger(Intake.class);

    /** What the intake tells the engine about a tenant. */
    interface Listener {
        void queued(TenantRef ref);

        void changed(TenantRef ref);
    }

    private final Consumer<String, byte[]> consumer;
    private final OutboundDecoder decoder;
    private final DeadLetters deadLetters;
    private final Listener listener;

    Intake(Consumer<String, byte[]> consumer, OutboundDecoder decoder, DeadLetters deadLetters, Listener listener) {
        this.consumer = consumer;
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.listener = listener;
    }

    /** @return how many records went into a queue (0: nothing new to send, however many were polled) */
    int accept(Iterable<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, PartitionState> partitions,
               Instant now, long tickNow) {
        Set<TopicPartition> stopped = null;
        int queued = 0;
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            PartitionState state = partitions.get(tp);
            if (state == null || (stopped != null && stopped.contains(tp))) {
                continue; // revoked while the records were on their way, or waiting for the registry
            }
            TenantQueue known = state.existing(record.key());
            if (known != null && known.passesOver(record.offset())) {
                state.position(record.offset() + 1); // its outcome is known without decoding it
                continue;
            }
            Decoded decoded;
            try {
                decoded = decoder.decode(record);
            } catch (RuntimeException e) { // the pipeline's one rule: a dependency's failure waits, anything else is bad input
                decoded = switch (RecordFailure.classify(e)) {
                    case RecordFailure.Outage outage -> new Decoded.Unavailable(outage.message());
                    case RecordFailure.BadInput bad -> new Decoded.Bad(bad.reason(), bad.message());
                };
            }
            switch (decoded) {
                case Decoded.Unavailable unavailable -> {
                    consumer.seek(tp, record.offset());
                    consumer.pause(List.of(tp));
                    state.waitForRegistry(tickNow);
                    if (stopped == null) {
                        stopped = new HashSet<>();
                    }
                    stopped.add(tp);
                    log.warn("{} waits at offset {}: {}", tp, record.offset(), unavailable.message());
                }
                case Decoded.Bad bad -> {
                    state.decodedOne();
                    deadLetters.write(state, record, bad.reason(), bad.message());
                    state.position(record.offset() + 1);
                }
                case Decoded.Webhook webhook -> {
                    state.decodedOne();
                    state.position(record.offset() + 1);
                    if (offer(state, known, tp, record, webhook.value(), now)) {
                        queued++;
                    }
                }
            }
        }
        return queued;
    }

    /** @return whether it was queued; {@code known} is the tenant's queue if it had one (looked up once per record) */
    private boolean offer(PartitionState state, TenantQueue known, TopicPartition tp,
                          ConsumerRecord<String, byte[]> record, OutboundWebhook webhook, Instant now) {
        TenantQueue queue = known != null ? known : state.tenant(record.key());
        TenantQueue.Offer offer = queue.offer(new QueuedWebhook(record.offset(), webhook.getWebhookId(),
                webhook.getBody(), now, webhook.getOccurredAt(),
                webhook.getRedelivery() == null ? null : webhook.getRedelivery().getRequestId()));
        TenantRef ref = new TenantRef(tp, record.key());
        if (offer == TenantQueue.Offer.QUEUED) {
            listener.queued(ref);
        } else {
            state.forgetIfIdle(queue, now);
        }
        if (offer != TenantQueue.Offer.ALREADY_SEEN) {
            listener.changed(ref);
        }
        return offer == TenantQueue.Offer.QUEUED;
    }

    /** Resumes the partitions whose wait for the registry is over: their stopped record is read again. */
    void resumeWaited(Iterable<PartitionState> states, long tickNow) {
        for (PartitionState state : states) {
            if (state.registryWaitOver(tickNow)) {
                state.registryWaitEnded();
                consumer.resume(List.of(state.partition()));
            }
        }
    }
}
