package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.serde.WireFormat;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import org.apache.avro.Schema;

/**
 * A second version of {@code DomainEvent} (one more optional field) and events as its writer encodes
 * them: what a producer that upgraded its schema writes. {@link #next} also knows the id the registry
 * will give it, so records can carry that id before it is registered.
 */
record UnregisteredSchema(Schema schema, int id) {

    /** The schema, and the id the registry gives the next new schema (registries count ids up). */
    static UnregisteredSchema next(SchemaRegistryClient registry) {
        // Unique names: a registry gives the same content the same id, so each call needs content of its own.
        String unique = UUID.randomUUID().toString().replace("-", "");
        Schema probe = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Probe" + unique + "\",\"fields\":[]}");
        int lastId = registry.register("probe-" + unique + "-value", probe);
        String v1 = DomainEvent.getClassSchema().toString();
        Schema v2 = new Schema.Parser().parse(v1.substring(0, v1.lastIndexOf(']'))
                + ",{\"name\":\"origin_" + unique + "\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
        return new UnregisteredSchema(v2, lastId + 1);
    }

    /**
     * The event as this version's writer encodes it, framed with {@link #id}: the v1 body plus the new
     * optional field, null (one byte: union branch 0).
     *
     * @param v1Framed the event framed and encoded with the current schema
     */
    byte[] frame(byte[] v1Framed) {
        byte[] body = Arrays.copyOfRange(v1Framed, WireFormat.HEADER_SIZE, v1Framed.length);
        return ByteBuffer.allocate(WireFormat.HEADER_SIZE + body.length + 1).put(WireFormat.MAGIC_BYTE).putInt(id)
                .put(body).put((byte) 0).array();
    }
}
