package dev.webhookpipeline.dispatcher.engine;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.dispatcher.delivery.RetrySchedule;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.Redelivery;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testsupport.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.LoggerFactory;

/**
 * A deterministic world around real {@link DeliveryEngine}s: one shared log and group
 * ({@link SimCluster}), dispatcher instances that start, crash and rebalance, endpoints that answer
 * 200, 5xx, time out or answer slowly, a schema registry that goes down, configs that change, and
 * dead-letter writes that fail — all on a manual clock, driven by a list of {@link Step}s. After
 * every step it checks the invariants (see {@link #checkInvariants()} and {@link SimCluster}).
 */
final class DispatcherSimulation {

    enum Kind { PRODUCE, REDELIVER, ENDPOINT, REGISTRY, CONFIG, RETRY, REFRESH, REBALANCE, LOSE, CRASH, START, DEAD_LETTERS, TICK }

    enum Mode { OK, FAIL, TIMEOUT, SLOW }

    /** One step of a schedule: what happens, with numbers it picks from, and how far the clock moves after it. */
    record Step(Kind kind, int a, int b, int c, int advanceMillis) {
        @Override
        public String toString() {
            return kind + "(" + a + "," + b + "," + c + ")+" + advanceMillis + "ms";
        }
    }

    /** Sizes and limits of one run. */
    record Shape(int partitions, int tenants, int maxInFlight, int tenantCapacity, long bufferBytes, int batchWindowMillis,
                 int maxPollRecords, int unbatchedRun) {}

    static final RetrySchedule RETRIES = new RetrySchedule(Duration.ofSeconds(1), 6, Duration.ofMinutes(5));
    static final Instant START = Instant.parse("2026-12-01T00:00:00Z");

    static {
        // Thousands of runs: the engine's warnings (outages, failures) are the simulation's normal weather.
        ((Logger) LoggerFactory.getLogger("dev.webhookpipeline.dispatcher.engine"))
                .setLevel(Level.OFF);
    }

    private final Shape shape;
    private final SimCluster cluster;
    private final ManualClock clock = new ManualClock(START);
    private final List<Instance> instances = new ArrayList<>();
    private final Map<String, WebhookConfig> configs = new HashMap<>();
    private final Map<String, Mode> modes = new HashMap<>();
    private final List<Pending> requests = new ArrayList<>();
    private final List<PendingDeadLetter> deadLetterWrites = new ArrayList<>();
    private boolean registryUp = true;
    private boolean deadLettersFail;
    private int stepNumber;

    DispatcherSimulation(Shape shape) {
        this.shape = shape;
        this.cluster = new SimCluster(shape.partitions());
        for (int t = 0; t < shape.tenants(); t++) {
            String tenant = tenant(t);
            configs.put(tenant, config(tenant, t % 2 == 0, "s" + t, true));
            modes.put(tenant, Mode.OK);
        }
    }

    private static String tenant(int t) {
        return "tenant-" + t;
    }

    private static WebhookConfig config(String tenant, boolean batching, String secret, boolean enabled) {
        return WebhookConfig.newBuilder().setTenantId(tenant).setEnabled(enabled).setBatching(batching)
                .setEndpoint("https://" + tenant + ".example/hook").setSecret(secret)
                .setEnabledEvents(List.of()).setCreatedAt(START).setUpdatedAt(START).build();
    }

    // ---- running ----

    /** Runs the schedule, then heals everything and checks that all is delivered; throws Violation on a breach. */
    void run(List<Step> steps) {
        startInstance();
        startInstance();
        for (Step step : steps) {
            stepNumber++;
            apply(step);
            advance(step.advanceMillis());
        }
        heal();
    }

    private void advance(int millis) {
        clock.advance(Duration.ofMillis(millis));
        completeDue();
        for (Instance instance : List.copyOf(instances)) {
            if (instance.alive) {
                for (int i = 0; i < 3; i++) {
                    instance.engine.turn();
                }
            }
        }
        checkInvariants();
    }

