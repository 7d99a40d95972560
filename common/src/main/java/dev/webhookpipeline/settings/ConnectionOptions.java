package dev.webhookpipeline.settings;

import dev.webhookpipeline.serde.SerdeConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The connection options every pipeline command line shares ({@code webhookctl}, the router, the
 * dispatcher), declared once: use it as {@code @Mixin ConnectionOptions connection;}.
 *
 * <p>The options are inherited by subcommands, so {@code webhookctl config show --bootstrap-servers ...}
 * works as well as {@code webhookctl --bootstrap-servers ... config show}.
 */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Confluent-compatible schema registry (env SCHEMA_REGISTRY_URL).")
    String schemaRegistryUrl;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Properties file: Kafka client properties and pipeline.* settings.")
    Path configFile;

    @Option(names = "--topic-prefix", scope = ScopeType.INHERIT, paramLabel = "PREFIX",
            description = "Prefix of the pipeline's topics (default webhooks.).")
    String topicPrefix;

    @Option(names = {"-X", "--property"}, scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
            description = "Any Kafka client property or pipeline.* setting, e.g. -X security.protocol=SSL.")
    Map<String, String> properties = new LinkedHashMap<>();

    /**
     * The settings of this command line, over the environment and the {@code --config} file.
     *
     * @param extra the command's own options as settings (e.g. {@code state.dir}); null values are skipped
     */
    public PipelineSettings settings(Map<String, String> extra) {
        return PipelineSettings.load(Optional.ofNullable(configFile), System.getenv(), overrides(extra));
    }

    /**
     * The command-line overrides, lowest first: {@code -X} pairs, then {@code extra}, then the named
     * options ({@code --bootstrap-servers}, {@code --schema-registry-url}, {@code --topic-prefix}).
     * Options not given are left out, so they do not hide a {@code -X} pair of the same key.
     */
    public Map<String, String> overrides(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(properties);
        extra.forEach((key, value) -> put(overrides, key, value));
        put(overrides, PipelineSettings.BOOTSTRAP_SERVERS, bootstrapServers);
        put(overrides, SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        put(overrides, PipelineSettings.TOPIC_PREFIX, topicPrefix);
        return overrides;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
