package dev.webhookpipeline.dispatcher;

import dev.webhookpipeline.dispatcher.delivery.RetrySchedule;
import dev.webhookpipeline.dispatcher.egress.Egress;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.topics.PipelineTopics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link Dispatcher} needs. Build with {@link #builder}; defaults follow the delivery
 * contract (5 s batched / 10 s single timeouts, 1 s batch window, the standard retry schedule).
 */
public record DispatcherConfig(
        Map<String, Object> kafkaProperties,
        SchemaRegistryClient registry,
        PipelineTopics topics,
        String groupId,
        EndpointPolicy endpointPolicy,
        Egress egress,
        Duration batchWindow,
        Duration batchTimeout,
        Duration singleTimeout,
        boolean successAny2xx,
        int maxInFlight,
        int tenantCapacity,
        long partitionBufferBytes,
        RetrySchedule retrySchedule,
        Duration commitInterval,
        Duration progressInterval,
        int unbatchedRun,
        Clock clock,
        MeterRegistry meterRegistry,
        int maxTenantSeries,
        SecretCodec secretCodec) {

    public static final Duration MAX_BATCH_WINDOW = Duration.ofSeconds(10);

    public DispatcherConfig {
        Objects.requireNonNull(kafkaProperties, "kafkaProperties");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(egress, "egress");
        Objects.requireNonNull(secretCodec, "secretCodec");
        if (batchWindow.isNegative() || batchWindow.compareTo(MAX_BATCH_WINDOW) > 0) {
            throw new IllegalArgumentException("batch window must be between 0 and 10 s, got " + batchWindow);
        }
        if (progressInterval.isNegative() || progressInterval.isZero() || progressInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("progress interval must be between 1 ms and 1 min, got " + progressInterval);
        }
        if (unbatchedRun < 1 || unbatchedRun > 100) {
            throw new IllegalArgumentException("unbatched run must be between 1 and 100, got " + unbatchedRun);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in-flight requests must be at least 1");
        }
        if (tenantCapacity < 100) {
            throw new IllegalArgumentException("tenant capacity must hold at least one batch (100 webhooks), got "
                    + tenantCapacity);
        }
        if (partitionBufferBytes < 64 * 1024) {
            throw new IllegalArgumentException("partition buffer must be at least 64 KiB, got " + partitionBufferBytes);
        }
    }

    public static Builder builder(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, PipelineTopics topics) {
        return new Builder(kafkaProperties, registry, topics);
    }

    public static final class Builder {
        private final Map<String, Object> kafkaProperties;
        private final SchemaRegistryClient registry;
        private final PipelineTopics topics;
        private String groupId;
        private EndpointPolicy endpointPolicy = EndpointPolicy.strict();
        private Egress egress = Egress.direct();
        private Duration batchWindow = DispatcherSetting.BATCH_WINDOW.defaultDuration();
        private Duration batchTimeout = DispatcherSetting.BATCH_TIMEOUT.defaultDuration();
        private Duration singleTimeout = DispatcherSetting.SINGLE_TIMEOUT.defaultDuration();
        private boolean successAny2xx = DispatcherSetting.SUCCESS_ANY_2XX.defaultBoolean();
        private int maxInFlight = DispatcherSetting.MAX_IN_FLIGHT.defaultInt();
        private int tenantCapacity = DispatcherSetting.TENANT_CAPACITY.defaultInt();
        private long partitionBufferBytes = DispatcherSetting.PARTITION_BUFFER_BYTES.defaultInt();
        private RetrySchedule retrySchedule = RetrySchedule.STANDARD;
        private Duration commitInterval = Duration.ofMillis(500);
        private Duration progressInterval = DispatcherSetting.PROGRESS_INTERVAL.defaultDuration();
        private int unbatchedRun = DispatcherSetting.UNBATCHED_RUN.defaultInt();
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry =
                new SimpleMeterRegistry();
        private int maxTenantSeries = DispatcherSetting.MAX_TENANT_SERIES.defaultInt();
        private SecretCodec secretCodec = SecretCodec.plaintext();

        private Builder(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, PipelineTopics topics) {
            this.kafkaProperties = kafkaProperties;
            this.registry = registry;
            this.topics = topics;
        }

        public Builder groupId(String v) { this.groupId = v; return this; }
        public Builder endpointPolicy(EndpointPolicy v) { this.endpointPolicy = v; return this; }
        public Builder egress(Egress v) { this.egress = v; return this; }
        public Builder batchWindow(Duration v) { this.batchWindow = v; return this; }
        public Builder batchTimeout(Duration v) { this.batchTimeout = v; return this; }
        public Builder singleTimeout(Duration v) { this.singleTimeout = v; return this; }
        public Builder successAny2xx(boolean v) { this.successAny2xx = v; return this; }
        public Builder maxInFlight(int v) { this.maxInFlight = v; return this; }
        public Builder tenantCapacity(int v) { this.tenantCapacity = v; return this; }
        public Builder partitionBufferBytes(long v) { this.partitionBufferBytes = v; return this; }
        public Builder retrySchedule(RetrySchedule v) { this.retrySchedule = v; return this; }
        public Builder commitInterval(Duration v) { this.commitInterval = v; return this; }
        public Builder progressInterval(Duration v) { this.progressInterval = v; return this; }
        public Builder unbatchedRun(int v) { this.unbatchedRun = v; return this; }
        public Builder clock(Clock v) { this.clock = v; return this; }
        public Builder meterRegistry(MeterRegistry v) { this.meterRegistry = v; return this; }
        public Builder maxTenantSeries(int v) { this.maxTenantSeries = v; return this; }
        /** How the config topic's secrets are decrypted; plaintext only by default. */
        public Builder secretCodec(SecretCodec v) { this.secretCodec = v; return this; }

        public DispatcherConfig build() {
            return new DispatcherConfig(kafkaProperties, registry, topics,
                    groupId != null ? groupId : topics.prefix() + "dispatcher", endpointPolicy, egress, batchWindow,
                    batchTimeout, singleTimeout, successAny2xx, maxInFlight, tenantCapacity, partitionBufferBytes,
                    retrySchedule, commitInterval, progressInterval, unbatchedRun, clock, meterRegistry, maxTenantSeries,
                    secretCodec);
        }
    }
}
