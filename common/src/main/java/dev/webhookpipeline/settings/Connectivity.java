package dev.webhookpipeline.settings;

import dev.webhookpipeline.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/** Start-up checks: fail fast, with what to fix, when Kafka or the schema registry cannot be reached. */
public final class Connectivity {
    private Connectivity() {}

    /** Throws a {@link SettingsException} naming the setting to check when Kafka does not answer within {@code timeout}. */
    public static void requireKafka(Map<String, Object> kafkaProperties, Duration timeout) {
        // The client's per-retry warnings would bury the one clear error this check ends with.
        KafkaConnectionWarnings.mutedDuring(() -> {
            checkKafka(kafkaProperties, timeout);
            return null;
        });
    }

    private static void checkKafka(Map<String, Object> kafkaProperties, Duration timeout) {
        Map<String, Object> props = adminProperties(kafkaProperties, timeout);
        Object servers = props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SettingsException("cannot reach Kafka at " + servers + " within " + timeout.toSeconds() + " s"
                    + (cause.getMessage() == null || timedOut(cause) ? "" : " (" + cause.getMessage() + ")")
                    + ": check --bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS and that the brokers are up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SettingsException("interrupted while connecting to Kafka");
        }
    }

    /** Ours or the admin client's own timeout: "within N s" already says it, the client's wording adds nothing. */
    private static boolean timedOut(Throwable cause) {
        return cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException;
    }

    /**
     * The settings' Kafka properties an admin client takes, answering within {@code timeout}: a
     * service's consumer or Streams keys would only add "unknown config" noise.
     */
    public static Map<String, Object> adminProperties(Map<String, Object> kafkaProperties, Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.keySet().retainAll(AdminClientConfig.configNames());
        int millis = (int) timeout.toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000));
        return props;
    }

    public static void requireRegistry(SchemaRegistryClient registry) {
        try {
            registry.checkReachable();
        } catch (RuntimeException e) {
            throw new SettingsException(e.getMessage() + " (--schema-registry-url / SCHEMA_REGISTRY_URL)");
        }
    }
}
