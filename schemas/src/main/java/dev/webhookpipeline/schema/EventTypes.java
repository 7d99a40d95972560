package dev.webhookpipeline.schema;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Facts about {@link EventType} that the Avro enum cannot carry as Java: which types are
 * deprecated (read from the schema's own {@code deprecatedSymbols}, so the .avsc stays the one
 * source) and parsing of wire names typed by people.
 */
public final class EventTypes {

    static {
        SchemaClasses.trust();
    }

    private static final Set<EventType> DEPRECATED = readDeprecated();
    private static final Map<String, EventType> BY_NAME = Arrays.stream(EventType.values())
            .collect(Collectors.toUnmodifiableMap(Enum::name, t -> t));

    private EventTypes() {}

    /** Types the platform still delivers but new tenants should not enable. */
    public static Set<EventType> deprecated() {
        return Collections.unmodifiableSet(DEPRECATED);
    }

    public static boolean isDeprecated(EventType type) {
        return DEPRECATED.contains(type);
    }

    /** Wire name, e.g. {@code RISK_LEVEL_CHANGED}. */
    public static String wireName(EventType type) {
        return type.name();
    }

    /**
     * Parses a wire name, ignoring case and surrounding blanks; accepts {@code risk-level-changed}
     * too. Empty when the name is not a known type.
     */
    public static Optional<EventType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        EventType exact = BY_NAME.get(name); // the common case, on the router's path for every event
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(BY_NAME.get(name.strip().replace('-', '_').replace(' ', '_').toUpperCase(Locale.ROOT)));
    }

    /** All wire names, for error messages and help text. */
    public static List<String> wireNames() {
        return Arrays.stream(EventType.values()).map(Enum::name).toList();
    }

    private static Set<EventType> readDeprecated() {
        Object prop = EventType.getClassSchema().getObjectProp("deprecatedSymbols");
        if (!(prop instanceof List<?> names)) {
            throw new IllegalStateException("EventType.avsc lost its deprecatedSymbols list");
        }
        return names.stream()
                .map(n -> EventType.valueOf(n.toString()))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(EventType.class)));
    }
}
