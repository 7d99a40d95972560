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

/** Start-up checks: fail fast, with what to fix, when Kafka or the schema registry cannot be reached. */
public final class Connectivity {
    private Connectivity() {}

    public static void requireKafka(Map<String, Object> kafkaProperties, Duration timeout) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Object servers = props.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SettingsException("cannot reach Kafka at " + servers + " within " + timeout.toSeconds() + " s"
                    + (cause.getMessage() == null || e instanceof TimeoutException ? "" : " (" + cause.getMessage() + ")")
                    + ": check --bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS and that the brokers are up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SettingsException("interrupted while connecting to Kafka");
        }
    }

    public static void requireRegistry(SchemaRegistryClient registry) {
        try {
            registry.checkReachable();
        } catch (RuntimeException e) {
            throw new SettingsException(e.getMessage() + " (--schema-registry-url / SCHEMA_REGISTRY_URL)");
        }
    }
}