    private void heal() {
        registryUp = true;
        deadLettersFail = false;
        modes.replaceAll((t, m) -> Mode.OK);
        for (int t = 0; t < shape.tenants(); t++) {
            String tenant = tenant(t);
            WebhookConfig current = configs.get(tenant);
            setConfig(tenant, config(tenant, current == null ? t % 2 == 0 : current.getBatching(), "healed", true));
        }
        if (instances.stream().noneMatch(i -> i.alive)) {
            startInstance();
        }
        assignUnowned();
        for (int i = 0; i < 4_000; i++) {
            if (i % 20 == 0) {
                for (Instance instance : instances) {
                    if (instance.alive) {
                        configs.keySet().forEach(instance.engine::retryNow);
                    }
                }
            }
            advance(250);
            if (cluster.unfinished() == null && requests.isEmpty()) {
                return;
            }
        }
        throw new SimCluster.Violation("not everything delivered 1,000 s after healing: " + cluster.unfinished());
    }

    private void apply(Step step) {
        String tenant = tenant(Math.floorMod(step.a(), shape.tenants()));
        switch (step.kind()) {
            case PRODUCE -> {
                int count = 1 + Math.floorMod(step.b(), 60);
                Random random = new Random(step.c());
                for (int i = 0; i < count; i++) {
                    if (random.nextInt(40) == 0) {
                        cluster.produceGarbage(tenant);
                    }
                    cluster.produce(tenant, "x".repeat(1 + random.nextInt(random.nextInt(8) == 0 ? 3_000 : 300)),
                            random.nextInt(3) == 0);
                }
            }
            case REDELIVER -> {
                long produced = cluster.producedIds().getOrDefault(tenant, 0L);
                if (produced > 0) {
                    long from = 1 + Math.floorMod(step.b(), produced);
                    cluster.redeliver(tenant, from, from + Math.floorMod(step.c(), 30), "req-" + stepNumber);
                }
            }
            case ENDPOINT -> modes.put(tenant, Mode.values()[Math.floorMod(step.b(), Mode.values().length)]);
            case REGISTRY -> registryUp = step.b() % 2 == 0;
            case CONFIG -> {
                WebhookConfig current = configs.get(tenant);
                switch (Math.floorMod(step.b(), 5)) {
                    case 0 -> setConfig(tenant, current == null ? null : config(tenant, current.getBatching(),
                            current.getSecret(), false));
                    case 1 -> setConfig(tenant, config(tenant, current == null || current.getBatching(),
                            current == null ? "new" : current.getSecret(), true));
                    case 2 -> setConfig(tenant, current == null ? null : config(tenant, current.getBatching(),
                            "rotated-" + step.c(), current.getEnabled()));
                    case 3 -> setConfig(tenant, null);
                    default -> setConfig(tenant, current == null ? null : config(tenant, !current.getBatching(),
                            current.getSecret(), current.getEnabled()));
                }
            }
            case RETRY -> live().forEach(i -> i.engine.retryNow(tenant));
            case REFRESH -> live().forEach(i -> i.engine.refresh(tenant));
            case REBALANCE -> rebalance(new Random(step.c()));
            case LOSE -> lose(Math.floorMod(step.b(), shape.partitions()), new Random(step.c()));
            case CRASH -> {
                List<Instance> alive = live();
                if (alive.size() > 1 || (!alive.isEmpty() && step.c() % 3 == 0)) {
                    crash(alive.get(Math.floorMod(step.b(), alive.size())));
                }
            }
            case START -> {
                if (live().size() < 3) {
                    startInstance();
                }
            }
            case DEAD_LETTERS -> deadLettersFail = step.b() % 2 == 1;
            case TICK -> { }
        }
    }

    private void setConfig(String tenant, WebhookConfig config) {
        if (config == null) {
            configs.remove(tenant);
        } else {
            configs.put(tenant, config);
        }
        for (Instance instance : instances) {
            instance.configChanges.add(tenant);
        }
    }

