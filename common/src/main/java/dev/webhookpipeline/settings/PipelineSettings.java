package dev.webhookpipeline.settings;

import dev.webhookpipeline.registry.RedactedUrl;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.serde.SerdeConfig;
import dev.webhookpipeline.topics.PipelineTopics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one settings parser of every pipeline process and command. Values come, highest first, from
 * command-line options, environment variables, a properties file, then defaults.
 *
 * <ul>
 *   <li>Kafka client properties pass through unchanged: any key of the file that does not start
 *       with {@code pipeline.}, and any environment variable {@code KAFKA_X_Y} as {@code x.y} (so
 *       {@code KAFKA_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}).</li>
 *   <li>The schema registry: {@code schema.registry.url} / {@code SCHEMA_REGISTRY_URL} and
 *       {@code basic.auth.user.info} / {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}.</li>
 *   <li>The pipeline's own keys start with {@code pipeline.}; {@code PIPELINE_X_Y} sets
 *       {@code pipeline.x.y}.</li>
 * </ul>
 */
public final class PipelineSettings {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String TOPIC_PREFIX = "pipeline.topic.prefix";
    public static final String PARTITIONS = "pipeline.partitions";
    public static final String EVENTS_RETENTION = "pipeline.events.retention";
    public static final String OUTBOUND_RETENTION = "pipeline.outbound.retention";

    private static final Set<String> REGISTRY_KEYS = Set.of(SerdeConfig.SCHEMA_REGISTRY_URL,
            SerdeConfig.BASIC_AUTH_USER_INFO, SerdeConfig.AUTO_REGISTER_SCHEMAS);
    /** Keys whose values are never shown. */
    private static final Set<String> SECRET_HINTS = Set.of("password", "secret", "user.info", "sasl.jaas", "token", "key");

    private final Map<String, String> values;

    private PipelineSettings(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param file      a properties file, if the user gave one
     * @param env       the environment (System.getenv() in production)
     * @param overrides values from command-line options; null values are ignored
     */
    public static PipelineSettings load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new TreeMap<>();
        if (file.isPresent()) {
            Properties props = new Properties();
            Path path = file.get();
            try (Reader reader = Files.newBufferedReader(path)) {
                props.load(reader);
            } catch (IOException e) {
                throw new SettingsException("cannot read the config file " + path + ": " + e.getMessage()
                        + " (check the path given to --config)");
            }
            props.forEach((k, v) -> values.put(k.toString().strip(), v.toString().strip()));
        }
        env.forEach((name, value) -> fromEnv(name).ifPresent(key -> values.put(key, value.strip())));
        overrides.forEach((key, value) -> {
            if (value != null) {
                values.put(key, value.strip());
            }
        });
        return new PipelineSettings(values);
    }

    public static PipelineSettings of(Map<String, String> values) {
        return load(Optional.empty(), Map.of(), values);
    }

    static Optional<String> fromEnv(String name) {
        if (name.startsWith("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO")) {
            return Optional.of(SerdeConfig.BASIC_AUTH_USER_INFO);
        }
        if (name.equals("SCHEMA_REGISTRY_URL")) {
            return Optional.of(SerdeConfig.SCHEMA_REGISTRY_URL);
        }
        for (String prefix : new String[] {"KAFKA_", "PIPELINE_"}) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                String rest = name.substring(prefix.equals("KAFKA_") ? prefix.length() : 0);
                return Optional.of(rest.toLowerCase(Locale.ROOT).replace('_', '.'));
            }
        }
        return Optional.empty();
    }

    /**
     * The value of a setting. Environment variables cannot spell '-', so {@code PIPELINE_ADMIN_PORT}
     * arrives as {@code pipeline.admin.port} and {@code PIPELINE_ENDPOINTS_ALLOW_HTTP} as
     * {@code pipeline.endpoints.allow.http}: a pipeline key with hyphens is also looked up in that form.
     */
    public Optional<String> get(String key) {
        String value = values.get(key);
        if (value == null && key.startsWith("pipeline.") && key.contains("-")) {
            value = values.get(key.replace('-', '.'));
        }
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }

    public String require(String key, String hint) {
        return get(key).orElseThrow(() -> new SettingsException("missing setting " + key + ": " + hint));
    }

    public String bootstrapServers() {
        return require(BOOTSTRAP_SERVERS,
                "give --bootstrap-servers host:port, set KAFKA_BOOTSTRAP_SERVERS, or put bootstrap.servers in the config file");
    }

    public String schemaRegistryUrl() {
        return require(SerdeConfig.SCHEMA_REGISTRY_URL,
                "give --schema-registry-url, set SCHEMA_REGISTRY_URL, or put schema.registry.url in the config file");
    }

    public int integer(String key, int defaultValue) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new SettingsException(key + " must be a whole number, got '" + v + "'");
            }
        }).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return get(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new SettingsException(key + " must be true or false, got '" + v + "'");
        }).orElse(defaultValue);
    }

    public Duration duration(String key, Duration defaultValue) {
        return get(key).map(v -> Durations.parse(key, v)).orElse(defaultValue);
    }

    /** The topic layout these settings describe. */
    public PipelineTopics topics() {
        try {
            PipelineTopics.Builder builder = PipelineTopics.builder();
            get(TOPIC_PREFIX).ifPresent(builder::prefix);
            if (get(PARTITIONS).isPresent()) { // otherwise the default, which gives way to existing topics' count
                builder.partitions(integer(PARTITIONS, PipelineTopics.DEFAULT_PARTITIONS));
            }
            builder.eventsRetention(duration(EVENTS_RETENTION, PipelineTopics.DEFAULT_EVENTS_RETENTION));
            builder.outboundRetention(duration(OUTBOUND_RETENTION, PipelineTopics.DEFAULT_OUTBOUND_RETENTION));
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage());
        }
    }

    /** Kafka client properties: everything that is neither a pipeline nor a registry key. */
    public Map<String, Object> kafkaProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(BOOTSTRAP_SERVERS, bootstrapServers());
        values.forEach((key, value) -> {
            if (!key.startsWith("pipeline.") && !REGISTRY_KEYS.contains(key)) {
                props.put(key, value);
            }
        });
        return props;
    }

    /** Settings for the Avro serde and the registry client. */
    public Map<String, Object> registryProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        get(SerdeConfig.BASIC_AUTH_USER_INFO).ifPresent(v -> props.put(SerdeConfig.BASIC_AUTH_USER_INFO, v));
        get(SerdeConfig.AUTO_REGISTER_SCHEMAS).ifPresent(v -> props.put(SerdeConfig.AUTO_REGISTER_SCHEMAS, v));
        return props;
    }

    public SchemaRegistryClient registryClient() {
        try {
            return SerdeConfig.client(registryProperties());
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage());
        }
    }

    /**
     * Every setting with secret-looking values masked, and URLs without their credentials and query
     * ({@code schema.registry.url} may carry {@code user:pass@}): safe to log at start-up.
     */
    public Map<String, String> describe() {
        Map<String, String> shown = new TreeMap<>();
        values.forEach((key, value) -> shown.put(key, isSecret(key) ? "****"
                : value.contains("://") ? RedactedUrl.of(value) : value));
        return shown;
    }

    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_HINTS.stream().anyMatch(lower::contains) && !lower.endsWith(".serializer")
                && !lower.endsWith(".deserializer");
    }
}
