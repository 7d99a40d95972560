package dev.webhookpipeline.serde;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import java.util.Map;

/** Configuration keys of the Avro serde; the names are Confluent's, so existing client configs carry over. */
public final class SerdeConfig {
    /** Base URL of a Confluent-compatible registry, e.g. {@code http://localhost:8081}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** {@code user:password} for a registry behind basic auth. Never logged. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Register the writer schema when missing (default true); false only looks it up. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

    private SerdeConfig() {}

    /** Builds a registry client from a Kafka-style config map. */
    public static SchemaRegistryClient client(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("missing " + SCHEMA_REGISTRY_URL
                    + ": set it to the schema registry's base URL, e.g. http://localhost:8081");
        }
        SchemaRegistryClient.Builder builder = SchemaRegistryClient.builder(url.toString());
        Object auth = configs.get(BASIC_AUTH_USER_INFO);
        if (auth != null && !auth.toString().isBlank()) {
            builder.basicAuth(auth.toString());
        }
        return builder.build();
    }

    static boolean autoRegister(Map<String, ?> configs) {
        Object value = configs.get(AUTO_REGISTER_SCHEMAS);
        return value == null || Boolean.parseBoolean(value.toString());
    }
}
