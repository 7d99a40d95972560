package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.dispatcher.engine.DeliveryEngine;
import dev.webhookpipeline.dispatcher.engine.EngineSettings;
import dev.webhookpipeline.dispatcher.http.VirtualThreadRequests;
import dev.webhookpipeline.dispatcher.http.WebhookSender;
import dev.webhookpipeline.dispatcher.kafka.ConfigTable;
import dev.webhookpipeline.dispatcher.kafka.DeliveryProgressStore;
import dev.webhookpipeline.dispatcher.kafka.KafkaDeadLetterWriter;
import dev.webhookpipeline.dispatcher.kafka.RegistryOutboundDecoder;
import dev.webhookpipeline.dispatcher.metrics.DeliveryMetrics;
import dev.webhookpipeline.schema.WebhookConfig;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the dispatcher consumer group: wires the {@link DeliveryEngine} to the real Kafka
 * clients, the schema registry, the HTTP sender and the config table, and runs its turns on a
 * poll thread of its own. See docs/dispatcher.md for the design and its invariants.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final DispatcherConfig config;
    private final ConfigTable configs;
    private final DeliveryProgressStore progress;
    private final WebhookSender sender;
    private final VirtualThreadRequests requests;
    private final KafkaDeadLetterWriter deadLetters;
    private final RegistryOutboundDecoder decoder;
    private final KafkaConsumer<String, byte[]> consumer;
    private final DeliveryEngine engine;
    private final Thread pollThread;
    private volatile boolean running;

    public Dispatcher(DispatcherConfig config) {
        this.config = config;
        this.configs = new ConfigTable(config.kafkaProperties(), config.registry(), config.topics().tenantConfig().name(),
                config.secretCodec());
        this.progress = new DeliveryProgressStore(config.kafkaProperties(), config.registry(),
                config.topics().deliveryState().name());
        this.sender = new WebhookSender(config.endpointPolicy(), config.egress(), config.batchTimeout(), config.singleTimeout(),
                config.successAny2xx(), config.maxInFlight(), config.clock());
        this.requests = new VirtualThreadRequests(sender, config.clock());
        this.deadLetters = new KafkaDeadLetterWriter(config.kafkaProperties(), config.topics().deadLetter().name());
        this.decoder = new RegistryOutboundDecoder(config.registry());
        this.consumer = new KafkaConsumer<>(consumerProperties(config), new StringDeserializer(), new ByteArrayDeserializer());
        this.pollThread = new Thread(this::loop, "dispatcher-poll");
        this.engine = new DeliveryEngine(
                new EngineSettings(config.topics().outbound().name(), config.batchWindow(), config.maxInFlight(),
                        config.tenantCapacity(), config.partitionBufferBytes(), config.retrySchedule(),
                        config.commitInterval(), config.progressInterval(), config.unbatchedRun()),
                new DeliveryEngine.Ports(consumer, decoder, requests, deadLetters, progress, configs),
                config.clock(), System::nanoTime, () -> LockSupport.unpark(pollThread),
                new DeliveryMetrics(config.meterRegistry(), config.maxTenantSeries()));
        // Consumer lag and the client's own metrics, for Prometheus.
        new KafkaClientMetrics(consumer).bindTo(config.meterRegistry());
    }

    private static Map<String, Object> consumerProperties(DispatcherConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // the router writes in transactions
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"); // KIP-848: incremental rebalances
        if ("classic".equalsIgnoreCase(String.valueOf(props.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            // Brokers older than 4.0: keep rebalances incremental all the same.
            props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "dispatcher");
        return props;
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

    private void loop() {
        engine.subscribe();
        try {
            while (running) {
                long park = engine.turn();
                if (park > 0) {
                    LockSupport.parkNanos(park); // until a request completes (it unparks this thread) or the next poll
                }
            }
            drainInFlight();
            engine.finish();
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

    /** On shutdown: let requests in flight finish (up to the longest timeout) so their 200s count. */
    private void drainInFlight() {
        long deadline = System.nanoTime() + config.singleTimeout().plusSeconds(1).toNanos();
        while (engine.hasRequestsInFlight() && System.nanoTime() < deadline) {
            engine.applyCompletions();
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // woken early by each completion
        }
    }

    /** Retry now: the tenant's next attempt goes at once, ignoring its backoff. Any thread. */
    public void retryNow(String tenantId) {
        engine.retryNow(tenantId);
    }

    /** Refresh: clear the tenant's recent-failures list (the backoff is unchanged). Any thread. */
    public void refresh(String tenantId) {
        engine.refresh(tenantId);
    }

    /** The tenant's state on this instance after its last attempt; empty if it made none here. */
    public Optional<TenantStatus> status(String tenantId) {
        return engine.status(tenantId);
    }

    /** Whether this instance has read the tenant's config as enabled (configs are read asynchronously). */
    boolean seesEnabled(String tenantId) {
        return configs.get(tenantId).map(WebhookConfig::getEnabled).orElse(false);
    }

    public long deliveredWebhooks() {
        return engine.deliveredWebhooks();
    }

    public long deliveredRequests() {
        return engine.deliveredRequests();
    }

    public long failedAttempts() {
        return engine.failedAttempts();
    }

    /** False once the poll thread or the config reader has stopped: sending with configs that no longer change is wrong. */
    public boolean isRunning() {
        return running && pollThread.isAlive() && configs.isReading();
    }

    /** Stops taking webhooks, lets requests in flight finish, commits what was delivered, leaves the group. */
    @Override
    public void close() throws Exception {
        running = false;
        LockSupport.unpark(pollThread);
        pollThread.join(config.singleTimeout().plusSeconds(20).toMillis());
        requests.close();
        sender.close();
        decoder.close();
        deadLetters.close();
        configs.close();
    }
}
