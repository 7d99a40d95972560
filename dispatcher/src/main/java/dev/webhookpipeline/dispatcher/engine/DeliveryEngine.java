package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.TenantStatus;
import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.WebhookConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's core, one poll thread's worth of state with no thread of its own: each
 * {@link #turn()} applies what came back (request outcomes, dead-letter acknowledgements, operator
 * commands, config changes), starts the requests that may go, re-reads and commits, and takes the
 * next polled records. Everything it talks to comes in as a parameter — the Kafka consumer, the
 * clock, a ticker for its own intervals, the decoder, the HTTP runner, the dead-letter writer, the
 * progress store and the configs — so a test can drive it, turn by turn, with Kafka's
 * {@code MockConsumer} and a manual clock. See docs/dispatcher.md for the invariants.
 */
public final class DeliveryEngine {

    private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
    private static final long IDLE_POLL_MILLIS = 100;
    private static final long BUSY_POLL_NANOS = Duration.ofMillis(5).toNanos();
    /** How often re-reads, registry waits and dead-letter retries are reconsidered (they scan every tenant). */
    private static final long HOUSEKEEPING_NANOS = Duration.ofMillis(50).toNanos();

    /** The collaborators, each replaceable in tests. */
    public record Ports(Consumer<String, byte[]> consumer, OutboundDecoder decoder, RequestRunner requests,
                        DeadLetterWriter deadLetters, ProgressStore progress, TenantConfigs configs) {}

    private record Completion(PartitionState state, TenantRef ref, List<QueuedWebhook> sent, boolean batching,
                              RequestRunner.Outcome outcome) {}

    private final EngineSettings settings;
    private final Consumer<String, byte[]> consumer;
    private final RequestRunner requests;
    private final ProgressStore progress;
    private final TenantConfigs configs;
    private final Clock clock;
    private final LongSupplier ticker;
    private final Runnable wake;

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final SendScheduler scheduler;
    private final DeadLetters deadLetters;
    private final Intake intake;
    private final Rereads rereads;
    private final Committer committer;
    private final StatusBoard status;
    private final Set<PartitionState> rereadNow = new HashSet<>();

    // Handed in from other threads.
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Queue<String> retryRequests = new ConcurrentLinkedQueue<>();
    private final Queue<String> refreshRequests = new ConcurrentLinkedQueue<>();

    private long lastPoll;
    /** Whether the last poll queued a webhook: then the next turn polls again at once. */
    private boolean lastPollQueued;
    private long lastHousekeeping;
    private long lastCommit;
    private long lastStatus;

    /**
     * @param ticker monotonic nanoseconds for the engine's own intervals (polling, commits, retries of
     *               the registry and dead letters); the clock is for delivery rules and timestamps
     * @param wake   called from any thread when a request or dead letter completes, so a parked loop goes on
     */
    public DeliveryEngine(EngineSettings settings, Ports ports, Clock clock, LongSupplier ticker, Runnable wake,
                          DeliveryMetrics metrics) {
        this.settings = settings;
        this.consumer = ports.consumer();
        this.requests = ports.requests();
        this.progress = ports.progress();
        this.configs = ports.configs();
        this.clock = clock;
        this.ticker = ticker;
        this.wake = wake;
        this.scheduler = new SendScheduler(settings.maxInFlight());
        this.deadLetters = new DeadLetters(ports.deadLetters(), wake, metrics);
        this.status = new StatusBoard(metrics, progress, clock);
        this.intake = new Intake(consumer, ports.decoder(), deadLetters, new Intake.Listener() {
            @Override
            public void queued(TenantRef ref) {
                scheduler.markDirty(ref);
            }

            @Override
            public void changed(TenantRef ref) {
                status.changed(ref);
            }
        });
        this.rereads = new Rereads(consumer);
        this.committer = new Committer(consumer);
        long now = ticker.getAsLong();
        this.lastPoll = now;
        this.lastHousekeeping = now;
        this.lastCommit = now;
        this.lastStatus = now;
    }

    /** Subscribes to the outbound topic; partitions arrive through {@link #rebalanceListener()}. */
    public void subscribe() {
        consumer.subscribe(List.of(settings.outboundTopic()), rebalanceListener());
    }

