package dev.webhookpipeline.serde;

import java.nio.ByteBuffer;

/**
 * Confluent's framing of an Avro record: magic byte 0, the writer schema's registry id as a
 * big-endian int32, then Avro binary.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /** The schema id of a framed record; throws with a clear reason when the bytes are not framed. */
    public static int schemaId(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new AvroDecodeException(AvroDecodeException.Reason.TOO_SHORT,
                    "record is " + data.length + " bytes, shorter than the 5-byte schema-registry header"
                            + " (magic byte + schema id): not written by a schema-registry Avro serializer", null);
        }
        if (data[0] != MAGIC_BYTE) {
            throw new AvroDecodeException(AvroDecodeException.Reason.BAD_MAGIC_BYTE,
                    String.format("unknown magic byte 0x%02x (expected 0x00): the record was not written by a"
                            + " schema-registry Avro serializer", data[0]), null);
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    static void writeHeader(ByteBuffer out, int schemaId) {
        out.put(MAGIC_BYTE).putInt(schemaId);
    }
}
