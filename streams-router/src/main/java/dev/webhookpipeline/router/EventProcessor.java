package dev.webhookpipeline.router;

import dev.webhookpipeline.event.DomainEventRules;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.serde.AvroDecodeException;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one domain event: decode and validate (else dead-letter), apply the tenant's config (else
 * count the drop), then give it the tenant's next webhook id and write the outbound webhook.
 *
 * <p>No record's content stops the router: any exception while reading, checking or building the
 * webhook is classified by {@link RecordFailure}; only an outage (the registry unavailable) escapes,
 * to be waited out by {@link ThreadFailurePolicy}, and everything else is dead-lettered.
 *
 * <p>The id is {@code last + 1} from the changelogged {@link RouterTopology#IDS_STORE}. Under
 * exactly_once_v2 the store's changelog write, the outbound record and the input offset commit in one
 * transaction, so after a crash either all three happened or none did: ids have no gap and no repeat.
 */
final class EventProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);

    private final AvroDeserializer<DomainEvent> deserializer;
    private final RoutingRules rules;
    private final RouterCounters counters;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, TenantRouting> routing;
    private KeyValueStore<String, Long> ids;

    EventProcessor(SchemaRegistryClient registry, RoutingRules rules, RouterCounters counters) {
        this.deserializer = new AvroDeserializer<>(DomainEvent.class, registry);
        this.rules = rules;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.routing = context.getStateStore(RouterTopology.ROUTING_STORE);
        this.ids = context.getStateStore(RouterTopology.IDS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String tenant = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Routed routed;
        try {
            routed = route(source, tenant, record.value());
        } catch (RuntimeException | StackOverflowError e) {
            // The one rule (RecordFailure): an outage (registry unreachable) propagates and is waited out,
            // never dead-lettered; anything else the record made us throw is bad input.
            switch (RecordFailure.classify(e)) {
                case RecordFailure.Outage outage -> throw e;
                case RecordFailure.BadInput bad -> {
                    if (!(e instanceof AvroDecodeException)) {
                        log.warn("event {}-{}@{} made the router fail: dead-lettered as {}", source.topic(),
                                source.partition(), source.offset(), bad.reason(), e);
                    }
                    deadLetter(record, source, bad.reason(), bad.message());
                }
            }
            return;
        }
        if (routed.problems() != null) {
            deadLetter(record, source, AvroDecodeException.Reason.INVALID_CONTENT.name(),
                    String.join("; ", routed.problems()));
        } else if (routed.drop() != null) {
            counters.record(routed.drop());
        } else {
            // Only now is the id taken: nothing above may leave a gap in the tenant's sequence.
            ids.put(tenant, routed.webhook().getWebhookId());
            // Keeps the input's timestamp and headers (e.g. tracing) on the webhook.
            context.forward(record.withKey((Object) tenant).withValue((Object) routed.webhook()),
                    RouterTopology.OUTBOUND_SINK);
            counters.record(Outcome.ROUTED);
        }
    }

    /** What to do with one event: dead-letter it ({@code problems}), drop it, or route this webhook. */
    private record Routed(List<String> problems, Outcome drop, OutboundWebhook webhook) {}

    /** Decodes, checks and builds the webhook without changing any state, so any failure can dead-letter it. */
    private Routed route(RecordMetadata source, String tenant, byte[] value) {
        DomainEvent event = deserializer.deserialize(source.topic(), value);
        List<String> problems = problems(tenant, event);
        if (!problems.isEmpty()) {
            return new Routed(problems, null, null);
        }
        Optional<Outcome> drop = rules.dropReason(routing.get(tenant), event.getType());
        if (drop.isPresent()) {
            return new Routed(null, drop.get(), null);
        }
        Long last = ids.get(tenant);
        long id = last == null ? 1 : last + 1;
        return new Routed(null, null, OutboundWebhook.newBuilder()
                .setTenantId(tenant)
                .setWebhookId(id)
                .setEventId(event.getEventId())
                .setEventType(event.getType())
                .setOccurredAt(event.getOccurredAt())
                .setRoutedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .setBody(WebhookPayload.body(id, event.getEventId(), event.getType(), event.getOccurredAt(),
                        event.getData()))
                .build());
    }

    private static List<String> problems(String tenant, DomainEvent event) {
        List<String> problems = new ArrayList<>();
        if (event == null) {
            problems.add("record has no value (a tombstone has no meaning on the events topic)");
            return problems;
        }
        if (tenant == null) {
            problems.add("record has no key: the key must be the tenant id");
        } else if (!tenant.equals(event.getTenantId())) {
            problems.add("tenant_id '" + event.getTenantId() + "' differs from the record key '" + tenant + "'");
        }
        problems.addAll(DomainEventRules.problems(event));
        return problems;
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata source, String reason, String message) {
        log.warn("dead-lettering event {}-{}@{}: {} {}", source.topic(), source.partition(), source.offset(), reason,
                message);
        context.forward(DeadLetters.of(record, source, reason, message), RouterTopology.DEAD_LETTER_SINK);
        counters.record(Outcome.DEAD_LETTERED);
    }
}
