package dev.webhookpipeline.topics;

import dev.webhookpipeline.schema.DeliveryProgress;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.schema.OperatorAction;
import dev.webhookpipeline.schema.OutboundWebhook;
import dev.webhookpipeline.schema.TenantCommand;
import dev.webhookpipeline.schema.WebhookConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The registry of every topic the pipeline uses: one place for names, key and value types and
 * layout. Keys are always the tenant id as a UTF-8 string, so Kafka's default partitioner puts a
 * tenant on the same partition number of every topic that has the same partition count; that is
 * what makes the events and outbound topics co-partitioned.
 */
public final class PipelineTopics {

    public static final int DEFAULT_PARTITIONS = 12;
    /** Long enough for analysts to replay a month; operators raise it with {@code --events-retention}. */
    public static final Duration DEFAULT_EVENTS_RETENTION = Duration.ofDays(30);
    /**
     * Undelivered webhooks wait in the outbound topic, so this bounds how long a tenant's endpoint
     * may stay down before the oldest of its webhooks are deleted by retention.
     */
    public static final Duration DEFAULT_OUTBOUND_RETENTION = Duration.ofDays(30);
    public static final Duration DEFAULT_DEAD_LETTER_RETENTION = Duration.ofDays(30);

    private final String prefix;
    private final TopicSpec<String, DomainEvent> events;
    private final TopicSpec<String, WebhookConfig> tenantConfig;
    private final TopicSpec<String, OutboundWebhook> outbound;
    private final TopicSpec<byte[], byte[]> deadLetter;
    private final TopicSpec<String, DeliveryProgress> deliveryState;
    private final TopicSpec<String, TenantCommand> control;
    private final TopicSpec<String, OperatorAction> operatorLog;

    private final boolean partitionsGiven;

    private PipelineTopics(Builder b) {
        this.partitionsGiven = b.partitionsGiven;
        this.prefix = b.prefix;
        this.events = new TopicSpec<>(b.prefix + "events", "domain events from upstream services",
                String.class, DomainEvent.class, b.partitions, TopicSpec.CleanupPolicy.DELETE,
                Optional.of(b.eventsRetention));
        this.tenantConfig = new TopicSpec<>(b.prefix + "tenant-config", "each tenant's current webhook config",
                String.class, WebhookConfig.class, b.partitions, TopicSpec.CleanupPolicy.COMPACT, Optional.empty());
        this.outbound = new TopicSpec<>(b.prefix + "outbound", "webhooks to deliver, with their ids",
                String.class, OutboundWebhook.class, b.partitions, TopicSpec.CleanupPolicy.DELETE,
                Optional.of(b.outboundRetention));
        this.deadLetter = new TopicSpec<>(b.prefix + "dead-letter", "input that could not be processed, with the reason",
                byte[].class, byte[].class, b.partitions, TopicSpec.CleanupPolicy.DELETE,
                Optional.of(b.deadLetterRetention));
        this.deliveryState = new TopicSpec<>(b.prefix + "delivery-state", "how far delivery to each tenant has got",
                String.class, DeliveryProgress.class, b.partitions, TopicSpec.CleanupPolicy.COMPACT, Optional.empty());
        this.control = new TopicSpec<>(b.prefix + "control", "operators' Retry and Refresh commands per tenant",
                String.class, TenantCommand.class, b.partitions, TopicSpec.CleanupPolicy.DELETE, Optional.of(Duration.ofDays(1)));
        // Kept forever (retention -1, never compacted): the record of who requeued or replayed what.
        this.operatorLog = new TopicSpec<>(b.prefix + "operator-log", "what operators and analysts did to the data",
                String.class, OperatorAction.class, b.partitions, TopicSpec.CleanupPolicy.DELETE, Optional.empty());
    }

    /** The production layout: {@code webhooks.*} topics, 12 partitions. */
    public static PipelineTopics defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Topic-name prefix, e.g. {@code webhooks.}; also namespaces the router's application id. */
    public String prefix() {
        return prefix;
    }

    public TopicSpec<String, DomainEvent> events() {
        return events;
    }

    public TopicSpec<String, WebhookConfig> tenantConfig() {
        return tenantConfig;
    }

    public TopicSpec<String, OutboundWebhook> outbound() {
        return outbound;
    }

    public TopicSpec<byte[], byte[]> deadLetter() {
        return deadLetter;
    }

    public TopicSpec<String, DeliveryProgress> deliveryState() {
        return deliveryState;
    }

    public TopicSpec<String, TenantCommand> control() {
        return control;
    }

    /**
     * Whether the partition count was chosen (a setting or option) rather than defaulted: a chosen
     * count must match existing topics, a default one gives way to theirs ({@link TopicInitializer#ensure(PipelineTopics)}).
     */
    public boolean partitionsGiven() {
        return partitionsGiven;
    }

    public TopicSpec<String, OperatorAction> operatorLog() {
        return operatorLog;
    }

    public List<TopicSpec<?, ?>> all() {
        return List.of(events, tenantConfig, outbound, deadLetter, deliveryState, control, operatorLog);
    }

    public static final class Builder {
        private String prefix = "webhooks.";
        private int partitions = DEFAULT_PARTITIONS;
        private boolean partitionsGiven;
        private Duration eventsRetention = DEFAULT_EVENTS_RETENTION;
        private Duration outboundRetention = DEFAULT_OUTBOUND_RETENTION;
        private Duration deadLetterRetention = DEFAULT_DEAD_LETTER_RETENTION;

        private Builder() {}

        public Builder prefix(String prefix) {
            if (prefix == null || !prefix.matches("[a-zA-Z0-9._-]*")) {
                throw new IllegalArgumentException("topic prefix may only hold letters, digits, '.', '_' and '-', got: "
                        + prefix);
            }
            this.prefix = prefix;
            return this;
        }

        /** Partitions of every topic: the ceiling on dispatcher and router parallelism. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            this.partitions = partitions;
            this.partitionsGiven = true;
            return this;
        }

        public Builder eventsRetention(Duration retention) {
            this.eventsRetention = positive(retention, "events retention");
            return this;
        }

        public Builder outboundRetention(Duration retention) {
            this.outboundRetention = positive(retention, "outbound retention");
            return this;
        }

        public Builder deadLetterRetention(Duration retention) {
            this.deadLetterRetention = positive(retention, "dead-letter retention");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        public PipelineTopics build() {
            return new PipelineTopics(this);
        }
    }
}
