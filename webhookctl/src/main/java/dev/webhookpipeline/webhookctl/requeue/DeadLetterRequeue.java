package dev.webhookpipeline.webhookctl.requeue;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.kafka.Acknowledgement;
import dev.webhookpipeline.schema.OperatorAction;
import dev.webhookpipeline.schema.OperatorActionType;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.TopicSpec;
import dev.webhookpipeline.webhookctl.audit.OperatorLog;
import dev.webhookpipeline.webhookctl.inspect.RecordJson;
import dev.webhookpipeline.webhookctl.inspect.TopicChoice;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes dead letters' original records back to the input topic they came from (events, tenant-config) — same key bytes (so the
 * same partition and per-tenant order), same value, the input's own headers plus
 * {@link DeadLetterHeaders#REQUEUED_FROM} — and records each on the operator log. A dead letter is
 * requeued only when it holds the original bytes, comes from an input topic of this pipeline, now
 * decodes with the registry (else the cause is not fixed yet), and has not been requeued before
 * (unless forced).
 */
public final class DeadLetterRequeue implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Where a requeued record went. */
    public record Requeued(String deadLetter, String writtenTo) {}

    private final PipelineTopics topics;
    private final RecordJson decoder;
    private final OperatorLog log;
    private final Map<String, OperatorAction> alreadyRequeued = new HashMap<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final Clock clock;

    public DeadLetterRequeue(Map<String, Object> kafkaProperties, PipelineTopics topics, RecordJson decoder, OperatorLog log,
                             Clock clock) {
        this.topics = topics;
        this.decoder = decoder;
        this.log = log;
        this.clock = clock;
        for (OperatorAction action : log.all()) {
            if (action.getAction() == OperatorActionType.REQUEUE_DEAD_LETTER && action.getDeadLetter() != null) {
                alreadyRequeued.put(action.getDeadLetter(), action);
            }
        }
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** topic/partition/offset: how dead letters and their targets are named on the operator log. */
    public static String coordinates(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** The earlier requeue of this dead letter, if any. */
    public Optional<OperatorAction> earlierRequeue(ConsumerRecord<byte[], byte[]> deadLetter) {
        return Optional.ofNullable(alreadyRequeued.get(coordinates(deadLetter.topic(), deadLetter.partition(),
                deadLetter.offset())));
    }

    /**
     * Why this dead letter cannot be requeued, if it cannot.
     *
     * @param force requeue one that was requeued before
     */
    public Optional<String> refusal(ConsumerRecord<byte[], byte[]> deadLetter, boolean force) {
        String source = DeadLetterHeaders.header(deadLetter.headers(), DeadLetterHeaders.SOURCE_TOPIC);
        Optional<TopicSpec<?, ?>> target = source == null ? Optional.empty() : TopicChoice.byName(topics, source);
        if (target.isPresent() && topics.outbound().equals(target.get())) {
            // The dispatcher orders a tenant's webhooks by id and skips ids it has passed: written back behind
            // later webhooks, this one would be skipped without a trace.
            return Optional.of("it comes from " + source + ": a webhook written back behind the tenant's later ones would be"
                    + " skipped by the dispatcher as already delivered");
        }
        if (target.isEmpty() || !inputs().contains(target.get())) {
            return Optional.of("its source topic " + (source == null ? "is not recorded" : source + " is not an input topic"
                    + " of this pipeline (" + String.join(", ", inputs().stream().map(TopicSpec::name).toList()) + ")"));
        }
        String note = DeadLetterHeaders.header(deadLetter.headers(), DeadLetterHeaders.VALUE);
        if (note != null || deadLetter.value() == null) {
            return Optional.of("it does not hold the original value (" + (note == null ? "no value" : note) + ")"
                    + (topics.tenantConfig().equals(target.get()) ? ": set the tenant's config again with `webhookctl config set`"
                    : ": the original is at " + sourceCoordinates(deadLetter) + " until its retention ends"));
        }
        // A record that still does not decode would only be dead-lettered again: the fix is not in yet.
        if (decoder.decode(topics.deadLetter(), deadLetter) instanceof RecordJson.Decoded.Undecodable bad) {
            return Optional.of("it still does not decode (" + bad.reason() + ": " + bad.message() + "); fix the cause"
                    + " first (register the schema, correct the producer)");
        }
        Optional<OperatorAction> earlier = earlierRequeue(deadLetter);
        if (earlier.isPresent() && !force) {
            return Optional.of("it was requeued before, to " + earlier.get().getWrittenTo() + " at "
                    + earlier.get().getRequestedAt() + " by " + earlier.get().getRequestedBy() + " (--force requeues it again)");
        }
        return Optional.empty();
    }

    /**
     * Writes the dead letter's record back to its source topic, then records that on the operator log.
     * Call only when {@link #refusal} is empty.
     */
    public Requeued requeue(ConsumerRecord<byte[], byte[]> deadLetter, String requestedBy) {
        String source = DeadLetterHeaders.header(deadLetter.headers(), DeadLetterHeaders.SOURCE_TOPIC);
        String deadLetterId = coordinates(deadLetter.topic(), deadLetter.partition(), deadLetter.offset());
        RecordHeaders headers = new RecordHeaders();
        for (Header header : deadLetter.headers()) {
            if (!header.key().startsWith("dlq.") && !header.key().equals(DeadLetterHeaders.REQUEUED_FROM)) {
                headers.add(header); // the input's own headers; the reason was about the old attempt
            }
        }
        headers.add(DeadLetterHeaders.REQUEUED_FROM, deadLetterId.getBytes(StandardCharsets.UTF_8));
        // Timestamped now, not with the original's time: the router merges events and configs by timestamp,
        // so only a newer timestamp makes a config fixed before the requeue apply to it.
        RecordMetadata written = send(new ProducerRecord<>(source, null, null, deadLetter.key(), deadLetter.value(),
                headers));
        String writtenTo = coordinates(written.topic(), written.partition(), written.offset());
        OperatorAction action = OperatorAction.newBuilder()
                .setAction(OperatorActionType.REQUEUE_DEAD_LETTER)
                .setTenantId(deadLetter.key() == null ? null : new String(deadLetter.key(), StandardCharsets.UTF_8))
                .setRequestedBy(requestedBy)
                .setRequestedAt(clock.instant())
                .setDeadLetter(deadLetterId)
                .setDeadLetterReason(DeadLetterHeaders.header(deadLetter.headers(), DeadLetterHeaders.REASON))
                .setWrittenTo(writtenTo)
                .build();
        log.append(action);
        alreadyRequeued.put(deadLetterId, action);
        return new Requeued(deadLetterId, writtenTo);
    }

    private List<TopicSpec<?, ?>> inputs() {
        return List.of(topics.events(), topics.tenantConfig());
    }

    private static String sourceCoordinates(ConsumerRecord<byte[], byte[]> deadLetter) {
        return DeadLetterHeaders.header(deadLetter.headers(), DeadLetterHeaders.SOURCE_TOPIC) + "/"
                + DeadLetterHeaders.header(deadLetter.headers(), DeadLetterHeaders.SOURCE_PARTITION) + "/"
                + DeadLetterHeaders.header(deadLetter.headers(), DeadLetterHeaders.SOURCE_OFFSET);
    }

    private RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        return Acknowledgement.await(producer.send(record), record.topic(), TIMEOUT);
    }

    @Override
    public void close() {
        producer.close();
    }
}
