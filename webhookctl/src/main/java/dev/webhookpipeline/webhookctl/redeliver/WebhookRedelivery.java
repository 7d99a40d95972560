package dev.webhookpipeline.webhookctl.redeliver;

import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.kafka.Acknowledgement;
import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.webhookctl.audit.OperatorLog;
import dev.webhookpipeline.webhookctl.inspect.RangeBound;
import dev.webhookpipeline.webhookctl.inspect.TopicRangeReader;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.OperatorAction;
import dev.webhookpipeline.schema.OperatorActionType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.Redelivery;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.topics.PipelineTopics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a tenant's delivered webhooks again: copies of their outbound records, with the original
 * webhook id and body (plus a {@code redelivery} field), marked as a re-delivery, appended to the
 * tenant's outbound partition. The dispatcher delivers them in offset order with everything else
 * of the tenant — after the webhooks already written, before those written later — and never in
 * one request with first-time webhooks. Only webhooks the delivery state says were answered 200
 * are copied: later ones are still on their way and must not arrive twice in a row.
 *
 * <p>Two passes over the tenant's partition: the first finds what the range holds, which is then
 * recorded on the operator log (so a request is on record even if the copy is cut short); the
 * second writes the copies. Nothing is held in memory but the current record.
 */
public final class WebhookRedelivery {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * What to send again: ids {@code fromId..toId}, or webhooks routed from {@code since} until
     * {@code until} (exclusive); a null end is open.
     */
    public record Request(String tenant, Long fromId, Long toId, Instant since, Instant until, String requestedBy) {
        public String describe() {
            return fromId != null ? "ids " + fromId + "-" + (toId == null ? "" : toId)
                    : "since " + since + (until == null ? "" : " until " + until);
        }
    }

    /** What was written: {@code count} copies of ids {@code firstId..lastId}, the first at {@code writtenTo}. */
    public record Result(String requestId, long count, long firstId, long lastId, String writtenTo) {}

    /** Why nothing was sent, in words for the user. */
    public static final class NothingToRedeliver extends RuntimeException {
        public NothingToRedeliver(String message) {
            super(message);
        }
    }

    private final Map<String, Object> kafkaProperties;
    private final SchemaRegistryClient registry;
    private final PipelineTopics topics;
    private final OperatorLog log;
    private final Clock clock;

    public WebhookRedelivery(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, PipelineTopics topics,
                             OperatorLog log, Clock clock) {
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.registry = registry;
        this.topics = topics;
        this.log = log;
        this.clock = clock;
    }

    /** @param progress told what is going on, in a line for stderr */
    public Result redeliver(Request request, Consumer<String> progress) {
        long delivered = lastDelivered(request.tenant());
        if (delivered == 0) {
            throw new NothingToRedeliver("tenant " + request.tenant() + " has not been delivered any webhook yet"
                    + " (no delivery state on " + topics.deliveryState().name() + "): nothing to re-deliver");
        }
        long upTo = request.toId() == null ? delivered : Math.min(request.toId(), delivered);
        if (request.toId() != null && request.toId() > delivered) {
            progress.accept("tenant " + request.tenant() + " has been delivered up to #" + delivered + ": webhooks after it"
                    + " are still on their way and are not sent again");
        }
        if (request.fromId() != null && request.fromId() > upTo) {
            throw new NothingToRedeliver("tenant " + request.tenant() + " has been delivered up to #" + delivered
                    + ": nothing from #" + request.fromId() + " was delivered yet");
        }
        Selection found = select(request, upTo, null);
        if (found.count == 0) {
            throw new NothingToRedeliver("no delivered webhook of tenant " + request.tenant() + " (" + request.describe()
                    + ") is left in " + topics.outbound().name() + (request.fromId() != null
                    ? ": the topic's retention may have deleted them" : ""));
        }
        if (request.fromId() != null && found.firstId > request.fromId()) {
            progress.accept("ids " + request.fromId() + "-" + (found.firstId - 1) + " are no longer in "
                    + topics.outbound().name() + " (retention): re-delivering from #" + found.firstId);
        }
        progress.accept("re-delivering " + found.count + " webhook" + (found.count == 1 ? "" : "s") + " of tenant "
                + request.tenant() + " (#" + found.firstId + "-#" + found.lastId + ")");
        String requestId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        OperatorAction action = OperatorAction.newBuilder()
                .setAction(OperatorActionType.REDELIVER)
                .setTenantId(request.tenant())
                .setRequestedBy(request.requestedBy())
                .setRequestedAt(now)
                .setRequestId(requestId)
                .setRequestedRange(request.describe())
                .setFirstWebhookId(found.firstId)
                .setLastWebhookId(found.lastId)
                .setWebhookCount((int) Math.min(Integer.MAX_VALUE, found.count))
                .build();
        log.append(action); // on record before anything is sent
        String topic = topics.outbound().name();
        Written written = new Written();
        try (KafkaProducer<String, OutboundWebhook> producer = producer()) {
            select(request, upTo, (record, webhook) -> written.add(producer.send(new ProducerRecord<>(topic,
                    record.partition(), request.tenant(), copy(webhook, record, requestId, now)), written)));
            producer.flush();
        }
        if (written.count == 0) { // deleted by retention between the two passes
            throw new NothingToRedeliver("the webhooks of tenant " + request.tenant() + " (" + request.describe()
                    + ") were deleted from " + topic + " while the request was being made;"
                    + " it is on the operator log as " + requestId + " with nothing sent");
        }
        RecordMetadata first = Acknowledgement.await(written.first, topic, TIMEOUT);
        Acknowledgement.await(written.last, topic, TIMEOUT);
        if (written.failure != null) {
            throw new IllegalStateException("could not write every re-delivery to " + topic + ": "
                    + written.failure.getMessage() + "; request " + requestId + " is on the operator log", written.failure);
        }
        return new Result(requestId, written.count, found.firstId, found.lastId,
                first.topic() + "/" + first.partition() + "/" + first.offset());
    }

