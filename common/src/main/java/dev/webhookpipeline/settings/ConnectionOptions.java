package dev.webhookpipeline.settings;

import dev.webhookpipeline.serde.SerdeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
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

    // Parsed here rather than as a picocli Map option: picocli's own error repeats a malformed
    // argument, which may be a secret typed without its key.
    @Option(names = {"-X", "--property"}, scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
            description = "Any Kafka client property or pipeline.* setting, e.g. -X security.protocol=SSL.")
    List<String> properties = new ArrayList<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

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
        Map<String, String> overrides = new HashMap<>(properties());
        extra.forEach((key, value) -> put(overrides, key, value));
        put(overrides, PipelineSettings.BOOTSTRAP_SERVERS, bootstrapServers);
        put(overrides, SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        put(overrides, PipelineSettings.TOPIC_PREFIX, topicPrefix);
        return overrides;
    }

    /** The {@code -X} pairs; a usage error (exit 2) for one without a key or an '='. */
    Map<String, String> properties() {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : properties) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(command.commandLine(), "-X/--property expects KEY=VALUE, e.g. -X "
                        + "security.protocol=SSL; one argument has no '=' or no key (not repeated here: it may hold a secret)");
            }
            pairs.put(pair.substring(0, eq).strip(), pair.substring(eq + 1));
        }
        return pairs;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
