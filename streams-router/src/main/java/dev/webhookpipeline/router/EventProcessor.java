package dev.webhookpipeline.router;

import dev.webhookpipeline.event.DomainEventRules;
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
        DomainEvent event;
        try {
            event = deserializer.deserialize(source.topic(), record.value());
        } catch (AvroDecodeException e) {
            deadLetter(record, source, e.reason().name(), e.getMessage());
            return;
        }
        // Any other exception (registry unreachable) propagates: an outage is retried, never dead-lettered.
        String tenant = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        List<String> problems = problems(tenant, event);
        if (!problems.isEmpty()) {
            deadLetter(record, source, AvroDecodeException.Reason.INVALID_CONTENT.name(), String.join("; ", problems));
            return;
        }

        Optional<Outcome> drop = rules.dropReason(routing.get(tenant), event.getType());
        if (drop.isPresent()) {
            counters.record(drop.get());
            return;
        }
        Long last = ids.get(tenant);
        long id = last == null ? 1 : last + 1;
        ids.put(tenant, id);
        OutboundWebhook webhook = OutboundWebhook.newBuilder()
                .setTenantId(tenant)
                .setWebhookId(id)
                .setEventId(event.getEventId())
                .setEventType(event.getType())
                .setOccurredAt(event.getOccurredAt())
                .setRoutedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .setBody(WebhookPayload.body(id, event.getEventId(), event.getType(), event.getOccurredAt(),
                        event.getData()))
                .build();
        // Keeps the input's timestamp and headers (e.g. tracing) on the webhook.
        context.forward(record.withKey((Object) tenant).withValue((Object) webhook), RouterTopology.OUTBOUND_SINK);
        counters.record(Outcome.ROUTED);
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