    /** The copies sent: counted, the first and last kept for their acknowledgement, any failure remembered. */
    private static final class Written implements Callback {
        long count;
        Future<RecordMetadata> first;
        Future<RecordMetadata> last;
        volatile Exception failure;

        void add(Future<RecordMetadata> sent) {
            if (first == null) {
                first = sent;
            }
            last = sent;
            count++;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null && failure == null) {
                failure = exception;
            }
        }
    }

    private static OutboundWebhook copy(OutboundWebhook original, ConsumerRecord<byte[], byte[]> record, String requestId,
                                        Instant now) {
        return OutboundWebhook.newBuilder(original)
                .setBody(WebhookPayload.withRedelivery(original.getBody(), requestId, now))
                .setRedelivery(Redelivery.newBuilder().setRequestId(requestId).setRequestedAt(now)
                        .setOriginalOffset(record.offset()).build())
                .build();
    }

    private static final class Selection {
        long count;
        long firstId;
        long lastId;
    }

    /** Reads the tenant's first-time webhooks of the range up to {@code upTo}, handing each to {@code each} if given. */
    private Selection select(Request request, long upTo,
                             BiConsumer<ConsumerRecord<byte[], byte[]>, OutboundWebhook> each) {
        AvroDeserializer<OutboundWebhook> decoder = new AvroDeserializer<>(OutboundWebhook.class, registry);
        Selection selection = new Selection();
        RangeBound from = request.since() == null ? new RangeBound.Beginning() : new RangeBound.AtTime(request.since());
        RangeBound to = request.until() == null ? new RangeBound.End() : new RangeBound.AtTime(request.until());
        try (TopicRangeReader reader = new TopicRangeReader(kafkaProperties)) {
            reader.read(topics.outbound().name(), new TopicRangeReader.Range(from, to, null, request.tenant(), false),
                    record -> {
                        OutboundWebhook webhook = decode(decoder, record);
                        if (webhook == null || webhook.getRedelivery() != null) {
                            return true; // not a webhook the router wrote: dead-lettered, or an earlier copy
                        }
                        long id = webhook.getWebhookId();
                        if (id > upTo) {
                            return false; // ids grow along the partition: the rest is newer
                        }
                        if (request.fromId() != null && id < request.fromId()) {
                            return true;
                        }
                        if (selection.count == 0) {
                            selection.firstId = id;
                        }
                        selection.lastId = id;
                        selection.count++;
                        if (each != null) {
                            each.accept(record, webhook);
                        }
                        return true;
                    }, p -> {}, () -> false);
        }
        return selection;
    }

    private OutboundWebhook decode(AvroDeserializer<OutboundWebhook> decoder, ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return decoder.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            if (RecordFailure.isOutage(e)) {
                throw e; // the registry is down: stop rather than skip webhooks
            }
            return null; // bad input: the dispatcher dead-lettered it, it was never delivered
        }
    }

    /** The tenant's last delivered webhook id on the delivery-state topic; 0 when it has none. */
    private long lastDelivered(String tenant) {
        AvroDeserializer<DeliveryProgress> decoder = new AvroDeserializer<>(DeliveryProgress.class, registry);
        long[] delivered = {0};
        try (TopicRangeReader reader = new TopicRangeReader(kafkaProperties)) {
            reader.read(topics.deliveryState().name(), new TopicRangeReader.Range(new RangeBound.Beginning(), null, null,
                    tenant, false), record -> {
                        if (record.value() != null) {
                            delivered[0] = Math.max(delivered[0],
                                    decoder.deserialize(record.topic(), record.value()).getLastDeliveredWebhookId());
                        }
                        return true;
                    }, p -> {}, () -> false);
        }
        return delivered[0];
    }

    private KafkaProducer<String, OutboundWebhook> producer() {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true); // in order, no duplicates on a retry
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        return new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, true));
    }
}