    private List<Instance> live() {
        return instances.stream().filter(i -> i.alive).toList();
    }

    // ---- the group ----

    private void startInstance() {
        Instance instance = new Instance(instances.size());
        instances.add(instance);
        instance.engine.subscribe();
        if (live().size() == 1) {
            assignUnowned();
        } else {
            rebalance(new Random(instances.size()));
        }
    }

    /** Moves partitions between live instances: revoked first (clean hand-over), then assigned. */
    private void rebalance(Random random) {
        List<Instance> alive = live();
        if (alive.isEmpty()) {
            return;
        }
        Map<Integer, Instance> target = new HashMap<>();
        for (int p = 0; p < shape.partitions(); p++) {
            target.put(p, alive.get(random.nextInt(alive.size())));
        }
        for (Instance instance : alive) {
            List<TopicPartition> keep = new ArrayList<>();
            for (TopicPartition tp : instance.consumer.assignment()) {
                if (target.get(tp.partition()) == instance) {
                    keep.add(tp);
                }
            }
            if (keep.size() != instance.consumer.assignment().size()) {
                Set<TopicPartition> leaving = new HashSet<>(instance.consumer.assignment());
                keep.forEach(leaving::remove);
                instance.consumer.handOver(keep);
                leaving.forEach(tp -> cluster.owner(tp.partition(), -1));
                checkHandOver(instance, leaving);
                leaving.forEach(tp -> instance.leave(tp.partition()));
            }
        }
        for (int p = 0; p < shape.partitions(); p++) {
            if (cluster.owner(p) == -1) {
                give(p, target.get(p));
            }
        }
    }

    /**
     * After a clean hand-over, the delivery state records everything whose 200 reached the leaving
     * instance, so the next owner repeats nothing it need not (a crash or lost partition may).
     */
    private void checkHandOver(Instance from, Set<TopicPartition> leaving) {
        for (var e : from.reported.entrySet()) {
            if (leaving.contains(new TopicPartition(SimCluster.TOPIC, cluster.partitionOf(e.getKey())))) {
                long recorded = cluster.recordedDelivered(e.getKey());
                if (recorded < e.getValue()) {
                    throw new SimCluster.Violation("instance " + from.id + " handed over " + e.getKey() + " having had #"
                            + e.getValue() + " answered 200, but the delivery state says #" + recorded
                            + ": the next owner sends them again");
                }
                long reportedOffset = from.reportedOffsets.getOrDefault(e.getKey(), -1L);
                long recordedOffset = cluster.recordedDeliveredOffset(e.getKey());
                if (recordedOffset < reportedOffset) {
                    throw new SimCluster.Violation("instance " + from.id + " handed over " + e.getKey() + " having had offset "
                            + reportedOffset + " answered 200, but the delivery state says offset " + recordedOffset
                            + ": the next owner re-delivers them again");
                }
            }
        }
    }

    private void assignUnowned() {
        List<Instance> alive = live();
        for (int p = 0; p < shape.partitions(); p++) {
            if (cluster.owner(p) == -1 && !alive.isEmpty()) {
                give(p, alive.get(p % alive.size()));
            }
        }
    }

    private void give(int partition, Instance instance) {
        cluster.owner(partition, instance.id);
        instance.epoch[partition]++;
        List<TopicPartition> now = new ArrayList<>(instance.consumer.assignment());
        now.add(new TopicPartition(SimCluster.TOPIC, partition));
        instance.consumer.handOver(now);
    }

    /** The owner's session expired: it hears onPartitionsLost, and another instance gets the partition. */
    private void lose(int partition, Random random) {
        int owner = cluster.owner(partition);
        if (owner < 0) {
            return;
        }
        Instance from = instances.get(owner);
        from.consumer.lose(List.of(new TopicPartition(SimCluster.TOPIC, partition)));
        cluster.owner(partition, -1);
        from.leave(partition);
        List<Instance> alive = live();
        if (!alive.isEmpty()) {
            give(partition, alive.get(random.nextInt(alive.size())));
        }
    }

