package dev.webhookpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.Dispatcher;
import dev.webhookpipeline.e2e.OutboundWriter.Written;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.testsupport.OutageProxy;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole pipeline — producer → events → router → outbound → dispatcher → loopback receivers — on
 * the real broker and registry, under faults while events flow; after each scenario the
 * {@link DeliveryChecker} checks no loss, per-tenant order, duplicates, filtering, secrets and (where
 * no process is killed) isolation. Randomness (event types, secrets) comes from one seed, printed at
 * the start and in every failure; rerun with {@code -De2e.seed=<seed>}.
 */
@ExtendWith(RealServicesExtension.class)
class FaultSuiteIT {

    private static final Set<EventType> ALL = Set.copyOf(E2ePipeline.TYPES);
    private static final Set<EventType> TWO = Set.of(EventType.RISK_LEVEL_CHANGED, EventType.TASK_CREATED);
    /** Healthy tenants must get each webhook this soon after it was produced, whatever the others' endpoints do. */
    private static final Duration ISOLATION_BOUND = Duration.ofSeconds(10);
    private static final Duration DRAIN = Duration.ofSeconds(90);
    /** Start-up of the router and dispatchers (a child JVM, a Streams rebalance) before events flow. */
    private static final Duration WARM_UP = Duration.ofSeconds(90);

    /** How long the dispatcher cannot reach the registry in the schema-upgrade scenario (issue 11: 20 s). */
    private static final Duration REGISTRY_OUTAGE = Duration.ofSeconds(20);

    private static long seed() {
        return Long.getLong("e2e.seed", System.nanoTime());
    }

    private static IntFunction<Reply> firstFailing(int n, Reply failure) {
        return i -> i <= n ? failure : Reply.ok();
    }