    /** One turn of the loop. Returns how long the caller may park before the next one (0 = go on). */
    public long turn() {
        Instant now = clock.instant();
        long tick = ticker.getAsLong();
        deadLetters.applyResults(partitions, tick);
        applyCompletions(now);
        if (!rereadNow.isEmpty()) { // a busy tenant has room again: fetch its next webhooks now
            for (PartitionState state : rereadNow) {
                if (partitions.get(state.partition()) == state && rereads.rereadWhereNeeded(state)) {
                    lastPoll = tick - BUSY_POLL_NANOS; // fetch from there on this turn
                }
            }
            rereadNow.clear();
        }
        applyOperatorRequests(now);
        applyConfigChanges();
        scheduler.fireTimers(now);
        dispatchReady(now);
        if (tick - lastHousekeeping >= HOUSEKEEPING_NANOS) {
            lastHousekeeping = tick;
            for (PartitionState state : partitions.values()) {
                if (rereads.rereadWhereNeeded(state)) {
                    lastPoll = tick - BUSY_POLL_NANOS;
                }
            }
            intake.resumeWaited(partitions.values(), tick);
            deadLetters.retryDue(partitions.values(), tick);
        }
        if (tick - lastCommit >= settings.commitInterval().toNanos()) {
            lastCommit = tick;
            committer.commitAsync(partitions.values());
        }
        if (tick - lastStatus >= settings.progressInterval().toNanos()) {
            lastStatus = tick;
            status.publish(partitions, now);
            progress.flush();
        }
        return poll(now, tick);
    }

    /**
     * Idle, blocks in poll until records arrive or the next timer. Busy (requests in flight or
     * tenants to look at), takes what the consumer has fetched: on the next turn again while the
     * last poll queued webhooks (the fetch likely holds more: waiting 5 ms between polls capped the
     * intake at {@code max.poll.records} per 5 ms), otherwise at most every 5 ms, and between polls
     * asks the caller to park until a request completes ({@code wake}): a completion frees its
     * tenant for the next webhook at once, not after a poll timeout. A poll that queued nothing
     * (every tenant polled is full, or nothing was fetched) does not make the loop spin.
     */
    private long poll(Instant now, long tick) {
        if (!scheduler.hasWork()) {
            lastPoll = tick;
            lastPollQueued = intake.accept(consumer.poll(Duration.ofMillis(idlePollMillis(now))), partitions,
                    clock.instant(), ticker.getAsLong()) > 0;
            return 0;
        }
        long sincePoll = tick - lastPoll;
        if (lastPollQueued || sincePoll >= BUSY_POLL_NANOS) {
            lastPoll = tick;
            lastPollQueued = intake.accept(consumer.poll(Duration.ZERO), partitions, now, tick) > 0;
            return 0;
        }
        return completions.isEmpty() ? BUSY_POLL_NANOS - sincePoll : 0;
    }

    private long idlePollMillis(Instant now) {
        Instant next = scheduler.nextTimer();
        if (next == null) {
            return IDLE_POLL_MILLIS;
        }
        return Math.max(1, Math.min(IDLE_POLL_MILLIS, Duration.between(now, next).toMillis()));
    }

    private void applyCompletions(Instant now) {
        Completion c;
        while ((c = completions.poll()) != null) {
            scheduler.requestDone();
            if (partitions.get(c.ref().partition()) != c.state()) {
                continue; // the partition was given away meanwhile: its new owner sends these again
            }
            TenantQueue queue = c.state().existing(c.ref().tenantId());
            int delivered = c.outcome().delivered();
            if (delivered > 0) {
                queue.delivered(delivered, now);
                status.delivered(c.ref(), queue, c.outcome().last(), c.sent().subList(0, delivered),
                        c.batching() ? 1 : delivered, now);
            }
            if (!c.outcome().last().delivered()) {
                // A batch fails as a whole; a run of single webhooks fails at its first undelivered one.
                long firstId = c.sent().get(delivered).webhookId();
                long lastId = c.batching() ? c.sent().get(c.sent().size() - 1).webhookId() : firstId;
                Attempt failure = c.outcome().last().of(firstId, lastId, queue.failedAttempts() + 1);
                queue.failed(failure, now, settings.retrySchedule());
                log.warn("tenant {}: webhooks {}-{} failed (attempt {}: {}); next attempt at {}", c.ref().tenantId(),
                        firstId, lastId, queue.failedAttempts(), failure.error(), queue.nextAttemptAt());
                status.failed(c.ref(), queue, failure);
            } // else all delivered, or the run stopped early (config changed): the rest wait for the next decision
            if (queue.needsReread()) {
                rereadNow.add(c.state());
            }
            scheduler.markDirty(c.ref());
        }
    }

    private void applyOperatorRequests(Instant now) {
        String tenant;
        while ((tenant = retryRequests.poll()) != null) {
            for (PartitionState state : partitions.values()) {
                TenantQueue queue = state.existing(tenant);
                if (queue != null) {
                    queue.retryNow(now);
                    TenantRef ref = new TenantRef(state.partition(), tenant);
                    scheduler.markDirty(ref);
                    status.changed(ref);
                }
            }
        }
        while ((tenant = refreshRequests.poll()) != null) {
            for (PartitionState state : partitions.values()) {
                TenantQueue queue = state.existing(tenant);
                if (queue != null) {
                    queue.refresh();
                    status.changed(new TenantRef(state.partition(), tenant));
                }
            }
        }
    }

    private void applyConfigChanges() {
        String tenant;
        while ((tenant = configs.nextChange()) != null) {
            for (PartitionState state : partitions.values()) {
                if (state.existing(tenant) != null) {
                    scheduler.markDirty(new TenantRef(state.partition(), tenant));
                }
            }
        }
    }

