package dev.webhookpipeline.webhookctl.inspect;

import dev.webhookpipeline.settings.Durations;
import dev.webhookpipeline.settings.SettingsException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Where a read starts ({@code --from}) or stops ({@code --to}) in each partition: the beginning, the
 * end, an offset, or a time (found with Kafka's {@code offsetsForTimes}: the first record whose
 * timestamp is at or after it).
 */
public sealed interface RangeBound {

    String FORMS = "an offset (a whole number), a time (2026-12-02T10:00:00Z, 2026-12-02T11:00+01:00 or"
            + " 2026-12-02 for midnight UTC), a duration ago (90s, 30m, 1h, 7d), 'beginning' or 'end'";

    record Beginning() implements RangeBound {}

    record End() implements RangeBound {}

    record AtOffset(long offset) implements RangeBound {}

    record AtTime(Instant time) implements RangeBound {}

    /**
     * @param option the option's name, for the message
     * @throws IllegalArgumentException naming the option and the forms it accepts
     */
    static RangeBound parse(String option, String text, Clock clock) {
        String value = text == null ? "" : text.strip();
        if (value.equalsIgnoreCase("beginning")) {
            return new Beginning();
        }
        if (value.equalsIgnoreCase("end")) {
            return new End();
        }
        if (value.matches("\\d{1,18}")) {
            return new AtOffset(Long.parseLong(value));
        }
        try {
            return new AtTime(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException notADateTime) {
            // next form
        }
        try {
            return new AtTime(LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException notADate) {
            // next form
        }
        try {
            return new AtTime(clock.instant().minus(Durations.parse(option, value)));
        } catch (SettingsException | ArithmeticException | DateTimeParseException notADuration) {
            throw new IllegalArgumentException(option + " '" + text + "' is not " + FORMS);
        }
    }

    /** The timestamp this bound stands for, or null for a position that is not a time. */
    default Instant time() {
        return this instanceof AtTime at ? at.time() : null;
    }
}
