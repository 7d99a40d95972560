package dev.webhookpipeline.settings;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations people write: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 12h}, {@code 30d}, or ISO-8601 {@code PT5M}. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String what, String text) {
        String value = text.strip();
        Matcher m = SIMPLE.matcher(value);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new SettingsException(what + " must be a duration like 500ms, 30s, 5m, 12h, 30d or PT5M, got '" + text + "'");
        }
    }
}
