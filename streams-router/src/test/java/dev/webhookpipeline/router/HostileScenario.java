package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.event.DomainEventRules;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testing.HostileArbitraries;
import dev.webhookpipeline.testing.HostileArbitraries.Mutation;
import dev.webhookpipeline.testing.HostileRecords;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.kafka.common.header.Headers;

/**
 * Good events of a few tenants interleaved with hostile records on both input topics, with what
 * the router must make of each: the good events routed in order (ids 1..n), each certainly-bad
 * record dead-lettered with a reason, random mutants dead-lettered or dropped (never routed: their
 * tenant has no config), and no config's secret in any dead letter. Used by the fast property test
 * (TopologyTestDriver) and by the integration test (a running router on the real broker).
 */
final class HostileScenario {

    enum Expect { ROUTED, DEAD_LETTERED, DEAD_OR_DROPPED, CONFIG_APPLIED, CONFIG_DEAD_LETTERED, CONFIG_ANY }

    record Input(boolean config, String key, byte[] value, Expect expect, UUID eventId) {}

    /** One generated step; {@code kind} picks what (see {@link #add}). */
    record Step(int kind, int tenant, Mutation mutation, String text) {}

    record Out(String key, OutboundWebhook webhook) {}

    record Dead(String key, byte[] value, Headers headers) {
        String header(String name) {
            return DeadLetterHeaders.header(headers, name);
        }
    }

    static final int KINDS = 10;

    static Arbitrary<Step> steps(int tenants) {
        return Combinators.combine(Arbitraries.integers().between(0, KINDS - 1), Arbitraries.integers().between(0, tenants - 1),
                HostileArbitraries.mutations(),
                Arbitraries.oneOf(HostileArbitraries.hostileData(), HostileArbitraries.hostileEventIds()))
                .as(Step::new);
    }

    /** The same kinds of steps from a seeded Random, for the integration test (reproducible, no jqwik run). */
    static Step randomStep(Random random, int tenants) {
        HostileArbitraries.Kind[] kinds = HostileArbitraries.Kind.values();
        byte[] garbage = new byte[1 + random.nextInt(6)];
        random.nextBytes(garbage);
        Mutation mutation = new Mutation(kinds[random.nextInt(kinds.length)], random.nextInt(1_000), random.nextLong(),
                garbage);
        String[] texts = {HostileRecords.deeplyNested(1_000 + random.nextInt(3_000)),
                HostileRecords.longNumber(1_000 + random.nextInt(3_000)), HostileRecords.loneSurrogate(),
                HostileRecords.hugeString(64 * 1024 - 8 + random.nextInt(16)), "[1,2]", "\"text\"", "", "not-a-uuid",
                "1-2-3-4-99999999999999999999", "{\"ok\":" + random.nextInt() + "}"};
        return new Step(random.nextInt(KINDS), random.nextInt(tenants), mutation, texts[random.nextInt(texts.length)]);
    }

    private final Function<DomainEvent, byte[]> encodeEvent;
    private final Function<WebhookConfig, byte[]> encodeConfig;
    private final int eventSchemaId;
    final List<String> tenants = new ArrayList<>();
    final String mutantEvents;
    final String mutantConfigs;
    final List<Input> inputs = new ArrayList<>();
    private final Set<String> secrets = new HashSet<>();
    private int n;

    HostileScenario(String prefix, int tenantCount, Function<DomainEvent, byte[]> encodeEvent,
            Function<WebhookConfig, byte[]> encodeConfig, int eventSchemaId) {
        this.encodeEvent = encodeEvent;
        this.encodeConfig = encodeConfig;
        this.eventSchemaId = eventSchemaId;
        for (int t = 0; t < tenantCount; t++) {
            tenants.add(prefix + "tenant-" + t);
        }
        mutantEvents = prefix + "mutant-events";
        mutantConfigs = prefix + "mutant-configs";
        for (String tenant : tenants) {
            inputs.add(new Input(true, tenant, encodeConfig.apply(config(tenant)), Expect.CONFIG_APPLIED, null));
        }
    }

    private WebhookConfig config(String tenant) {
        WebhookConfig config = WebhookConfig.newBuilder(
                SampleRecords.config(tenant, "https://example.com/h", List.of(EventType.TASK_CREATED)))
                .setSecret("s3cret-" + UUID.randomUUID()).build();
        secrets.add(TestSecrets.remember("tenant " + tenant, config.getSecret()));
        return config;
    }

