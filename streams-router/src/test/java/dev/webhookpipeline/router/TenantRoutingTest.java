package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.schema.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The state-store serde, whose parsed entries are kept by content (the router reads one per event). */
class TenantRoutingTest {

    static final Instant CREATED = Instant.parse("2026-12-01T00:00:00Z");

    private final Serde<TenantRouting> serde = TenantRouting.serde();

    private byte[] write(TenantRouting routing) {
        return serde.serializer().serialize("store", routing);
    }

    private TenantRouting read(byte[] bytes) {
        return serde.deserializer().deserialize("store", bytes);
    }

    @Test
    void aChangedEntryIsReadAsChangedAfterTheOldOneWasKept() {
        TenantRouting before = new TenantRouting(false, true, CREATED, Set.of(EventType.values()[0]));
        TenantRouting after = new TenantRouting(false, false, CREATED, Set.of());
        byte[] stored = write(before);
        assertThat(read(stored)).isEqualTo(before);
        assertThat(read(stored.clone())).isEqualTo(before); // same content: the kept entry
        assertThat(read(write(after))).isEqualTo(after);
        assertThat(read(write(TenantRouting.DELETED))).isEqualTo(TenantRouting.DELETED);
    }

    @Test
    void moreEntriesThanItKeepsAreAllReadRight() {
        for (int i = 0; i < TenantRouting.PARSED_CACHE + 10; i++) {
            TenantRouting routing = new TenantRouting(false, i % 2 == 0, CREATED.plusMillis(i), Set.of());
            assertThat(read(write(routing))).isEqualTo(routing);
        }
    }

    @Test
    void corruptBytesAreASerializationErrorNotAKeptEntry() {
        byte[] corrupt = "{not json".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> read(corrupt)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> read(corrupt)).isInstanceOf(SerializationException.class);
    }
}
