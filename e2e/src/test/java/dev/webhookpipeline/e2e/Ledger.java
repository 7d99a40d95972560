package dev.webhookpipeline.e2e;

import dev.webhookpipeline.schema.EventType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a scenario produced, written down as it happened (not computed by the pipeline's code): per
 * tenant, each event in production order with whether the tenant's config in force at that moment
 * wanted it, and the config timeline with the instants (System.nanoTime) each change began and was
 * acknowledged by Kafka.
 */
final class Ledger {

    /** One produced event; {@code kept} = the tenant was enabled and had its type enabled when it was produced. */
    record Produced(UUID eventId, EventType type, long producedAtNanos, boolean kept) {}

    /** One config as written: in force from {@code startNanos} (the write began) on. */
    record ConfigChange(long startNanos, long doneNanos, boolean enabled, Set<EventType> types, String secret) {
        boolean wants(EventType type) {
            return enabled && types.contains(type);
        }

        @Override
        public String toString() { // failure messages may print it: never the secret
            return "ConfigChange[start=" + startNanos + ", done=" + doneNanos + ", enabled=" + enabled + ", types=" + types
                    + ", secret=***]";
        }
    }

    private final Map<String, List<Produced>> events = new LinkedHashMap<>();
    private final Map<String, List<ConfigChange>> configs = new LinkedHashMap<>();

    synchronized void config(String tenant, ConfigChange change) {
        configs.computeIfAbsent(tenant, t -> new ArrayList<>()).add(change);
    }

    synchronized ConfigChange current(String tenant) {
        List<ConfigChange> list = configs.get(tenant);
        return list == null ? null : list.get(list.size() - 1);
    }

    synchronized void produced(String tenant, Produced event) {
        events.computeIfAbsent(tenant, t -> new ArrayList<>()).add(event);
    }

    synchronized List<String> tenants() {
        List<String> all = new ArrayList<>(configs.keySet());
        events.keySet().stream().filter(t -> !all.contains(t)).forEach(all::add);
        return all;
    }

    synchronized List<Produced> events(String tenant) {
        return List.copyOf(events.getOrDefault(tenant, List.of()));
    }

    synchronized List<ConfigChange> configs(String tenant) {
        return List.copyOf(configs.getOrDefault(tenant, List.of()));
    }
}
