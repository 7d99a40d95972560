package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.dispatcher.status.TenantQueueStatus.State;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex.Query;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex.Sort;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The status API's list parameters, read from a request: {@code state} (comma-separated
 * {@code STALLED,WAITING,EMPTY}), {@code q} (part of the tenant id, any case), {@code sort}
 * ({@code operator}, {@code tenant}, {@code waiting}, {@code lastProcessed}, {@code nextRetry}),
 * {@code order} ({@code asc}/{@code desc}, default per sort), {@code offset} and {@code limit}
 * (1–{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}). Anything else is refused with a message
 * that says what is accepted.
 */
public final class TenantQuery {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;
    private static final int MAX_TEXT = 200;

    private TenantQuery() {}

    /** @throws IllegalArgumentException saying which parameter is wrong and what it accepts */
    public static Query parse(Function<String, String> param) {
        Set<State> states = states(param.apply("state"));
        String text = param.apply("q");
        if (text != null && text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("q is longer than " + MAX_TEXT + " characters");
        }
        Sort sort = sort(param.apply("sort"));
        boolean descending = order(param.apply("order"), sort);
        int offset = number(param.apply("offset"), "offset", 0, 0, Integer.MAX_VALUE);
        int limit = number(param.apply("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        return new Query(states, text == null ? "" : text.strip(), sort, descending, offset, limit);
    }

    private static Set<State> states(String value) {
        if (value == null || value.isBlank()) {
            return EnumSet.noneOf(State.class); // every state
        }
        Set<State> states = EnumSet.noneOf(State.class);
        for (String name : value.split(",")) {
            try {
                states.add(State.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("state must be one or more of "
                        + Arrays.stream(State.values()).map(Enum::name).collect(Collectors.joining(",")) + " (comma-separated)");
            }
        }
        return states;
    }

    private static Sort sort(String value) {
        if (value == null || value.isBlank()) {
            return Sort.OPERATOR;
        }
        for (Sort sort : Sort.values()) {
            if (sort.apiName.equalsIgnoreCase(value.strip())) {
                return sort;
            }
        }
        throw new IllegalArgumentException("sort must be one of "
                + Arrays.stream(Sort.values()).map(s -> s.apiName).collect(Collectors.joining(", ")));
    }

    private static boolean order(String value, Sort sort) {
        if (value == null || value.isBlank()) {
            return sort.descendingByDefault;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "asc" -> false;
            case "desc" -> true;
            default -> throw new IllegalArgumentException("order must be asc or desc");
        };
    }

    private static int number(String value, String name, int absent, int min, int max) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max);
    }
}
