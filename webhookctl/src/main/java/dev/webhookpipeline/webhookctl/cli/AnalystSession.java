package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.settings.Connectivity;
import dev.webhookpipeline.settings.PipelineSettings;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What the analysts' commands share: before they read, Kafka and the registry must answer (else exit 1,
 * saying what to fix); a mistake in what they were asked is a usage error (exit 2).
 */
record AnalystSession(SchemaRegistryClient registry) {

    static AnalystSession open(PipelineSettings settings) {
        Connectivity.requireKafka(settings.kafkaProperties(), Duration.ofSeconds(15));
        SchemaRegistryClient registry = settings.registryClient();
        Connectivity.requireRegistry(registry);
        return new AnalystSession(registry);
    }

    /** Runs a step whose IllegalArgumentException is the user's mistake (a bad time, an unknown topic): exit 2. */
    static <T> T usage(CommandSpec spec, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