    /** The process dies: no callbacks, nothing flushed; its requests on the wire still reach the endpoints. */
    private void crash(Instance instance) {
        instance.alive = false;
        for (int p = 0; p < shape.partitions(); p++) {
            if (cluster.owner(p) == instance.id) {
                cluster.owner(p, -1);
            }
        }
        assignUnowned();
    }

    // ---- the outside world answering ----

    private record Pending(Instance from, int epoch, String tenant, List<QueuedWebhook> webhooks, boolean batching, Mode mode,
                           BooleanSupplier goOn, Instant at, Consumer<RequestRunner.Outcome> onDone) {}

    private record PendingDeadLetter(Instance from, ConsumerRecord<String, byte[]> record, Instant at,
                                     Consumer<Exception> onDone) {}

    private void completeDue() {
        Instant now = clock.instant();
        List<Pending> due = requests.stream().filter(r -> !r.at().isAfter(now)).toList();
        requests.removeAll(due);
        for (Pending r : due) {
            RequestRunner.Outcome outcome = answer(r, now);
            if (r.from().alive) {
                int p = cluster.partitionOf(r.tenant());
                if (outcome.delivered() > 0 && r.epoch() == r.from().epoch[p] && cluster.owner(p) == r.from().id) {
                    for (QueuedWebhook webhook : r.webhooks().subList(0, outcome.delivered())) {
                        if (!webhook.isRedelivery()) {
                            r.from().reported.merge(r.tenant(), webhook.webhookId(), Math::max);
                        }
                        r.from().reportedOffsets.merge(r.tenant(), webhook.offset(), Math::max);
                    }
                }
                r.onDone().accept(outcome);
            }
        }
        List<PendingDeadLetter> dueLetters = deadLetterWrites.stream().filter(w -> !w.at().isAfter(now)).toList();
        deadLetterWrites.removeAll(dueLetters);
        for (PendingDeadLetter w : dueLetters) {
            boolean ok = !deadLettersFail;
            if (ok) {
                cluster.deadLetter(w.record());
            }
            if (w.from().alive) {
                w.onDone().accept(ok ? null : new TimeoutException("simulated"));
            }
        }
        for (Instance instance : instances) {
            if (instance.alive && instance.decoder.fetching && registryUp) {
                instance.decoder.fetching = false;
                instance.decoder.knowsV2 = true;
            } else if (instance.decoder.fetching) {
                instance.decoder.fetching = false; // failed: the next record asks again
            }
        }
    }

    /**
     * What the endpoint made of a request: a batch succeeds or fails whole; a run of single webhooks
     * is received one by one and stops at a failure (FAIL fails part-way, to exercise partial runs)
     * or when the tenant's config changed.
     */
    private RequestRunner.Outcome answer(Pending r, Instant now) {
        boolean ok = r.mode() == Mode.OK || r.mode() == Mode.SLOW;
        if (r.batching()) {
            if (ok) {
                cluster.received(r.tenant(), r.webhooks());
                return new RequestRunner.Outcome(r.webhooks().size(), Attempt.delivered(200, now, 1));
            }
            return new RequestRunner.Outcome(0, Attempt.failed(500, "HTTP 500", now, 1));
        }
        int failAt = ok ? Integer.MAX_VALUE : r.mode() == Mode.FAIL
                ? (int) (r.webhooks().get(0).webhookId() % r.webhooks().size()) : 0;
        int delivered = 0;
        for (QueuedWebhook webhook : r.webhooks()) {
            if (delivered > 0 && !r.goOn().getAsBoolean()) {
                break;
            }
            if (delivered == failAt) {
                return new RequestRunner.Outcome(delivered, Attempt.failed(500, "HTTP 500", now, 1));
            }
            cluster.received(r.tenant(), List.of(webhook));
            delivered++;
        }
        return new RequestRunner.Outcome(delivered, Attempt.delivered(200, now, 1));
    }

