package dev.webhookpipeline.redaction;

import java.util.Arrays;
import java.util.Set;

/**
 * A reading of a text: its characters, each with the span {@code [from, to)} of the original text it
 * came from. Decoding a view gives a view of the same original text, so a run found in any decoding
 * masks exactly the original characters that spelled it.
 */
record View(String chars, int[] from, int[] to) {

    /** A character that joins decoded pieces: never part of a secret, so no run spans two pieces. */
    static final char GAP = '\0';

    static View of(String text) {
        int[] from = new int[text.length()];
        int[] to = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            from[i] = i;
            to[i] = i + 1;
        }
        return new View(text, from, to);
    }

    /** Marks in {@code masked} the original characters of every window of {@code run} characters found in {@code runs}. */
    void markRuns(Set<String> runs, int run, boolean[] masked) {
        for (int i = 0; i + run <= chars.length(); i++) {
            if (runs.contains(chars.substring(i, i + run))) {
                for (int k = i; k < i + run; k++) {
                    for (int m = from[k]; m < to[k]; m++) {
                        masked[m] = true;
                    }
                }
            }
        }
    }

    /** Builds a view of the same original text, one decoded character at a time. */
    static final class Builder {
        private final StringBuilder chars = new StringBuilder();
        private int[] from = new int[16];
        private int[] to = new int[16];

        /** A character decoded from the original span {@code [start, end)}. */
        void add(char c, int start, int end) {
            if (chars.length() == from.length) {
                from = Arrays.copyOf(from, from.length * 2);
                to = Arrays.copyOf(to, to.length * 2);
            }
            from[chars.length()] = start;
            to[chars.length()] = end;
            chars.append(c);
        }

        void gap() {
            if (!chars.isEmpty() && chars.charAt(chars.length() - 1) != GAP) {
                add(GAP, 0, 0);
            }
        }

        boolean isEmpty() {
            return chars.isEmpty();
        }

        View build() {
            return new View(chars.toString(), Arrays.copyOf(from, chars.length()),
                    Arrays.copyOf(to, chars.length()));
        }
    }
}
