package dev.webhookpipeline.router;

/** What the router did with one input record. Every record ends in exactly one outcome. */
public enum Outcome {
    /** Written to the outbound topic with the tenant's next webhook id. */
    ROUTED("routed"),
    /** Undecodable or invalid input (event or config), copied to the dead-letter topic. */
    DEAD_LETTERED("dead-lettered"),
    /** The tenant has never had a config. */
    DROPPED_NO_CONFIG("dropped-no-config"),
    /** The tenant's config was deleted (tombstone on the config topic). */
    DROPPED_CONFIG_DELETED("dropped-config-deleted"),
    /** The tenant has webhooks turned off. */
    DROPPED_DISABLED("dropped-disabled"),
    /** The tenant has not enabled this event type. */
    DROPPED_TYPE_NOT_ENABLED("dropped-type-not-enabled"),
    /** COLLECTED_DATA_UPDATED for a tenant configured at or after the cut-over: it gets COLLECTED_DATA_CHANGED instead. */
    DROPPED_DEPRECATED_AFTER_CUTOVER("dropped-deprecated-after-cutover");

    private final String metricName;

    Outcome(String metricName) {
        this.metricName = metricName;
    }

    /** Stable kebab-case name for logs and metrics. */
    public String metricName() {
        return metricName;
    }

    public boolean isDrop() {
        return name().startsWith("DROPPED_");
    }
}