    private DomainEvent event(String tenant) {
        return SampleRecords.event(tenant, EventType.TASK_CREATED, ++n);
    }

    void add(Step step) {
        String tenant = tenants.get(step.tenant());
        Mutation mutation = step.mutation();
        switch (step.kind()) {
            case 0, 1, 2 -> {
                DomainEvent event = event(tenant);
                inputs.add(new Input(false, tenant, encodeEvent.apply(event), Expect.ROUTED, event.getEventId()));
            }
            case 3 -> { // any text where the UUID belongs
                UUID parsed = uuid(step.text());
                byte[] value = HostileRecords.framed(eventSchemaId,
                        HostileRecords.eventAvro(step.text(), tenant, EventType.TASK_CREATED, "{}"));
                inputs.add(new Input(false, tenant, value, parsed == null ? Expect.DEAD_LETTERED : Expect.ROUTED, parsed));
            }
            case 4 -> { // hostile data
                DomainEvent event = DomainEvent.newBuilder(event(tenant)).setData(step.text()).build();
                boolean valid = DomainEventRules.problems(event).isEmpty();
                inputs.add(new Input(false, tenant, encodeEvent.apply(event), valid ? Expect.ROUTED : Expect.DEAD_LETTERED,
                        event.getEventId()));
            }
            case 5 -> { // a random mutant, keyed by a tenant without config: dead-lettered or dropped
                byte[] value = mutation.apply(encodeEvent.apply(event(mutantEvents)));
                inputs.add(new Input(false, mutantEvents, value, Expect.DEAD_OR_DROPPED, null));
            }
            case 6 -> inputs.add(new Input(false, tenant, certainlyBadEvent(tenant, mutation), Expect.DEAD_LETTERED, null));
            case 7 -> inputs.add(new Input(true, tenant, certainlyBadConfig(tenant, mutation), Expect.CONFIG_DEAD_LETTERED,
                    null));
            case 8 -> inputs.add(new Input(true, mutantConfigs, mutation.apply(encodeConfig.apply(config(mutantConfigs))),
                    Expect.CONFIG_ANY, null));
            default -> { // a tombstone on the events topic, or an event of the tenant under another key
                DomainEvent event = event(tenant);
                inputs.add(new Input(false, step.tenant() % 2 == 0 ? tenant : tenant + "-other",
                        step.tenant() % 2 == 0 ? null : encodeEvent.apply(event), Expect.DEAD_LETTERED, null));
            }
        }
    }

    private byte[] certainlyBadEvent(String tenant, Mutation mutation) {
        byte[] valid = encodeEvent.apply(event(tenant));
        return switch (mutation.kind()) {
            case FLIP_BYTES, NEGATIVE_LENGTH -> {
                byte[] copy = valid.clone();
                copy[5] = 0x01; // event_id's length: -1
                yield copy;
            }
            case TRUNCATE -> Arrays.copyOf(valid, 5 + Math.floorMod(mutation.position(), 20)); // inside the event_id
            case HUGE_LENGTH -> HostileRecords.framed(eventSchemaId,
                    HostileRecords.concat(HostileRecords.varint(1L << 40), new byte[] {1}));
            case UNKNOWN_SCHEMA_ID -> HostileRecords.framed(10_000_000 + Math.floorMod(mutation.position(), 1_000),
                    Arrays.copyOfRange(valid, 5, valid.length));
            case WRONG_MAGIC_BYTE -> {
                byte[] copy = valid.clone();
                copy[0] = (byte) (1 + Math.floorMod(mutation.number(), 255));
                yield copy;
            }
            case EMPTY -> new byte[0];
            case TRAILING_GARBAGE -> HostileRecords.concat(valid, new byte[] {0, 1});
        };
    }

