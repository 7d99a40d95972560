package dev.webhookpipeline.service;

import dev.webhookpipeline.registry.RedactedUrl;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.settings.Connectivity;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.SubjectInitializer;
import dev.webhookpipeline.topics.TopicInitializer;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The start-up checks against the real Kafka and schema registry, each Kafka call bounded by {@code timeout}. */
public final class PipelineStartupChecks implements StartupChecks {

    private static final Logger log = LoggerFactory.getLogger(PipelineStartupChecks.class);

    private final Map<String, Object> kafkaProperties;
    private final SchemaRegistryClient registry;
    private final PipelineTopics topics;
    private final Duration timeout;

    public PipelineStartupChecks(Map<String, Object> kafkaProperties, SchemaRegistryClient registry,
                                 PipelineTopics topics, Duration timeout) {
        this.kafkaProperties = kafkaProperties;
        this.registry = registry;
        this.topics = topics;
        this.timeout = timeout;
    }

    @Override
    public void requireKafka() {
        Connectivity.requireKafka(kafkaProperties, timeout);
        log.info("Kafka at {} answers", kafkaProperties.get("bootstrap.servers"));
    }

    @Override
    public void requireRegistry() {
        Connectivity.requireRegistry(registry);
        log.info("schema registry at {} answers", RedactedUrl.of(registry.url())); // no credentials in the log
    }

    @Override
    public void ensureTopics() {
        try (Admin admin = Admin.create(Connectivity.adminProperties(kafkaProperties, timeout))) {
            TopicInitializer.Report report = new TopicInitializer(admin, timeout.toMillis()).ensure(topics);
            log.info("topics ({} partitions each) created {}, existing {}", report.partitions(), report.created(),
                    report.existing());
            report.warnings().forEach(w -> log.warn("{}", w));
        }
    }

    @Override
    public void ensureSubjects() {
        log.info("schema subjects: {}", new SubjectInitializer(registry).ensure(topics.all()));
    }
}
