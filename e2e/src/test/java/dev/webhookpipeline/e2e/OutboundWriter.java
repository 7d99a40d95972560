package dev.webhookpipeline.e2e;

import dev.webhookpipeline.e2e.Ledger.Produced;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes outbound webhooks straight to a pipeline's outbound topic, as the router does (key: tenant,
 * per-tenant webhook ids 1, 2, 3…, in transactions), but under any registered version of the
 * outbound schema: the class's own (v1) or a newer compatible one, such as a router already upgraded
 * would write. Each webhook is written down in the pipeline's {@link Ledger} as a kept event.
 */
final class OutboundWriter implements AutoCloseable {

    /** The outbound schema as the pipeline's classes know it. */
    static final Schema V1 = OutboundWebhook.getClassSchema();

    /** One webhook as written: where it landed and under which schema id. */
    record Written(String tenant, long webhookId, int schemaId, int partition, long offset) {}

    private final E2ePipeline pipeline;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Map<String, Long> lastId = new HashMap<>();
    private final List<Written> written = new ArrayList<>();
    private final Random random;

    OutboundWriter(E2ePipeline pipeline) {
        this.pipeline = pipeline;
        this.topic = pipeline.topics.outbound().name();
        this.random = new Random(pipeline.seed ^ 0x5EED);
        Map<String, Object> props = new HashMap<>(pipeline.kafka());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, pipeline.topics.prefix() + "outbound-writer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    /**
     * The outbound schema with one more field, an optional string defaulting to null: a compatible
     * v2 under the subject's BACKWARD_TRANSITIVE rule (it reads every v1 record).
     */
    static Schema withOptionalField(Schema schema, String field) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(field, Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "Added in v2 (optional).", JsonProperties.NULL_VALUE));
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** Registers {@code schema} under the outbound subject through the registry the test uses directly; its id. */
    int register(Schema schema) {
        return pipeline.registry.register(pipeline.topics.outbound().valueSubject(), schema);
    }

    /**
     * One transaction of {@code rounds} rounds, each the next webhook of every tenant in turn, the
     * one of webhook id {@code n} written under {@code schemaFor(tenant, n)}; returns once committed.
     */
    List<Written> writeRounds(List<String> tenants, int rounds, BiFunction<String, Long, Schema> schemaFor) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<String> sentTenant = new ArrayList<>();
        List<Long> sentId = new ArrayList<>();
        List<Integer> sentSchema = new ArrayList<>();
        producer.beginTransaction();
        for (int round = 0; round < rounds; round++) {
            for (String tenant : tenants) {
                long id = lastId.merge(tenant, 1L, Long::sum);
                Schema schema = schemaFor.apply(tenant, id);
                int schemaId = register(schema);
                EventType type = E2ePipeline.TYPES.get(random.nextInt(E2ePipeline.TYPES.size()));
                UUID eventId = UUID.randomUUID();
                long at = System.nanoTime();
                sent.add(producer.send(new ProducerRecord<>(topic, tenant, encode(schema, schemaId, tenant, id, eventId, type))));
                sentTenant.add(tenant);
                sentId.add(id);
                sentSchema.add(schemaId);
                pipeline.ledger.produced(tenant, new Produced(eventId, type, at, true));
            }
        }
        producer.commitTransaction();
        List<Written> out = new ArrayList<>();
        try {
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sent.get(i).get();
                out.add(new Written(sentTenant.get(i), sentId.get(i), sentSchema.get(i), m.partition(), m.offset()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not write outbound webhooks", e.getCause());
        }
        written.addAll(out);
        return out;
    }

    /** Everything written so far, in write order. */
    List<Written> written() {
        return List.copyOf(written);
    }

    /** Confluent framing (magic byte 0, schema id) + the Avro binary of one webhook under {@code schema}. */
    private static byte[] encode(Schema schema, int schemaId, String tenant, long id, UUID eventId, EventType type) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        GenericRecordBuilder builder = new GenericRecordBuilder(schema)
                .set("tenant_id", tenant)
                .set("webhook_id", id)
                .set("event_id", eventId.toString())
                .set("event_type", new GenericData.EnumSymbol(schema.getField("event_type").schema(), type.name()))
                .set("occurred_at", now.toEpochMilli())
                .set("routed_at", now.toEpochMilli())
                .set("body", "{\"id\":" + id + ",\"event_id\":\"" + eventId + "\",\"event\":\"" + type
                        + "\",\"timestamp\":" + now.getEpochSecond() + ",\"data\":{\"schema_id\":" + schemaId + "}}");
        for (Schema.Field f : schema.getFields()) {
            if (V1.getField(f.name()) == null) {
                builder.set(f, "v2-" + tenant + "-" + id); // the newer version's own field carries a value
            }
        }
        GenericRecord record = builder.build();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
