package dev.webhookpipeline.redaction;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pass of undoing the escapes an endpoint may apply to what it echoes: JSON ({@code \"},
 * {@code \\}, {@code \/} and four-hex-digit unicode escapes), URL percent-encoding and HTML character
 * references, in either case of hex digit. Anything else reads as itself.
 */
final class Unescaping {

    private static final Pattern ESCAPE = Pattern.compile(
            "\\\\u([0-9a-fA-F]{4})"           // JSON unicode escape
            + "|\\\\([\"\\\\/'])"             // JSON backslash escape
            + "|%([0-9a-fA-F]{2})"            // URL percent-encoding
            + "|&#([0-9]{1,7});"              // HTML decimal reference
            + "|&#[xX]([0-9a-fA-F]{1,6});"    // HTML hex reference
            + "|&(amp|lt|gt|quot|apos);");    // HTML named references
    private static final Map<String, Character> NAMED = Map.of("amp", '&', "lt", '<', "gt", '>', "quot", '"', "apos", '\'');

    private Unescaping() {}

    static View unescape(View view) {
        View.Builder out = new View.Builder();
        String chars = view.chars();
        Matcher m = ESCAPE.matcher(chars);
        int at = 0;
        while (m.find()) {
            for (; at < m.start(); at++) {
                out.add(chars.charAt(at), view.from()[at], view.to()[at]);
            }
            out.add(decoded(m), view.from()[m.start()], view.to()[m.end() - 1]);
            at = m.end();
        }
        for (; at < chars.length(); at++) {
            out.add(chars.charAt(at), view.from()[at], view.to()[at]);
        }
        return out.build();
    }

    private static char decoded(Matcher m) {
        if (m.group(1) != null) {
            return (char) Integer.parseInt(m.group(1), 16);
        }
        if (m.group(2) != null) {
            return m.group(2).charAt(0);
        }
        if (m.group(3) != null) {
            return (char) Integer.parseInt(m.group(3), 16);
        }
        if (m.group(4) != null) {
            return codeUnit(Integer.parseInt(m.group(4)));
        }
        if (m.group(5) != null) {
            return codeUnit(Integer.parseInt(m.group(5), 16));
        }
        return NAMED.get(m.group(6));
    }

    /** A code point outside the BMP cannot be part of a printable-ASCII secret: it reads as a gap. */
    private static char codeUnit(int codePoint) {
        return codePoint <= Character.MAX_VALUE ? (char) codePoint : View.GAP;
    }
}
