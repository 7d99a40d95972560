package dev.webhookpipeline.service;

/**
 * What a pipeline service makes sure of before it starts, in the order {@link ServiceLauncher} runs
 * them. Each throws with a message that says what to fix; {@link PipelineStartupChecks} is the real
 * one, a test gives fakes.
 */
public interface StartupChecks {

    /** Kafka answers (fails fast, rather than a service that hangs in its first poll). */
    void requireKafka();

    /** The schema registry answers. */
    void requireRegistry();

    /** The pipeline's topics exist with the layout it needs. */
    void ensureTopics();

    /** Each Avro topic's subject has the current schema and its compatibility rule. */
    void ensureSubjects();
}