    // ---- invariants checked after every step (SimCluster checks writes as they happen) ----

    private void checkInvariants() {
        Instant now = clock.instant();
        for (Instance instance : instances) {
            if (!instance.alive) {
                continue;
            }
            int tenantsHere = 0;
            for (PartitionState state : instance.engine.partitions().values()) {
                long counted = 0;
                for (TenantQueue queue : state.tenants().values()) {
                    counted += queue.countedBytes();
                    tenantsHere++;
                }
                if (counted != state.budget().counted()) {
                    throw new SimCluster.Violation("budget of " + state.partition() + " counts " + state.budget().counted()
                            + " bytes, its tenants hold " + counted);
                }
                if (counted > state.budget().limit()) {
                    throw new SimCluster.Violation(state.partition() + " buffers " + counted + " bytes beyond its tenants'"
                            + " first webhooks, over its budget of " + state.budget().limit());
                }
            }
            // No starvation: a tenant ready to send waits for at most one request of each other tenant,
            // counted within one ownership of its partition (a lost or revoked partition starts afresh).
            int bound = shape.tenants() + shape.maxInFlight() + 1;
            Set<String> ready = new HashSet<>();
            for (PartitionState state : instance.engine.partitions().values()) {
                for (TenantQueue queue : state.tenants().values()) {
                    WebhookConfig config = configs.get(queue.tenantId());
                    if (config != null && config.getEnabled()
                            && queue.readyToSend(now, config.getBatching(), Duration.ofMillis(shape.batchWindowMillis())) > 0) {
                        ready.add(queue.tenantId());
                        long since = instance.readySince.computeIfAbsent(queue.tenantId(), t -> instance.started);
                        if (instance.started - since > bound) {
                            throw new SimCluster.Violation(queue.tenantId() + " has been ready to send on instance "
                                    + instance.id + " while " + (instance.started - since) + " other requests started"
                                    + " (fair bound " + bound + "): starved");
                        }
                    }
                }
            }
            instance.readySince.keySet().retainAll(ready);
        }
    }

    // ---- one dispatcher instance and its fake surroundings ----

    private final class Instance {
        final int id;
        final SimConsumer consumer;
        final SimDecoder decoder = new SimDecoder();
        final DeliveryEngine engine;
        final Queue<String> configChanges = new ArrayDeque<>();
        final Map<String, Long> readySince = new HashMap<>();
        /** Highest webhook id per tenant whose 200 was reported to this instance's engine, in its current ownership. */
        final Map<String, Long> reported = new HashMap<>();
        /** Highest offset per tenant (either kind) whose 200 was reported to this instance's engine, in its current ownership. */
        final Map<String, Long> reportedOffsets = new HashMap<>();
        /** Per partition, bumped whenever this instance gains or loses it: requests of an older ownership do not count. */
        final int[] epoch = new int[shape.partitions()];

        void leave(int partition) {
            epoch[partition]++;
            reported.keySet().removeIf(tenant -> cluster.partitionOf(tenant) == partition);
            reportedOffsets.keySet().removeIf(tenant -> cluster.partitionOf(tenant) == partition);
            readySince.keySet().removeIf(tenant -> cluster.partitionOf(tenant) == partition);
        }
        final Map<Integer, Map<String, DeliveryProgress>> pendingProgress = new LinkedHashMap<>();
        long started;
        boolean alive = true;

