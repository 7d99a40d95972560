package dev.webhookpipeline.redaction;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Masks what a text echoes of a secret, such as an endpoint's error body repeating the request.
 *
 * <p>The rule: every run of {@value #MIN_RUN} or more characters of the secret is masked, wherever
 * it starts or ends (so a secret cut off by an excerpt's end is caught too), both as written and as
 * the text reads once decoded — escapes (JSON's backslash and unicode escapes, {@code %2B}, {@code &#43;},
 * {@code &amp;}), base64 (standard or URL-safe, at any alignment) and hex, also one inside another
 * (URL-encoded JSON escapes, base64 of an escaped text). The characters of the text that a masked run
 * came from become {@value #MASK}. A secret of any alphabet is covered, {@code whsec_} base64 included.
 */
public final class EchoMask {

    /** Shorter runs are too likely to be chance (and carry little of a 16+ character secret). */
    public static final int MIN_RUN = 8;
    public static final String MASK = "****";
    /** Decodings applied one inside another, at most this deep. */
    private static final int MAX_DEPTH = 2;

    private EchoMask() {}

    /** {@code text} with every run of {@value #MIN_RUN}+ characters of {@code secret}, plain or encoded, masked. */
    public static String mask(String text, String secret) {
        return mask(text, List.of(secret == null ? "" : secret));
    }

    /**
     * The same for several secrets at once (a rotation's current and previous one): every run is
     * looked for in the text as it came, so masking one secret cannot hide a run of another.
     */
    public static String mask(String text, Collection<String> secrets) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        List<View> views = null;
        boolean[] masked = new boolean[text.length()];
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            int run = Math.min(MIN_RUN, secret.length());
            Set<String> runs = new HashSet<>();
            for (int i = 0; i + run <= secret.length(); i++) {
                runs.add(secret.substring(i, i + run));
            }
            views = views == null ? views(text) : views;
            for (View view : views) {
                view.markRuns(runs, run, masked);
            }
        }
        return views == null ? text : apply(text, masked);
    }

    /** The text itself and every decoding of it, up to {@link #MAX_DEPTH} deep. */
    private static List<View> views(String text) {
        List<View> all = new ArrayList<>();
        List<View> level = List.of(View.of(text));
        all.addAll(level);
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            List<View> next = new ArrayList<>();
            for (View view : level) {
                View unescaped = Unescaping.unescape(view);
                if (!unescaped.chars().equals(view.chars())) {
                    next.add(unescaped);
                }
                next.addAll(BinaryDecoding.base64(view));
                next.addAll(BinaryDecoding.hex(view));
            }
            all.addAll(next);
            level = next;
        }
        return all;
    }

    private static String apply(String text, boolean[] masked) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!masked[i]) {
                out.append(text.charAt(i));
            } else if (i == 0 || !masked[i - 1]) {
                out.append(MASK);
            }
        }
        return out.toString();
    }
}
