package dev.webhookpipeline.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of hostile input: mutations of valid Avro frames and hostile JSON for event data.
 * Shared by the fuzz tests of every module (common's test jar).
 */
public final class HostileArbitraries {

    private HostileArbitraries() {}

    public enum Kind {
        FLIP_BYTES, TRUNCATE, NEGATIVE_LENGTH, HUGE_LENGTH, UNKNOWN_SCHEMA_ID, WRONG_MAGIC_BYTE, EMPTY, TRAILING_GARBAGE
    }

    /** One change to a valid framed record; {@link #apply} is deterministic. */
    public record Mutation(Kind kind, int position, long number, byte[] garbage) {

        public byte[] apply(byte[] valid) {
            int at = Math.floorMod(position, Math.max(1, valid.length));
            int inBody = 5 + Math.floorMod(position, Math.max(1, valid.length - 5));
            return switch (kind) {
                case FLIP_BYTES -> {
                    byte[] copy = valid.clone();
                    for (int i = 0; i < garbage.length; i++) {
                        int p = Math.floorMod(position + i * 7919, valid.length - 5) + 5;
                        copy[p] ^= (byte) (garbage[i] == 0 ? 1 : garbage[i]);
                    }
                    yield copy;
                }
                case TRUNCATE -> Arrays.copyOf(valid, at);
                case NEGATIVE_LENGTH -> splice(valid, inBody, HostileRecords.varint(-1 - Math.abs(number % 1_000_000_000_000L)));
                case HUGE_LENGTH -> splice(valid, inBody, HostileRecords.varint(Integer.MAX_VALUE - 16 + Math.abs(number % (1L << 40))));
                case UNKNOWN_SCHEMA_ID -> {
                    byte[] copy = valid.clone();
                    ByteBuffer.wrap(copy, 1, 4).putInt((int) number);
                    yield copy;
                }
                case WRONG_MAGIC_BYTE -> {
                    byte[] copy = valid.clone();
                    copy[0] = (byte) (1 + Math.floorMod(number, 255));
                    yield copy;
                }
                case EMPTY -> new byte[0];
                case TRAILING_GARBAGE -> HostileRecords.concat(valid, garbage.length == 0 ? new byte[] {0} : garbage);
            };
        }

        /** Replaces the byte at {@code at} (and what follows up to the varint's size) with a varint. */
        private static byte[] splice(byte[] valid, int at, byte[] varint) {
            byte[] head = Arrays.copyOf(valid, at);
            byte[] tail = at + 1 < valid.length ? Arrays.copyOfRange(valid, at + 1, valid.length) : new byte[0];
            return HostileRecords.concat(head, varint, tail);
        }

        @Override
        public String toString() {
            return kind + "@" + position + "/" + number + "/" + garbage.length + "B";
        }
    }

    public static Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.longs(), Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8))
                .as(Mutation::new);
    }

    /** Event data a hostile or careless client could write: never a crash, at worst a listed problem. */
    public static Arbitrary<String> hostileData() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 4_000).map(HostileRecords::deeplyNested),
                Arbitraries.integers().between(1, 4_000).map(HostileRecords::longNumber),
                Arbitraries.integers().between(1, 4_000).map(d -> "{\"d\":0." + "3".repeat(d) + "e99999999}"),
                Arbitraries.just(HostileRecords.loneSurrogate()),
                Arbitraries.integers().between(64 * 1024 - 16, 64 * 1024 + 16).map(HostileRecords::hugeString),
                Arbitraries.of("[]", "[1,2]", "\"text\"", "42", "null", "true", "", " ", "{", "}", "{\"a\":}",
                        "{\"a\":1}{\"b\":2}", "\u0000", "{\"\\ud800\":1}", "{\"a\":NaN}", "{'a':1}"),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().ofMaxLength(50).map(s -> "{\"k\":\"" + s + "\"}"));
    }

    /** Text where an event_id (a UUID) belongs. */
    public static Arbitrary<String> hostileEventIds() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.of("", "not-a-uuid", "1-2-3-4-5", "1-2-3-4-99999999999999999999",
                        "00000000-0000-0000-0000-00000000000g", "\uD800", "-----", "ffffffff-ffff-ffff-ffff-ffffffffffff0"),
                Arbitraries.strings().withChars("0123456789abcdef-").ofMinLength(30).ofMaxLength(40));
    }
}
