package dev.webhookpipeline.producer.cli;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.settings.Connectivity;
import dev.webhookpipeline.settings.PipelineSettings;
import java.time.Duration;

/** What the analysts' commands check before they read: Kafka and the registry answer (else exit 1, saying what to fix). */
record AnalystSession(SchemaRegistryClient registry) {

    static AnalystSession open(PipelineSettings settings) {
        Connectivity.requireKafka(settings.kafkaProperties(), Duration.ofSeconds(15));
        SchemaRegistryClient registry = settings.registryClient();
        Connectivity.requireRegistry(registry);
        return new AnalystSession(registry);
    }
}