        Instance(int id) {
            this.id = id;
            this.consumer = new SimConsumer(cluster, id, shape.maxPollRecords());
            EngineSettings settings = new EngineSettings(SimCluster.TOPIC, Duration.ofMillis(shape.batchWindowMillis()),
                    shape.maxInFlight(), shape.tenantCapacity(), shape.bufferBytes(), RETRIES, Duration.ofMillis(300),
                    Duration.ofMillis(200), shape.unbatchedRun());
            RequestRunner runner = (config, batching, webhooks, goOn, onDone) -> {
                started++;
                Mode mode = modes.getOrDefault(config.getTenantId(), Mode.OK);
                long latency = switch (mode) {
                    case OK -> 5 + (webhooks.get(0).webhookId() % 7) * 20;
                    case FAIL -> 10;
                    case TIMEOUT -> 5_000;
                    case SLOW -> 2_000;
                };
                requests.add(new Pending(this, epoch[cluster.partitionOf(config.getTenantId())], config.getTenantId(),
                        webhooks, batching, mode, goOn,
                        clock.instant().plusMillis(latency * (batching ? 1 : webhooks.size())), onDone));
            };
            DeadLetterWriter deadLetters = (record, reason, message, onDone) ->
                    deadLetterWrites.add(new PendingDeadLetter(this, record, clock.instant().plusMillis(20), onDone));
            ProgressStore progress = new ProgressStore() {
                @Override
                public void publish(int partition, DeliveryProgress state) {
                    pendingProgress.computeIfAbsent(partition, p -> new LinkedHashMap<>()).put(state.getTenantId(), state);
                }

                @Override
                public void flush() {
                    pendingProgress.forEach((p, states) -> states.values().forEach(s -> cluster.writeProgress(id, p, s)));
                    pendingProgress.clear();
                }

                @Override
                public void flushAndWait() {
                    flush();
                }

                @Override
                public void forget(Collection<Integer> partitions) {
                    partitions.forEach(pendingProgress::remove);
                }

                @Override
                public Map<Integer, Map<String, DeliveryProgress>> load(Collection<Integer> partitions) {
                    Map<Integer, Map<String, DeliveryProgress>> out = new HashMap<>();
                    partitions.forEach(p -> out.put(p, cluster.progressOf(p)));
                    return out;
                }
            };
            TenantConfigs tenantConfigs = tenantConfigs(configs, configChanges);
            this.engine = new DeliveryEngine(settings, new DeliveryEngine.Ports(consumer, decoder, runner, deadLetters,
                    progress, tenantConfigs), clock, () -> clock.instant().toEpochMilli() * 1_000_000L, () -> { },
                    new DeliveryMetrics(new SimpleMeterRegistry(), 10));
        }
    }

    /**
     * Stands for the registry-backed decoder: v1 is known from start-up; v2 must be fetched, which
     * succeeds only while the registry is up; garbage is bad input.
     */
    /** The configs as a map the test changes, and the changes as a queue the test fills. */
    static TenantConfigs tenantConfigs(Map<String, WebhookConfig> configs, Queue<String> changes) {
        return new TenantConfigs() {
            @Override
            public Optional<WebhookConfig> get(String tenantId) {
                return Optional.ofNullable(configs.get(tenantId));
            }

            @Override
            public String nextChange() {
                return changes.poll();
            }
        };
    }

    static final class SimDecoder implements OutboundDecoder {
        boolean knowsV2;
        boolean fetching;

        @Override
        public Decoded decode(ConsumerRecord<String, byte[]> record) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            String[] parts = value.split("\\|", 4);
            if (parts.length != 4) {
                return new Decoded.Bad("MALFORMED_AVRO", "not a webhook");
            }
            if (parts[0].equals("v2") && !knowsV2) {
                fetching = true;
                return new Decoded.Unavailable("schema v2 being fetched");
            }
            Redelivery redelivery = parts[0].startsWith("v1+r") ? Redelivery.newBuilder()
                    .setRequestId(parts[0].substring(4)).setRequestedAt(START).setOriginalOffset(0).build() : null;
            return new Decoded.Webhook(OutboundWebhook.newBuilder().setTenantId(parts[1])
                    .setWebhookId(Long.parseLong(parts[2])).setEventId(new UUID(0, Long.parseLong(parts[2])))
                    .setEventType(EventType.values()[0]).setOccurredAt(START).setRoutedAt(START).setBody(parts[3])
                    .setRedelivery(redelivery).build());
        }
    }

    int steps() {
        return stepNumber;
    }
}