    private byte[] certainlyBadConfig(String tenant, Mutation mutation) {
        return switch (mutation.kind()) {
            case FLIP_BYTES, TRAILING_GARBAGE -> encodeConfig.apply(config(tenant + "-intruder")); // tenant_id != key
            case TRUNCATE, HUGE_LENGTH -> {
                byte[] valid = encodeConfig.apply(config(tenant));
                yield Arrays.copyOf(valid, valid.length - 3); // still holds the secret
            }
            case NEGATIVE_LENGTH -> {
                byte[] copy = encodeConfig.apply(config(tenant)).clone();
                copy[5] = 0x03; // tenant_id's length: -2
                yield copy;
            }
            case UNKNOWN_SCHEMA_ID, WRONG_MAGIC_BYTE, EMPTY -> {
                byte[] copy = encodeConfig.apply(config(tenant)).clone();
                copy[0] = 7;
                yield copy;
            }
        };
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    long count(Expect expect) {
        return inputs.stream().filter(i -> i.expect() == expect).count();
    }

    /** Checks what the router wrote against what each input deserved. */
    void verify(List<Out> outbound, List<Dead> deadLetters, String eventsTopic, String configTopic) {
        // Good events: every one routed, in order, numbered 1..n per tenant; nothing else for these tenants.
        Map<String, List<UUID>> expected = new HashMap<>();
        inputs.stream().filter(i -> i.expect() == Expect.ROUTED)
                .forEach(i -> expected.computeIfAbsent(i.key(), k -> new ArrayList<>()).add(i.eventId()));
        Map<String, List<OutboundWebhook>> routed = new HashMap<>();
        outbound.forEach(o -> routed.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o.webhook()));
        for (String tenant : tenants) {
            List<OutboundWebhook> got = routed.getOrDefault(tenant, List.of());
            assertThat(got).extracting(OutboundWebhook::getEventId).as("webhooks of %s", tenant)
                    .containsExactlyElementsOf(expected.getOrDefault(tenant, List.of()));
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i).getWebhookId()).as("%s #%d", tenant, i).isEqualTo(i + 1L);
            }
        }
        assertThat(routed.keySet()).as("only good tenants get webhooks").isSubsetOf(tenants);

        // Every dead letter has a reason and a source; none carries a secret, in its value or headers.
        for (Dead dead : deadLetters) {
            assertThat(dead.header(DeadLetterHeaders.REASON)).isNotBlank();
            assertThat(dead.header(DeadLetterHeaders.MESSAGE)).isNotNull();
            assertThat(dead.header(DeadLetterHeaders.SOURCE_TOPIC)).isIn(eventsTopic, configTopic);
            assertThat(dead.header(DeadLetterHeaders.COMPONENT)).isEqualTo("streams-router");
            for (String secret : secrets) {
                assertThat(holds(dead.value(), secret)).as("secret in a dead letter's value").isFalse();
                dead.headers().forEach(h -> assertThat(holds(h.value(), secret)).as("secret in header " + h.key()).isFalse());
            }
        }
        // Certainly-bad events of the good tenants (and other keys): dead-lettered with their bytes, in
        // order per key (one key = one partition; partitions are not ordered among themselves).
        Map<String, List<byte[]>> badEvents = new HashMap<>();
        inputs.stream().filter(i -> !i.config() && i.expect() == Expect.DEAD_LETTERED)
                .forEach(i -> badEvents.computeIfAbsent(i.key(), k -> new ArrayList<>()).add(i.value()));
        Map<String, List<byte[]>> deadEvents = new HashMap<>();
        deadLetters.stream()
                .filter(d -> d.header(DeadLetterHeaders.SOURCE_TOPIC).equals(eventsTopic) && !mutantEvents.equals(d.key()))
                .forEach(d -> deadEvents.computeIfAbsent(d.key(), k -> new ArrayList<>()).add(d.value()));
        assertThat(deadEvents.keySet()).as("keys of dead-lettered events").isEqualTo(badEvents.keySet());
        badEvents.forEach((key, values) -> assertThat(deadEvents.get(key)).as("dead-lettered events of %s", key)
                .containsExactlyElementsOf(values));
        long deadConfigsOfGoodTenants = deadLetters.stream()
                .filter(d -> d.header(DeadLetterHeaders.SOURCE_TOPIC).equals(configTopic) && tenants.contains(d.key()))
                .peek(d -> assertThat(d.header(DeadLetterHeaders.VALUE)).isNotNull())
                .count();
        assertThat(deadConfigsOfGoodTenants).isEqualTo(count(Expect.CONFIG_DEAD_LETTERED));
        long deadMutants = deadLetters.stream().filter(d -> mutantEvents.equals(d.key())).count();
        assertThat(deadMutants).isLessThanOrEqualTo(count(Expect.DEAD_OR_DROPPED));
    }

    private static boolean holds(byte[] value, String text) {
        return value != null && new String(value, StandardCharsets.ISO_8859_1).contains(text);
    }
}