    /** {@code count} tenant names from {@code stem} on the same partition as {@code neighbour}. */
    private static List<String> sharingPartitionWith(String neighbour, String stem, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < count; i++) {
            if (E2ePipeline.partitionOf(stem + i) == E2ePipeline.partitionOf(neighbour)) {
                out.add(stem + i);
            }
        }
        return out;
    }

    /** {@code count} tenant names from {@code stem} on {@code partition}. */
    private static List<String> onPartition(int partition, String stem, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < count; i++) {
            if (E2ePipeline.partitionOf(stem + partition + "-" + i) == partition) {
                out.add(stem + partition + "-" + i);
            }
        }
        return out;
    }

    private static long acceptedWebhooks(E2ePipeline p, List<String> tenants) {
        return tenants.stream().mapToLong(t -> p.receiver.acceptedIds(t).size()).sum();
    }

    private static boolean answeredOtherThan200(E2ePipeline p, String tenant) {
        return p.receiver.received(tenant).stream().anyMatch(r -> !"200".equals(r.header("X-Test-Answered")));
    }

    @Test
    void misbehavingEndpointsWhileEventsFlow(TestServices services) throws Exception {
        long seed = seed();
        try (E2ePipeline p = new E2ePipeline(services, "e2e-endpoints", seed)) {
            // Each faulty endpoint, and how it misbehaves (per request number on its path).
            var faults = new LinkedHashMap<String, IntFunction<Reply>>();
            faults.put("ep-500", firstFailing(3, Reply.status(500)));
            faults.put("ep-503", firstFailing(3, Reply.status(503)));
            faults.put("ep-404", firstFailing(2, Reply.status(404)));
            faults.put("ep-301", firstFailing(2, Reply.status(301).withBody("moved")));
            faults.put("ep-hang", i -> i == 2 ? Reply.status(503).after(Duration.ofMillis(3500)) : Reply.ok()); // past the 2 s timeout
            faults.put("ep-drop", i -> i == 1 || i == 3 ? Reply.drop() : Reply.ok());
            faults.put("ep-alternate", i -> i % 2 == 1 ? Reply.status(503) : Reply.ok());
            faults.put("ep-dead", i -> Reply.status(503)); // until the flow ends
            List<String> benign = List.of("ep-garbage", "ep-slow");
            List<String> healthy = sharingPartitionWith("ep-dead", "ep-ok-", 3);

            faults.forEach(p.receiver::behave);
            p.receiver.answer("ep-garbage", Reply.ok().withBody("\u0000{not json <html>"));
            p.receiver.answer("ep-slow", Reply.ok().after(Duration.ofMillis(150)));
            List<String> tenants = new ArrayList<>(faults.keySet());
            tenants.addAll(benign);
            tenants.addAll(healthy);
            for (int i = 0; i < tenants.size(); i++) {
                String t = tenants.get(i);
                p.configure(t, i % 2 == 0, t.equals("ep-500") || t.equals("ep-slow") ? TWO : ALL);
            }

            p.startRouter();
            Dispatcher dispatcher = p.startDispatcher();
            p.awaitWarm(WARM_UP);
            CompletableFuture<Void> flow = p.flow(tenants, 24, Duration.ofMillis(300), round -> {});
            flow.get(60, TimeUnit.SECONDS);
            assertThat(p.receiver.acceptedIds("ep-dead")).as("[seed=%d] the dead endpoint accepted nothing yet", seed).isEmpty();
            // The dead endpoint recovers; the operator presses Retry.
            p.receiver.answer("ep-dead", Reply.ok());
            dispatcher.retryNow("ep-dead");

            DeliveryChecker checker = p.checker();
            checker.awaitAllDelivered(DRAIN);
            checker.check(Set.copyOf(healthy), ISOLATION_BOUND);
            for (String t : faults.keySet()) {
                assertThat(answeredOtherThan200(p, t)).as("[seed=%d] %s really misbehaved", seed, t).isTrue();
            }
        }
    }

    @Test
    void secretTypesAndEnabledChangeWhileEventsFlow(TestServices services) throws Exception {
        long seed = seed();
        try (E2ePipeline p = new E2ePipeline(services, "e2e-config", seed)) {
            List<String> tenants = List.of("cfg-secret", "cfg-types", "cfg-toggle", "cfg-ok-0", "cfg-ok-1");
            // A slow endpoint and a burst before the disable build a backlog (several seconds' worth) to pause.
            p.receiver.answer("cfg-toggle", Reply.ok().after(Duration.ofMillis(400)));
            p.configure("cfg-secret", true, ALL);
            p.configure("cfg-types", false, TWO);
            p.configure("cfg-toggle", false, ALL);
            p.configure("cfg-ok-0", true, ALL);
            p.configure("cfg-ok-1", false, ALL);
            long[] reenabledAt = new long[1];
            p.startRouter();
            p.startDispatcher();
            p.awaitWarm(WARM_UP);
            CompletableFuture<Void> flow = p.flow(tenants, 36, Duration.ofMillis(250), round -> {
                switch (round) {
                    case 6, 18 -> p.changeSecret("cfg-secret");
                    case 8 -> p.setEnabled("cfg-toggle", false);
                    case 12 -> p.changeTypes("cfg-types", Set.of(EventType.RISK_LEVEL_CHANGED, EventType.CHECK_COMPLETED));
                    case 30 -> {
                        reenabledAt[0] = System.nanoTime();
                        p.setEnabled("cfg-toggle", true);
                    }
                    default -> { }
                }
            }, (tenant, round) -> tenant.equals("cfg-toggle") && round < 8 ? 3 : 1);
            flow.get(60, TimeUnit.SECONDS);
            DeliveryChecker checker = p.checker();
            checker.awaitAllDelivered(DRAIN);
            checker.check(Set.of("cfg-ok-0", "cfg-ok-1"), ISOLATION_BOUND);

            // The scenario really exercised what it claims: events were dropped while disabled, and a backlog
            // routed before the disable was paused and delivered only after the re-enable.
            var toggle = p.ledger.events("cfg-toggle");
            assertThat(toggle).as("[seed=%d] events produced while cfg-toggle was disabled", seed).anyMatch(e -> !e.kept());
            var pausedIds = p.receiver.received("cfg-toggle").stream()
                    .filter(r -> r.receivedAtNanos() > reenabledAt[0]).flatMap(r -> r.webhooks().stream())
                    .map(w -> UUID.fromString(w.get("event_id").asText())).toList();
            long producedBeforeDisable = toggle.stream().filter(e -> e.kept())
                    .filter(e -> e.producedAtNanos() < p.ledger.configs("cfg-toggle").get(1).startNanos())
                    .filter(e -> pausedIds.contains(e.eventId())).count();
            assertThat(producedBeforeDisable).as("[seed=%d] webhooks routed before the disable, delivered after the re-enable", seed)
                    .isPositive();
        }
    }

    @Test
    void aDispatcherKilledWhileEventsFlowIsReplacedWithoutLoss(TestServices services) throws Exception {
        long seed = seed();
        try (E2ePipeline p = new E2ePipeline(services, "e2e-dispatcher-kill", seed)) {
            List<String> tenants = IntStream.range(0, 12).mapToObj(i -> "dk-" + i).toList();
            for (int i = 0; i < tenants.size(); i++) {
                // Requests stay in flight; the unbatched tenants' endpoints are slow, so they have a backlog at the kill.
                p.receiver.answer(tenants.get(i), Reply.ok().after(Duration.ofMillis(i % 3 == 0 ? 5 : 400)));
                p.configure(tenants.get(i), i % 3 == 0, i % 4 == 1 ? TWO : ALL);
            }
            p.startRouter();
            JavaProcess first = p.startDispatcherProcess("e2e-dispatcher-kill-first");
            p.awaitWarm(WARM_UP);
            CompletableFuture<Void> flow = p.flow(tenants, 40, Duration.ofMillis(250), round -> {});
            Await.until("[seed=" + seed + "] the first dispatcher delivering", Duration.ofSeconds(60),
                    () -> acceptedWebhooks(p, tenants) >= 150);
            first.kill();
            assertThat(flow.isDone()).as("[seed=%d] the dispatcher died while events were still flowing", seed).isFalse();
            p.startDispatcher();
            flow.get(60, TimeUnit.SECONDS);
            DeliveryChecker checker = p.checker();
            checker.awaitAllDelivered(DRAIN);
            checker.check(Set.of(), ISOLATION_BOUND); // a kill stalls its partitions for a session timeout: no latency bound
        }
    }

    @Test
    void theRouterKilledAndASecondDispatcherJoiningWhileEventsFlow(TestServices services) throws Exception {
        long seed = seed();
        try (E2ePipeline p = new E2ePipeline(services, "e2e-router-kill", seed)) {
            List<String> tenants = IntStream.range(0, 12).mapToObj(i -> "rk-" + i).toList();
            for (int i = 0; i < tenants.size(); i++) {
                p.receiver.answer(tenants.get(i), Reply.ok().after(Duration.ofMillis(5)));
                p.configure(tenants.get(i), i % 3 == 0, i % 4 == 1 ? TWO : ALL);
            }
            JavaProcess.Builder routerCommand = p.routerProcess("e2e-router-kill-" + p.topics.prefix());
            JavaProcess router = routerCommand.start();
            try {
                Dispatcher first = p.startDispatcher();
                p.awaitWarm(WARM_UP);
                CompletableFuture<Void> flow = p.flow(tenants, 48, Duration.ofMillis(250), round -> {});
                Await.until("[seed=" + seed + "] webhooks routed and delivered", Duration.ofSeconds(60),
                        () -> acceptedWebhooks(p, tenants) >= 40);
                router.kill();
                assertThat(flow.isDone()).as("[seed=%d] the router died while events were still flowing", seed).isFalse();
                router = routerCommand.start();
                long atRestart = acceptedWebhooks(p, tenants);
                Await.until("[seed=" + seed + "] deliveries after the router restart", Duration.ofSeconds(60),
                        () -> acceptedWebhooks(p, tenants) > atRestart + 24);
                Dispatcher second = p.startDispatcher(); // a rebalance while events flow
                flow.get(60, TimeUnit.SECONDS);
                DeliveryChecker checker = p.checker();
                checker.awaitAllDelivered(DRAIN);
                checker.check(Set.of(), ISOLATION_BOUND);
                assertThat(second.deliveredWebhooks()).as("[seed=%d] the joining dispatcher took partitions", seed).isPositive();
                assertThat(first.deliveredWebhooks()).isPositive();
            } finally {
                router.close();
            }
        }
    }

    /**
     * Issue 11: a router upgraded mid-run writes the outbound topic under a compatible v2 of its
     * schema (one more optional field), interleaved with v1 records of routers not yet upgraded, and
     * the dispatcher reads them during a registry outage. It knows v1 — its start-up registered it —
     * but has never seen the v2 id, so its v1 records decode and its v2 records cannot until the
     * registry is back. Nothing may be lost or reordered, and the commits must end at the topic's end.
     *
     * <p>The registry keeps running (it is in-memory: a restart would lose its schemas); the outage
     * is an {@link OutageProxy} in front of it that only the dispatcher uses, in
     * {@link OutageProxy.Outage#RESET} mode: every connection is reset, so the dispatcher's registry
     * client finds the registry unreachable (an IOException, retried, then a SerializationException
     * from the deserializer: the dispatcher's registry-outage path, not its bad-data path).
     */
    @Test
    void aNewSchemaVersionReadDuringARegistryOutageLosesNothing(TestServices services) throws Exception {
        long seed = seed();
        try (OutageProxy proxy = OutageProxy.inFrontOf(services.schemaRegistryUrl()); // closed after the dispatcher
             E2ePipeline p = new E2ePipeline(services, "e2e-registry-outage", seed);
             Admin admin = services.kafka().admin()) {
            List<String> tenants = new ArrayList<>(); // 12 tenants, 3 on each partition
            for (int partition = 0; partition < E2ePipeline.PARTITIONS; partition++) {
                tenants.addAll(onPartition(partition, "ro-", 3));
            }
            for (int i = 0; i < tenants.size(); i++) {
                p.configure(tenants.get(i), i % 2 == 0, ALL);
            }
            // Started through the proxy, up: as in production it registers every subject's schema (and so
            // caches the v1 ids), reads the configs and joins the group.
            JavaProcess dispatcher = p.startDispatcherProcess("e2e-registry-outage-dispatcher-"
                    + p.topics.prefix().replace(".", ""), proxy.url());
            OutboundWriter writer = p.outboundWriter();
            writer.writeRounds(tenants, 10, (tenant, id) -> OutboundWriter.V1); // webhooks 1-10 of each, v1
            DeliveryChecker checker = p.checker();
            Await.until("[seed=" + seed + "] the dispatcher delivering the v1 webhooks", WARM_UP, () -> checker.missing() == 0);

            int logBefore = dispatcher.output().length();
            proxy.down(OutageProxy.Outage.RESET);
            long outageStart = System.nanoTime();
            Schema v2 = OutboundWriter.withOptionalField(OutboundWriter.V1, "trace_id");
            int v2Id = writer.register(v2); // directly, not through the proxy: the dispatcher has never seen this id
            Random versions = new Random(seed);
            // Webhooks 11-60 of each tenant, v1 and v2 interleaved, in one transaction: read in one go.
            List<Written> mixed = writer.writeRounds(tenants, 50,
                    (tenant, id) -> versions.nextBoolean() ? v2 : OutboundWriter.V1);
            int v1Id = writer.register(OutboundWriter.V1);
            for (String tenant : tenants) { // what the scenario is about: a v2 webhook with a later v1 one, for each tenant
                List<Integer> ids = mixed.stream().filter(w -> w.tenant().equals(tenant)).map(Written::schemaId).toList();
                assertThat(ids.indexOf(v2Id)).as("[seed=%d] %s: a v2 webhook before a later v1 one", seed, tenant)
                        .isNotNegative().isLessThan(ids.lastIndexOf(v1Id));
            }
            Await.until("[seed=" + seed + "] the dispatcher asking the registry for the v2 schema during the outage",
                    REGISTRY_OUTAGE, () -> proxy.turnedAway() > 0);
            // The fault's length (not a synchronisation): the registry stays unreachable for REGISTRY_OUTAGE.
            Await.until("the end of the outage", REGISTRY_OUTAGE.plusSeconds(5),
                    () -> System.nanoTime() - outageStart >= REGISTRY_OUTAGE.toNanos());
            int turnedAway = proxy.turnedAway();
            String outageLog = dispatcher.output().substring(logBefore);
            proxy.up();

            Map<Integer, Long> pastLastRecord = new TreeMap<>();
            mixed.forEach(w -> pastLastRecord.merge(w.partition(), w.offset() + 1, Math::max));
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (!committedPast(p.dispatcherCommits(admin), pastLastRecord) && System.nanoTime() < deadline) {
                Await.pause(); // a commit past every record means every webhook was answered 200 (or skipped)
            }
            checker.awaitAllDelivered(Duration.ofSeconds(5)); // a second chance before the checks say what is missing

            // It really took the registry-outage path: warnings about the unreachable registry, for the v2 id.
            List<String> outageWarnings = outageLog.lines()
                    .filter(Pattern.compile("(?i)\\bWARN\\b.*registry.*(unavailable|unreachable)").asPredicate()).toList();
            System.out.printf("[seed=%d] registry outage of %d s: %d connections turned away, %d registry warnings in the"
                    + " dispatcher's log (%s), e.g.%n  %s%n", seed, REGISTRY_OUTAGE.toSeconds(), turnedAway,
                    outageWarnings.size(), dispatcher.log(), outageWarnings.isEmpty() ? "-" : outageWarnings.get(0));
            assertThat(turnedAway).as("[seed=%d] connections to the registry turned away during the outage", seed).isPositive();
            assertThat(outageWarnings).as("[seed=%d] the dispatcher's log during the outage (%s)", seed, dispatcher.log())
                    .anyMatch(line -> line.contains("schema id " + v2Id));

            try {
                checker.check(Set.of(), ISOLATION_BOUND); // no latency bound: the outage holds up every partition
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n  lost webhook ids by tenant (v1/v2: the schema they were"
                        + " written under; v2 is schema id " + v2Id + "):\n  " + lostIds(p, tenants, writer.written(), v2Id));
            }
            Map<Integer, Long> commits = p.dispatcherCommits(admin);
            Map<Integer, Long> ends = p.outboundEnds(admin);
            for (int partition : pastLastRecord.keySet()) {
                assertThat(commits.get(partition))
                        .as("[seed=%d] committed offset of outbound partition %d: at its end (log end %d)", seed, partition,
                                ends.get(partition))
                        .isGreaterThanOrEqualTo(pastLastRecord.get(partition)).isLessThanOrEqualTo(ends.get(partition));
            }
        }
    }

    /** Whether every partition's commit is past its last record. */
    private static boolean committedPast(Map<Integer, Long> commits, Map<Integer, Long> pastLastRecord) {
        return pastLastRecord.entrySet().stream().allMatch(e -> commits.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    /** Per tenant, the written webhook ids never answered 200, each with the schema version it was written under. */
    private static String lostIds(E2ePipeline p, List<String> tenants, List<Written> written, int v2Id) {
        List<String> out = new ArrayList<>();
        int total = 0;
        for (String tenant : tenants) {
            Set<Long> accepted = Set.copyOf(p.receiver.acceptedIds(tenant));
            List<String> lost = written.stream().filter(w -> w.tenant().equals(tenant) && !accepted.contains(w.webhookId()))
                    .map(w -> w.webhookId() + (w.schemaId() == v2Id ? " (v2)" : " (v1)")).toList();
            if (!lost.isEmpty()) {
                out.add(tenant + " [partition " + E2ePipeline.partitionOf(tenant) + "]: " + String.join(", ", lost));
                total += lost.size();
            }
        }
        return total + " lost over " + out.size() + " tenants:\n  " + String.join("\n  ", out);
    }
}