    /** Tenants in line for a slot first (fairness), then every tenant something happened to. */
    private void dispatchReady(Instant now) {
        TenantRef ref;
        while ((ref = scheduler.nextInLine()) != null) {
            dispatch(ref, now, true);
        }
        for (TenantRef dirty : scheduler.drainDirty()) {
            dispatch(dirty, now, false);
        }
    }

    private void dispatch(TenantRef ref, Instant now, boolean fromLine) {
        PartitionState state = partitions.get(ref.partition());
        TenantQueue queue = state == null ? null : state.existing(ref.tenantId());
        if (queue == null) {
            return;
        }
        WebhookConfig config = configs.get(ref.tenantId()).orElse(null);
        boolean enabled = config != null && config.getEnabled();
        if (queue.held() == enabled) {
            status.changed(ref);
        }
        queue.hold(!enabled);
        if (!enabled) {
            return; // held: looked at again when its config changes
        }
        boolean batching = config.getBatching();
        if (queue.readyToSend(now, batching, settings.batchWindow()) == 0) {
            Instant wakeAt = queue.wakeAt(batching, settings.batchWindow());
            if (wakeAt != null && queue.scheduleWake(wakeAt)) {
                scheduler.wakeAt(wakeAt, ref);
            }
            state.forgetIfIdle(queue, now);
            return;
        }
        if (!scheduler.trySlot(ref, fromLine)) {
            return; // in line for a slot
        }
        List<QueuedWebhook> webhooks = queue.nextRequest(now, batching, settings.batchWindow(), settings.unbatchedRun());
        String tenant = ref.tenantId();
        requests.run(config, batching, webhooks, () -> configs.get(tenant).orElse(null) == config, outcome -> {
            completions.add(new Completion(state, ref, webhooks, batching, outcome));
            wake.run();
        });
    }

    /** Before stopping: publishes every tenant's state and commits what was delivered. */
    public void finish() {
        Instant now = clock.instant();
        applyCompletions(now);
        status.publish(partitions, now);
        status.publishAll(partitions.values(), now);
        progress.flush();
        committer.commitSync(partitions.values());
    }

    public boolean hasRequestsInFlight() {
        return scheduler.inFlight() > 0;
    }

    /** Applies the outcomes that arrived (for the shutdown drain). */
    public void applyCompletions() {
        applyCompletions(clock.instant());
    }

    public ConsumerRebalanceListener rebalanceListener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                if (assigned.isEmpty()) {
                    return;
                }
                Map<Integer, Map<String, DeliveryProgress>> recorded =
                        progress.load(assigned.stream().map(TopicPartition::partition).toList());
                for (TopicPartition tp : assigned) {
                    partitions.put(tp, new PartitionState(tp, recorded.getOrDefault(tp.partition(), Map.of()),
                            settings.tenantCapacity(), settings.partitionBufferBytes()));
                }
                consumer.resume(assigned); // in case it was paused (waiting for the registry) when it left
                log.info("assigned {} (now serving {} partitions)", assigned, partitions.size());
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                // What finished here counts, and is recorded for the next owner — also tenants whose
                // queue went idle (they are no longer in the partition's queues, only in `changed`).
                Instant now = clock.instant();
                applyCompletions(now);
                status.publish(partitions, now);
                List<PartitionState> leaving = new ArrayList<>();
                for (TopicPartition tp : revoked) {
                    PartitionState state = partitions.remove(tp);
                    if (state != null) {
                        leaving.add(state);
                    }
                }
                if (leaving.isEmpty()) {
                    return;
                }
                status.publishAll(leaving, now);
                progress.flushAndWait(); // the next owner must see what was delivered here
                committer.commitSync(leaving);
                log.info("revoked {} (now serving {} partitions)", revoked, partitions.size());
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> lost) {
                lost.forEach(partitions::remove); // another instance owns them already: write nothing more for them
                progress.forget(lost.stream().map(TopicPartition::partition).toList());
                log.warn("lost {} without a clean hand-over", lost);
            }
        };
    }

    // ---- operator commands and status, from any thread ----

    public void retryNow(String tenantId) {
        retryRequests.add(tenantId);
        wake.run();
    }

    public void refresh(String tenantId) {
        refreshRequests.add(tenantId);
        wake.run();
    }

    public Optional<TenantStatus> status(String tenantId) {
        return status.status(tenantId);
    }

    public long deliveredWebhooks() {
        return status.deliveredWebhooks();
    }

    public long deliveredRequests() {
        return status.deliveredRequests();
    }

    public long failedAttempts() {
        return status.failedAttempts();
    }

    // ---- for the simulation's invariant checks (poll thread only) ----

    /** The partitions this engine owns, by partition. */
    public Map<TopicPartition, PartitionState> partitions() {
        return partitions;
    }
}
