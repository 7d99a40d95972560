package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.deadletter.DeadLetterHeaders;
import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.dispatcher.delivery.TenantQueue;
import dev.webhookpipeline.dispatcher.http.WebhookRequest;
import dev.webhookpipeline.dispatcher.http.WebhookSender;
import dev.webhookpipeline.dispatcher.kafka.ConfigTable;
import dev.webhookpipeline.dispatcher.kafka.DeliveryProgressStore;
import dev.webhookpipeline.dispatcher.kafka.PartitionState;
import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.serde.AvroDecodeException;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbound topic's webhooks to tenants' endpoints: one member of the dispatcher
 * consumer group. See docs/dispatcher.md for the design and its invariants.
 *
 * <p>One poll thread owns all state: it polls Kafka, queues records per tenant, decides which
 * tenant may send next, applies results and commits. HTTP requests run on virtual threads and
 * hand their outcome back through a queue, so the poll thread never waits on an endpoint and
 * {@code max.poll.interval.ms} cannot be reached by a slow one.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    /** How often re-reads and pauses are reconsidered (they scan every tenant of a partition). */
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofMillis(50);
    private static final Duration STATUS_EVERY = Duration.ofMillis(200);

    /** A tenant on a partition: the unit of scheduling. */
    private record TenantRef(TopicPartition partition, String tenantId) {}

    private record Timer(Instant at, TenantRef ref) {}

    private record Completion(PartitionState state, TenantRef ref, List<QueuedWebhook> sent, Attempt attempt) {}

    private final DispatcherConfig config;
    private final Clock clock;
    private final ConfigTable configs;
    private final DeliveryProgressStore progress;
    private final WebhookSender sender;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final AvroDeserializer<OutboundWebhook> deserializer;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread pollThread;

    // Poll-thread state.
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final Set<TenantRef> dirty = new LinkedHashSet<>();
    /** Tenants whose recorded state changed since the last publish to the delivery-state topic. */
    private final Set<TenantRef> statusChanged = new java.util.HashSet<>();
    private long lastStatusPublish = System.nanoTime();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    private final Deque<TenantRef> waitingForSlot = new ArrayDeque<>();
    private int inFlight;
    private long lastCommit = System.nanoTime();
    private long lastHousekeeping = System.nanoTime();

    // Handed in from other threads.
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Queue<String> retryRequests = new ConcurrentLinkedQueue<>();
    private final Queue<String> refreshRequests = new ConcurrentLinkedQueue<>();
    private volatile boolean running;
    private long lastPoll; // System.nanoTime() of the last consumer.poll, poll thread only
    private final java.util.Set<PartitionState> rereadNow = new java.util.HashSet<>(); // poll thread only

    private final Map<String, TenantStatus> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong deliveredWebhooks = new AtomicLong();
    private final dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics metrics;
    private final AtomicLong deliveredRequests = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();

    public Dispatcher(DispatcherConfig config) {
        this.config = config;
        this.clock = config.clock();
        String outbound = config.topics().outbound().name();
        this.configs = new ConfigTable(config.kafkaProperties(), config.registry(), config.topics().tenantConfig().name());
        this.progress = new DeliveryProgressStore(config.kafkaProperties(), config.registry(),
                config.topics().deliveryState().name(), Duration.ofMillis(200));
        this.sender = new WebhookSender(config.endpointPolicy(), config.batchTimeout(), config.singleTimeout(),
                config.successAny2xx(), config.maxInFlight(), clock);
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the router writes in transactions
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"); // KIP-848: incremental rebalances
        if ("classic".equalsIgnoreCase(String.valueOf(props.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            // Brokers older than 4.0: keep rebalances incremental all the same.
            props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        }
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "dispatcher");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> dlq = new HashMap<>(config.kafkaProperties());
        dlq.remove(ConsumerConfig.GROUP_ID_CONFIG);
        dlq.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        dlq.put(ProducerConfig.ACKS_CONFIG, "all");
        dlq.put(ProducerConfig.CLIENT_ID_CONFIG, "dispatcher-dead-letters");
        this.deadLetters = new KafkaProducer<>(dlq, new ByteArraySerializer(), new ByteArraySerializer());
        this.deserializer = new AvroDeserializer<>(OutboundWebhook.class, config.registry());
        this.pollThread = new Thread(this::loop, "dispatcher-poll");
        this.metrics = new dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics(config.meterRegistry(),
                config.maxTenantSeries());
        // Consumer lag and the client's own metrics, for Prometheus.
        new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer).bindTo(config.meterRegistry());
    }

    /** Reads the tenant configs, then joins the group and starts delivering. */
    public void start() throws InterruptedException {
        configs.start();
        if (!configs.awaitCaughtUp(Duration.ofSeconds(60))) {
            throw new IllegalStateException("could not read the tenant configs from "
                    + config.topics().tenantConfig().name() + " within 60 s");
        }
        running = true;
        pollThread.start();
    }

    /** Retry now: the tenant's next attempt goes at once, ignoring its backoff. Any thread. */
    public void retryNow(String tenantId) {
        retryRequests.add(tenantId);
    }

    /** Refresh: clear the tenant's recent-failures list (the backoff is unchanged). Any thread. */
    public void refresh(String tenantId) {
        refreshRequests.add(tenantId);
    }

    /** The tenant's state on this instance after its last attempt; empty if it made none here. */
    public java.util.Optional<TenantStatus> status(String tenantId) {
        return java.util.Optional.ofNullable(statuses.get(tenantId));
    }

    /** Whether this instance has read the tenant's config as enabled (configs are read asynchronously). */
    boolean seesEnabled(String tenantId) {
        return configs.get(tenantId).map(WebhookConfig::getEnabled).orElse(false);
    }

    public long deliveredWebhooks() {
        return deliveredWebhooks.get();
    }

    public long deliveredRequests() {
        return deliveredRequests.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    public boolean isRunning() {
        return running && pollThread.isAlive();
    }

    private void loop() {
        consumer.subscribe(List.of(config.topics().outbound().name()), new Rebalance());
        try {
            while (running) {
                Instant now = clock.instant();
                applyCompletions(now);
                if (!rereadNow.isEmpty()) { // a busy tenant has room again: fetch its next webhooks now
                    rereadWhereNeeded(rereadNow);
                    rereadNow.clear();
                }
                applyRetryRequests(now);
                applyConfigChanges();
                fireTimers(now);
                dispatchDirty(now);
                if (System.nanoTime() - lastHousekeeping > HOUSEKEEPING_EVERY.toNanos()) {
                    lastHousekeeping = System.nanoTime();
                    rereadWhereNeeded(partitions.values());
                    adjustPauses();
                }
                commit(false);
                publishStatus(now);
                progress.flush(false);
                enqueue(nextRecords(now));
            }
            drainInFlight();
            Instant end = clock.instant();
            partitions.values().forEach(state -> state.tenants().keySet().forEach(t -> progress.publish(state.snapshot(t, end))));
            commit(true);
        } catch (WakeupException e) {
            // close() woke us: fall through to the shutdown below
        } catch (RuntimeException e) {
            log.error("dispatcher stopped on an unexpected error; its partitions go to the other instances", e);
        } finally {
            running = false;
            // The consumer first: leaving the group runs onPartitionsRevoked, which publishes the
            // partitions' progress for the next owner and so needs the progress store still open.
            consumer.close(Duration.ofSeconds(10));
            progress.close();
        }
    }

    /**
     * Idle, blocks in poll until records arrive or the next timer. Busy (requests in flight or
     * tenants waiting for a slot), asks the consumer for what it has fetched at most every
     * {@code BUSY_POLL} and in between parks until a request completes (its sender unparks this
     * thread): a completion frees its tenant for the next webhook at once, not after a poll timeout
     * — that is what paces a tenant's sequential deliveries — without spinning on the consumer.
     */
    private Iterable<ConsumerRecord<String, byte[]>> nextRecords(Instant now) {
        if (inFlight == 0 && dirty.isEmpty()) {
            lastPoll = System.nanoTime();
            return consumer.poll(pollTimeout(now));
        }
        long sincePoll = System.nanoTime() - lastPoll;
        if (sincePoll >= BUSY_POLL.toNanos()) {
            lastPoll = System.nanoTime();
            return consumer.poll(Duration.ZERO);
        }
        if (completions.isEmpty()) {
            java.util.concurrent.locks.LockSupport.parkNanos(BUSY_POLL.toNanos() - sincePoll);
        }
        return List.of();
    }

    private Duration pollTimeout(Instant now) {
        Timer next = timers.peek();
        if (next == null) {
            return IDLE_POLL;
        }
        long millis = Duration.between(now, next.at()).toMillis();
        return Duration.ofMillis(Math.max(1, Math.min(IDLE_POLL.toMillis(), millis)));
    }

    private void enqueue(Iterable<ConsumerRecord<String, byte[]>> records) {
        Instant now = clock.instant();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            PartitionState state = partitions.get(tp);
            if (state == null) {
                continue; // revoked while the records were on their way
            }
            OutboundWebhook webhook;
            try {
                webhook = deserializer.deserialize(record.topic(), record.value());
            } catch (AvroDecodeException e) {
                deadLetter(record, e);
                state.position(record.offset() + 1);
                continue;
            } catch (SerializationException e) {
                // Registry outage: read this record again on a later poll; the commit stays below it.
                log.warn("schema registry unavailable, will retry {}@{}: {}", tp, record.offset(), e.getMessage());
                consumer.seek(tp, record.offset());
                continue;
            }
            state.position(record.offset() + 1);
            if (webhook == null || record.key() == null) {
                deadLetter(record, new AvroDecodeException(AvroDecodeException.Reason.INVALID_CONTENT,
                        "outbound record without a key or value", null));
                continue;
            }
            TenantQueue queue = state.tenant(record.key());
            TenantQueue.Offer offer = queue.offer(new QueuedWebhook(record.offset(), webhook.getWebhookId(),
                    webhook.getBody(), now, webhook.getOccurredAt()));
            TenantRef ref = new TenantRef(tp, record.key());
            if (offer == TenantQueue.Offer.QUEUED) {
                dirty.add(ref);
            } else {
                state.forgetIfIdle(queue, now);
            }
            if (offer != TenantQueue.Offer.ALREADY_SEEN) {
                statusChanged.add(ref);
            }
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, AvroDecodeException e) {
        log.error("outbound record {}-{}@{} cannot be decoded ({}): moved to the dead-letter topic",
                record.topic(), record.partition(), record.offset(), e.reason());
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(config.topics().deadLetter().name(), null,
                record.key() == null ? null : record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), record.value(),
                DeadLetterHeaders.describe(record.headers(), e.reason().name(), e.getMessage(), record.topic(),
                        record.partition(), record.offset(), "dispatcher"));
        deadLetters.send(out);
        deadLetters.flush(); // before the commit can pass the record
    }

    private void applyCompletions(Instant now) {
        Completion c;
        while ((c = completions.poll()) != null) {
            inFlight--;
            if (partitions.get(c.ref().partition()) != c.state()) {
                continue; // the partition was revoked meanwhile: its new owner sends these again
            }
            TenantQueue queue = c.state().existing(c.ref().tenantId());
            long lastId = c.sent().get(c.sent().size() - 1).webhookId();
            Attempt lastFailure = c.attempt().delivered() ? null : c.attempt();
            if (c.attempt().delivered()) {
                queue.delivered(now);
                if (queue.needsReread()) {
                    rereadNow.add(c.state());
                }
                deliveredWebhooks.addAndGet(c.sent().size());
                deliveredRequests.incrementAndGet();
            } else {
                queue.failed(c.attempt().of(c.sent().get(0).webhookId(), lastId, queue.failedAttempts() + 1), now,
                        config.retrySchedule());
                failedAttempts.incrementAndGet();
                log.warn("tenant {}: webhooks {}-{} failed (attempt {}: {}); next attempt at {}", c.ref().tenantId(),
                        c.sent().get(0).webhookId(), lastId, queue.failedAttempts(), c.attempt().error(),
                        queue.nextAttemptAt());
            }
            if (c.attempt().delivered()) {
                metrics.delivered(c.ref().tenantId(), c.attempt().status(), c.sent().size(),
                        c.sent().stream().map(QueuedWebhook::occurredAt).toList(), now);
            } else {
                metrics.failed(c.ref().tenantId(), c.attempt());
            }
            statuses.put(c.ref().tenantId(), status(queue, lastFailure));
            dirty.add(c.ref());
            statusChanged.add(c.ref());
        }
        while (inFlight < config.maxInFlight() && !waitingForSlot.isEmpty()) {
            dirty.add(waitingForSlot.poll());
        }
    }

    private void applyRetryRequests(Instant now) {
        String tenant;
        while ((tenant = retryRequests.poll()) != null) {
            for (PartitionState state : partitions.values()) {
                TenantQueue queue = state.existing(tenant);
                if (queue != null) {
                    queue.retryNow(now);
                    dirty.add(new TenantRef(state.partition(), tenant));
                    statusChanged.add(new TenantRef(state.partition(), tenant));
                }
            }
        }
        while ((tenant = refreshRequests.poll()) != null) {
            for (PartitionState state : partitions.values()) {
                TenantQueue queue = state.existing(tenant);
                if (queue != null) {
                    queue.refresh();
                    statusChanged.add(new TenantRef(state.partition(), tenant));
                }
            }
        }
    }

    private TenantStatus status(TenantQueue queue, Attempt lastFailure) {
        return new TenantStatus(queue.tenantId(), queue.size(), queue.failedAttempts(), queue.nextAttemptAt(),
                queue.failingSince(), queue.lastDeliveredId(), queue.lastDeliveredAt(), lastFailure, queue.waiting(),
                queue.oldestQueuedAt());
    }

    /** Writes the changed tenants' states to the delivery-state topic, at most every 200 ms. */
    private void publishStatus(Instant now) {
        if (statusChanged.isEmpty() || System.nanoTime() - lastStatusPublish < STATUS_EVERY.toNanos()) {
            return;
        }
        lastStatusPublish = System.nanoTime();
        for (TenantRef ref : statusChanged) {
            PartitionState state = partitions.get(ref.partition());
            var snapshot = state == null ? null : state.snapshot(ref.tenantId(), now);
            if (snapshot != null) {
                progress.publish(snapshot);
                TenantQueue queue = state.existing(ref.tenantId());
                TenantStatus previous = statuses.get(ref.tenantId());
                statuses.put(ref.tenantId(), queue != null ? status(queue, previous == null ? null : previous.lastFailure())
                        : new TenantStatus(ref.tenantId(), 0, 0, null, null, snapshot.getLastDeliveredWebhookId(),
                                snapshot.getLastDeliveredAt(), null, 0, null));
                metrics.watch(ref.tenantId(), statuses, m -> m.containsKey(ref.tenantId()) ? m.get(ref.tenantId()).waiting() : 0,
                        m -> {
                            TenantStatus s = m.get(ref.tenantId());
                            return s == null || s.oldestUndelivered() == null ? 0
                                    : Duration.between(s.oldestUndelivered(), clock.instant()).toMillis() / 1000.0;
                        });
            }
        }
        statusChanged.clear();
    }

    private void applyConfigChanges() {
        String tenant;
        while ((tenant = configs.changes().poll()) != null) {
            for (PartitionState state : partitions.values()) {
                if (state.existing(tenant) != null) {
                    dirty.add(new TenantRef(state.partition(), tenant));
                }
            }
        }
    }

    private void fireTimers(Instant now) {
        while (!timers.isEmpty() && !timers.peek().at().isAfter(now)) {
            dirty.add(timers.poll().ref());
        }
    }

    private void dispatchDirty(Instant now) {
        if (dirty.isEmpty()) {
            return;
        }
        List<TenantRef> batch = List.copyOf(dirty);
        dirty.clear();
        for (TenantRef ref : batch) {
            dispatch(ref, now);
        }
    }

    private void dispatch(TenantRef ref, Instant now) {
        PartitionState state = partitions.get(ref.partition());
        TenantQueue queue = state == null ? null : state.existing(ref.tenantId());
        if (queue == null) {
            return;
        }
        WebhookConfig tenantConfig = configs.get(ref.tenantId()).orElse(null);
        boolean enabled = tenantConfig != null && tenantConfig.getEnabled();
        if (queue.held() == enabled) {
            statusChanged.add(ref);
        }
        queue.hold(!enabled);
        if (!enabled) {
            return; // paused: resumes when the config changes (applyConfigChanges)
        }
        if (inFlight >= config.maxInFlight()) {
            waitingForSlot.add(ref);
            return;
        }
        boolean batching = tenantConfig.getBatching();
        List<QueuedWebhook> webhooks = queue.nextRequest(now, batching, config.batchWindow());
        if (webhooks.isEmpty()) {
            Instant wake = queue.wakeAt(batching, config.batchWindow());
            if (wake != null && queue.scheduleWake(wake)) {
                timers.add(new Timer(wake, ref));
            }
            state.forgetIfIdle(queue, now);
            return;
        }
        inFlight++;
        // The body is built on the request's own virtual thread: the poll thread is the one that
        // serves every tenant, so it only decides what goes (the config read here is what is sent).
        requests.execute(() -> {
            Attempt attempt;
            try {
                attempt = sender.send(request(tenantConfig, batching, webhooks));
            } catch (Throwable e) { // whatever happens, the tenant gets a completion: never left waiting forever
                log.error("tenant {}: could not send webhooks {}-{}", ref.tenantId(), webhooks.get(0).webhookId(),
                        webhooks.get(webhooks.size() - 1).webhookId(), e);
                attempt = Attempt.failed(-1, "could not send: " + e.getClass().getSimpleName(), clock.instant(), 0);
            }
            completions.add(new Completion(state, ref, webhooks, attempt));
            java.util.concurrent.locks.LockSupport.unpark(pollThread); // see nextRecords
        });
    }

    private static WebhookRequest request(WebhookConfig tenant, boolean batching, List<QueuedWebhook> webhooks) {
        String secret = tenant.getSecret();
        String body;
        if (batching) {
            WebhookPayload.SecretInserter inserter = WebhookPayload.inserting(secret);
            StringBuilder out = new StringBuilder(webhooks.size() * (webhooks.get(0).body().length() + 64)).append('[');
            for (QueuedWebhook webhook : webhooks) {
                out.append(out.length() > 1 ? "," : "").append(inserter.into(webhook.body()));
            }
            body = out.append(']').toString();
        } else {
            body = WebhookPayload.withSecret(webhooks.get(0).body(), secret);
        }
        return new WebhookRequest(tenant.getTenantId(), tenant.getEndpoint(), secret, tenant.getSecretHeader(), batching,
                webhooks.get(0).webhookId(), webhooks.get(webhooks.size() - 1).webhookId(), body);
    }

    /** Seeks each of these partitions back to the lowest offset a tenant let go and has room for again. */
    private void rereadWhereNeeded(Collection<PartitionState> states) {
        for (PartitionState state : states) {
            long target = Long.MAX_VALUE;
            for (TenantQueue queue : state.tenants().values()) {
                if (queue.needsReread()) {
                    target = Math.min(target, queue.overflowFrom());
                }
            }
            if (target == Long.MAX_VALUE) {
                continue;
            }
            for (TenantQueue queue : state.tenants().values()) {
                if (queue.overflowFrom() >= target) {
                    queue.rereadStarted(); // all of them are read again from target
                }
            }
            log.debug("re-reading {} from offset {} for tenants that had no room", state.partition(), target);
            consumer.seek(state.partition(), target);
            state.position(target);
            lastPoll = 0; // fetch from there on the next turn, not after the busy-poll interval
        }
    }

    /** Pause a partition whose active tenants hold too much; resume it at half. */
    private void adjustPauses() {
        for (PartitionState state : partitions.values()) {
            int buffered = state.bufferedForActiveTenants();
            if (!state.paused() && buffered >= config.partitionCapacity()) {
                consumer.pause(List.of(state.partition()));
                state.paused(true);
            } else if (state.paused() && buffered < config.partitionCapacity() / 2) {
                consumer.resume(List.of(state.partition()));
                state.paused(false);
            }
        }
    }

    private void commit(boolean sync) {
        if (!sync && System.nanoTime() - lastCommit < config.commitInterval().toNanos()) {
            return;
        }
        lastCommit = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = safeOffsets(partitions.values());
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets, Duration.ofSeconds(10));
        } else {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.warn("offset commit failed (retried on the next one): {}", error.getMessage());
                }
            });
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> safeOffsets(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState state : states) {
            if (state.position() < 0) {
                continue;
            }
            long safe = state.safeCommitOffset(state.position());
            if (safe > state.committed()) {
                offsets.put(state.partition(), new OffsetAndMetadata(safe));
                state.committed(safe);
            }
        }
        return offsets;
    }

    /** On shutdown: let requests in flight finish (up to the longest timeout) so their 200s count. */
    private void drainInFlight() {
        long deadline = System.nanoTime() + config.singleTimeout().plusSeconds(1).toNanos();
        while (inFlight > 0 && System.nanoTime() < deadline) {
            applyCompletions(clock.instant());
            try {
                Thread.sleep(5); // shutdown only: waiting for in-flight requests, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (assigned.isEmpty()) {
                return;
            }
            Map<Integer, Map<String, dev.webhookpipeline.schema.DeliveryProgress>> delivered =
                    progress.load(assigned.stream().map(TopicPartition::partition).toList());
            for (TopicPartition tp : assigned) {
                partitions.put(tp, new PartitionState(tp, delivered.get(tp.partition()), config.tenantCapacity()));
            }
            log.info("assigned {} (now serving {} partitions)", assigned, partitions.size());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            List<PartitionState> leaving = revoked.stream().map(partitions::remove).filter(s -> s != null).toList();
            Instant now = clock.instant();
            for (PartitionState state : leaving) {
                state.tenants().keySet().forEach(t -> progress.publish(state.snapshot(t, now)));
            }
            progress.flushAndWait(); // the new owner must see what was delivered here
            Map<TopicPartition, OffsetAndMetadata> offsets = safeOffsets(leaving);
            if (!offsets.isEmpty()) {
                try {
                    consumer.commitSync(offsets, Duration.ofSeconds(10));
                } catch (RuntimeException e) {
                    log.warn("could not commit revoked partitions {} (the new owner re-sends from the last commit): {}",
                            revoked, e.getMessage());
                }
            }
            log.info("revoked {} (now serving {} partitions)", revoked, partitions.size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            lost.forEach(partitions::remove); // another instance owns them already: commit nothing
            log.warn("lost {} without a clean hand-over", lost);
        }
    }

    /** Stops taking webhooks, lets requests in flight finish, commits what was delivered, leaves the group. */
    @Override
    public void close() throws Exception {
        running = false;
        pollThread.join(config.singleTimeout().plusSeconds(20).toMillis());
        requests.shutdownNow();
        sender.close();
        deadLetters.close(Duration.ofSeconds(5));
        configs.close();
    }
}
