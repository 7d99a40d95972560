package dev.webhookpipeline.router;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.serde.AvroSerdes;
import dev.webhookpipeline.topics.PipelineTopics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The router's topology:
 *
 * <pre>
 * events (bytes) ──▶ route-events ──▶ outbound (OutboundWebhook)
 *                      │   ▲    └───▶ dead-letter (original bytes + reason headers)
 *                      │   │ reads
 *                      ▼   │
 *        webhook-ids store  tenant-routing store ◀── apply-configs ◀── tenant-config (bytes)
 *                                                          └──▶ dead-letter
 * </pre>
 *
 * Both inputs are read as raw bytes and decoded inside the processors, so an undecodable record is
 * dead-lettered with its original bytes instead of stopping the application. The two stores connect
 * both processors, so Kafka Streams puts both source topics in one sub-topology: task {@code 0_p}
 * owns partition p of events and of tenant-config (co-partitioned: same key, same partition count),
 * and processes the two in timestamp order.
 */
public final class RouterTopology {

    public static final String EVENTS_SOURCE = "events";
    public static final String CONFIG_SOURCE = "tenant-config";
    public static final String ROUTE_EVENTS = "route-events";
    public static final String APPLY_CONFIGS = "apply-configs";
    public static final String OUTBOUND_SINK = "outbound";
    public static final String DEAD_LETTER_SINK = "dead-letter";
    /** tenant id → {@link TenantRouting}: the config the router acts on. */
    public static final String ROUTING_STORE = "tenant-routing";
    /** tenant id → last webhook id given out. Changelogged; EOS commits it atomically with the output. */
    public static final String IDS_STORE = "webhook-ids";

    private RouterTopology() {}

    public static Topology build(PipelineTopics topics, SchemaRegistryClient registry, RoutingRules rules,
            RouterCounters counters) {
        Topology topology = new Topology();
        topology.addSource(EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.events().name());
        topology.addSource(CONFIG_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.tenantConfig().name());

        topology.addProcessor(APPLY_CONFIGS, () -> new ConfigProcessor(registry, counters), CONFIG_SOURCE);
        topology.addProcessor(ROUTE_EVENTS, () -> new EventProcessor(registry, rules, counters), EVENTS_SOURCE);

        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ROUTING_STORE),
                Serdes.String(), TenantRouting.serde()), APPLY_CONFIGS, ROUTE_EVENTS);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IDS_STORE),
                Serdes.String(), Serdes.Long()), ROUTE_EVENTS);

        topology.addSink(OUTBOUND_SINK, topics.outbound().name(), new StringSerializer(),
                AvroSerdes.valueSerde(OutboundWebhook.class, registry).serializer(), ROUTE_EVENTS);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter().name(), new ByteArraySerializer(),
                new ByteArraySerializer(), ROUTE_EVENTS, APPLY_CONFIGS);
        return topology;
    }
}
