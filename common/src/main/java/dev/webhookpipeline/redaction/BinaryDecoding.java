package dev.webhookpipeline.redaction;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads runs of base64 or hex in a view as the bytes they encode (one character per byte), at every
 * alignment, since an echo may start anywhere in an encoded run (e.g. after {@code user:} in Basic
 * credentials). Runs too short to encode {@link EchoMask#MIN_RUN} bytes are skipped.
 */
final class BinaryDecoding {

    private BinaryDecoding() {}

    /** One view per alignment (0–3) of every base64 run, standard or URL-safe alphabet. */
    static List<View> base64(View view) {
        return decode(view, 4, 3, BinaryDecoding::sextet);
    }

    /** One view per alignment (0–1) of every hex run. */
    static List<View> hex(View view) {
        return decode(view, 2, 1, BinaryDecoding::nibble);
    }

    private interface Alphabet {
        /** The digit's value, or -1 when the character is not in the alphabet. */
        int value(char c);
    }

    /**
     * @param group characters per group (4 for base64, 2 for hex)
     * @param bytes bytes a full group encodes (3, 1)
     */
    private static List<View> decode(View view, int group, int bytes, Alphabet alphabet) {
        int bitsPerChar = bytes * 8 / group;
        int shortest = (EchoMask.MIN_RUN * 8 + bitsPerChar - 1) / bitsPerChar;
        String chars = view.chars();
        List<View> views = new ArrayList<>();
        for (int align = 0; align < group; align++) {
            View.Builder out = new View.Builder();
            int i = 0;
            while (i < chars.length()) {
                int start = i;
                while (i < chars.length() && alphabet.value(chars.charAt(i)) >= 0) {
                    i++;
                }
                if (i - start >= shortest + align) {
                    decodeRun(view, start + align, i, bitsPerChar, alphabet, out);
                    out.gap();
                }
                i++;
            }
            if (!out.isEmpty()) {
                views.add(out.build());
            }
        }
        return views;
    }

    /** Decodes {@code [start, end)} of the view bit by bit: each byte spans the characters its bits came from. */
    private static void decodeRun(View view, int start, int end, int bitsPerChar, Alphabet alphabet, View.Builder out) {
        int buffer = 0;
        int bits = 0;
        int firstChar = start;
        for (int i = start; i < end; i++) {
            buffer = (buffer << bitsPerChar) | alphabet.value(view.chars().charAt(i));
            bits += bitsPerChar;
            if (bits >= 8) {
                bits -= 8;
                out.add((char) ((buffer >> bits) & 0xFF), view.from()[firstChar], view.to()[i]);
                buffer &= (1 << bits) - 1;
                firstChar = bits == 0 ? i + 1 : i;
            }
        }
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return switch (c) {
            case '+', '-' -> 62;
            case '/', '_' -> 63;
            default -> -1;
        };
    }

    private static int nibble(char c) {
        return c < 128 ? Character.digit(c, 16) : -1; // ASCII hex only
    }
}
