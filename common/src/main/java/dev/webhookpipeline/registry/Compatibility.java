package dev.webhookpipeline.registry;

/** Compatibility levels of the Confluent schema registry API. */
public enum Compatibility {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
}
