package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.router.HostileScenario.Dead;
import dev.webhookpipeline.router.HostileScenario.Input;
import dev.webhookpipeline.router.HostileScenario.Out;
import dev.webhookpipeline.router.HostileScenario.Step;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing the router's topology (TopologyTestDriver, fake registry, no broker): random sequences of
 * good events of three tenants interleaved with hostile records on the events and config topics.
 * The router never throws, dead-letters every bad record with a reason (never a secret), and routes
 * every good event in order with ids 1..n.
 */
class RouterFuzzTest {

    static RouterDriver router;
    static final AtomicInteger TRIES = new AtomicInteger();

    @BeforeContainer
    static void start() {
        router = new RouterDriver();
    }

    @AfterContainer
    static void stop() {
        router.close();
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        return HostileScenario.steps(3).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 80)
    void everyBadRecordIsDeadLetteredAndEveryGoodEventRoutedInOrder(@ForAll("scenarios") List<Step> steps) {
        HostileScenario scenario = new HostileScenario("try" + TRIES.incrementAndGet() + "-", 3, router::encode,
                router::encode, router.eventSchemaId());
        steps.forEach(scenario::add);
        long deadBefore = router.counters.count(Outcome.DEAD_LETTERED);
        long routedBefore = router.counters.count(Outcome.ROUTED);

        for (Input input : scenario.inputs) {
            (input.config() ? router.configs : router.events).pipeInput(input.key(), input.value());
        }

        List<Out> outbound = router.outbound.readRecordsToList().stream().map(r -> new Out(r.key(), r.value())).toList();
        List<Dead> dead = router.deadLetters.readRecordsToList().stream()
                .map(r -> new Dead(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(),
                        r.headers()))
                .toList();
        scenario.verify(outbound, dead, router.topics.events().name(), router.topics.tenantConfig().name());
        assertThat(router.counters.count(Outcome.DEAD_LETTERED) - deadBefore).isEqualTo(dead.size());
        assertThat(router.counters.count(Outcome.ROUTED) - routedBefore).isEqualTo(outbound.size());
        assertThat(dead.size()).isGreaterThanOrEqualTo((int) (scenario.count(HostileScenario.Expect.DEAD_LETTERED)
                + scenario.count(HostileScenario.Expect.CONFIG_DEAD_LETTERED)));
        assertThat(Arrays.asList(steps.toArray())).isNotEmpty();
    }
}
