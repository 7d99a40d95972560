package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.router.HostileScenario.Dead;
import dev.webhookpipeline.router.HostileScenario.Expect;
import dev.webhookpipeline.router.HostileScenario.Input;
import dev.webhookpipeline.router.HostileScenario.Out;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.serde.WireFormat;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.testing.PipelineFixture;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12 on a running router (real broker, real registry): hostile records written straight to the
 * events and config topics, interleaved with good events of the same and other tenants. The router
 * stays up, every certainly-bad record is in the dead-letter topic with a reason and no secret, and
 * every good event reaches the outbound topic in order with ids 1..n.
 */
@ExtendWith(RealServicesExtension.class)
class RouterBadInputIT {

    private static final Logger log = LoggerFactory.getLogger(RouterBadInputIT.class);

    @Test
    void hostileRecordsOnBothTopicsNeverStopTheRouter(TestServices services) throws Exception {
        long seed = Long.getLong("router.badinput.seed", System.nanoTime());
        // WARN: the test logging config shows nothing below it, and a failing seed must be replayable.
        log.warn("RouterBadInputIT seed {} (rerun with -Drouter.badinput.seed={})", seed, seed);
        try {
            run(services, new Random(seed));
        } catch (AssertionError e) {
            throw new AssertionError("with -Drouter.badinput.seed=" + seed + ": " + e.getMessage(), e);
        }
    }

    private void run(TestServices services, Random random) throws Exception {
        try (TestPipeline pipeline = new TestPipeline(services, "bad-input", 3);
                PipelineFixture.Reader<OutboundWebhook> outbound = pipeline.outbound();
                PipelineFixture.Reader<byte[]> deadLetters = pipeline.deadLetters()) {
            int eventSchemaId = WireFormat.schemaId(pipeline.encode(SampleRecords.event("x", EventType.TASK_CREATED, 0)));
            HostileScenario scenario = new HostileScenario("", 4, pipeline::encode, pipeline::encode, eventSchemaId);
            for (int i = 0; i < 150; i++) {
                scenario.add(HostileScenario.randomStep(random, 4));
            }
            // Every kind of step at least once, whatever the seed drew.
            for (int kind = 0; kind < HostileScenario.KINDS; kind++) {
                scenario.add(new HostileScenario.Step(kind, kind % 4, HostileScenario.randomStep(random, 4).mutation(),
                        "not-a-uuid"));
            }
            // A last good event per tenant: once each is out, everything before it on its partition was handled.
            for (int t = 0; t < 4; t++) {
                scenario.add(new HostileScenario.Step(0, t, HostileScenario.randomStep(random, 4).mutation(), ""));
            }
            long t0 = System.currentTimeMillis() - 60_000;
            List<Input> inputs = scenario.inputs;
            for (int i = 0; i < inputs.size(); i++) {
                Input input = inputs.get(i);
                if (input.config()) {
                    pipeline.sendConfig(input.key(), input.value(), t0 + i);
                } else {
                    pipeline.sendEvent(input.key(), input.value(), t0 + i);
                }
            }
            pipeline.flush();
            Set<UUID> expectedRouted = inputs.stream().filter(i -> i.expect() == Expect.ROUTED).map(Input::eventId)
                    .collect(Collectors.toSet());
            long certainlyBad = scenario.count(Expect.DEAD_LETTERED) + scenario.count(Expect.CONFIG_DEAD_LETTERED);
            log.info("{} inputs: {} good events, {} certainly bad, {} mutants", inputs.size(), expectedRouted.size(),
                    certainlyBad, scenario.count(Expect.DEAD_OR_DROPPED) + scenario.count(Expect.CONFIG_ANY));

            Map<String, String> values = new HashMap<>(pipeline.routerSettings());
            values.put("state.dir", Files.createTempDirectory("router-badinput").toString());
            try (Router router = new Router(RouterSettings.from(PipelineSettings.of(values)), pipeline.registry)) {
                router.start();
                var out = outbound.until(r -> r.stream().map(x -> x.value().getEventId()).collect(Collectors.toSet())
                        .containsAll(expectedRouted), Duration.ofSeconds(45));
                var dead = deadLetters.until(r -> r.stream()
                        .filter(d -> !scenario.mutantEvents.equals(d.key()) && !scenario.mutantConfigs.equals(d.key()))
                        .count() >= certainlyBad, Duration.ofSeconds(20));

                assertThat(router.state().isRunningOrRebalancing()).as("router state %s", router.state()).isTrue();
                scenario.verify(out.stream().map(r -> new Out(r.key(), r.value())).toList(),
                        dead.stream().map(r -> new Dead(r.key(), r.value(), r.headers())).toList(),
                        pipeline.topics.events().name(), pipeline.topics.tenantConfig().name());
                assertThat(dead).allSatisfy(d -> assertThat(DeadLetterHeaders.header(d.headers(),
                        DeadLetterHeaders.SOURCE_OFFSET)).isNotBlank());
                assertThat(router.counters().count(Outcome.DEAD_LETTERED)).isGreaterThanOrEqualTo(certainlyBad);

                // Still routing: a good event written now arrives too.
                DomainEvent after = SampleRecords.event(scenario.tenants.get(0), EventType.TASK_CREATED, 999);
                pipeline.sendEvent(after);
                pipeline.flush();
                outbound.until(r -> r.stream().anyMatch(x -> x.value().getEventId().equals(after.getEventId())),
                        Duration.ofSeconds(20));
                String reasons = dead.stream().map(d -> DeadLetterHeaders.header(d.headers(), DeadLetterHeaders.REASON))
                        .collect(Collectors.groupingBy(r -> r, Collectors.counting())).toString();
                log.info("dead letters by reason: {}", reasons);
                assertThat(new String(dead.get(0).key().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                        .isNotEmpty();
            }
        }
    }
}
