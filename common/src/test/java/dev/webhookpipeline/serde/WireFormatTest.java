package dev.webhookpipeline.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void readsTheBigEndianSchemaId() {
        byte[] framed = ByteBuffer.allocate(6).put((byte) 0).putInt(0x01020304).put((byte) 9).array();
        assertThat(WireFormat.schemaId(framed)).isEqualTo(0x01020304);
    }

    @Test
    void rejectsUnframedBytes() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[0])).hasMessageContaining("0 bytes");
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1}))
                .hasMessageContaining("magic byte 0x01 (expected 0x00)");
    }
}
