package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.dispatcher.kafka.CompactedTable;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's delivery state, read from the delivery-state topic that all dispatcher instances
 * write to: so any instance answers for every tenant, whichever instance owns it. Lists are served
 * from a {@link TenantStatusIndex} rebuilt in the background after changes (at most once per
 * {@code indexInterval}, so a list may be that much behind {@link #get}); the per-minute chart
 * comes from a {@link DeliveryTimeline} fed by every change.
 */
public final class StatusView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusView.class);

    /** How often the tenant list is re-sorted after changes by default. */
    public static final Duration INDEX_INTERVAL = Duration.ofSeconds(1);

    private final CompactedTable<DeliveryProgress> table;
    private final Clock clock;
    private final DeliveryTimeline timeline;
    private final AtomicBoolean changed = new AtomicBoolean(true);
    private final ScheduledExecutorService indexer;
    private final Duration indexInterval;
    private volatile TenantStatusIndex index;

    public StatusView(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        this(kafkaProperties, registry, topic, Clock.systemUTC(), INDEX_INTERVAL);
    }

    public StatusView(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic, Clock clock,
                      Duration indexInterval) {
        this.clock = clock;
        this.timeline = new DeliveryTimeline(clock);
        this.indexInterval = indexInterval;
        this.index = TenantStatusIndex.empty(clock.instant());
        this.table = new CompactedTable<>(kafkaProperties, new AvroDeserializer<>(DeliveryProgress.class, registry), topic,
                "dispatcher-status-view", (key, state) -> Optional.empty(), (tenant, before, after) -> {
                    timeline.record(before, after);
                    changed.set(true);
                });
        this.indexer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("status-index").factory());
    }

    public void start() {
        table.start();
        indexer.execute(this::reindexAndReschedule);
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        boolean caughtUp = table.awaitCaughtUp(timeout);
        if (caughtUp) {
            reindexIfChanged(); // the first list answered after start-up has every tenant read so far
        }
        return caughtUp;
    }

    public Optional<DeliveryProgress> get(String tenantId) {
        return table.get(tenantId);
    }

    public Collection<DeliveryProgress> all() {
        return table.values();
    }

    /** The tenant list, sorted and counted as of its last rebuild. */
    public TenantStatusIndex index() {
        return index;
    }

    /** Delivered and failed per minute over the last hour, and webhooks waiting. */
    public List<DeliveryTimeline.Minute> minutes() {
        return timeline.minutes();
    }

    /**
     * Rebuilds after changes, then waits the interval, or four times what the rebuild took when that
     * is longer: with a million tenants on record the list costs at most a fifth of a core to keep sorted.
     */
    private void reindexAndReschedule() {
        long start = System.nanoTime();
        reindexIfChanged();
        long took = System.nanoTime() - start;
        try {
            indexer.schedule(this::reindexAndReschedule, Math.max(indexInterval.toNanos(), 4 * took), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // the view was closed meanwhile: nothing more to sort
        }
    }

    private synchronized void reindexIfChanged() {
        try {
            if (changed.getAndSet(false)) {
                index = TenantStatusIndex.build(table.values(), clock.instant(), index);
            }
        } catch (RuntimeException e) {
            changed.set(true); // try again next time; an exception would end the schedule
            log.warn("rebuilding the status list failed; the previous one is served", e);
        }
    }

    /** Whether the delivery states are still being read; false once the reader stopped (the status goes stale). */
    public boolean isReading() {
        return table.isReading();
    }

    @Override
    public void close() throws InterruptedException {
        indexer.shutdownNow();
        table.close();
    }
}
