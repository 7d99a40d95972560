package dev.webhookpipeline.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The single-node KRaft Kafka broker the integration tests share: by default a real broker in the test
 * JVM (Kafka's test kit) on an ephemeral port; with {@code -Dtest.services=containers} the
 * {@code apache/kafka} image (see {@link ServiceSource}). Tests see only its bootstrap address.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Broker settings both sources apply, so the tests run against the same broker behaviour. */
    static final Map<String, String> BROKER_CONFIG = brokerConfig();

    private final String bootstrapServers;
    private final AutoCloseable stop;

    KafkaBroker(String bootstrapServers, AutoCloseable stop) {
        this.bootstrapServers = bootstrapServers;
        this.stop = stop;
    }

    /** A broker in this JVM (Kafka's test kit): the default source. */
    public static KafkaBroker start() {
        return InJvmKafka.start();
    }

    private static Map<String, String> brokerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");
        // A killed consumer (group protocol "consumer") is noticed in seconds, not the default 45 s.
        config.put("group.consumer.min.session.timeout.ms", "6000");
        config.put("group.consumer.session.timeout.ms", "6000");
        config.put("group.consumer.min.heartbeat.interval.ms", "1000");
        config.put("group.consumer.heartbeat.interval.ms", "1000");
        return Map.copyOf(config);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Client properties pointing at this broker, to add producer/consumer settings to. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        return props;
    }

    @Override
    public void close() throws Exception {
        stop.close();
    }
}
