package dev.webhookpipeline.testsupport;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node KRaft Kafka broker in the test JVM (Kafka's test kit), on an ephemeral port. */
final class InJvmKafka {

    private InJvmKafka() {
    }

    static KafkaBroker start() {
        try {
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
            KafkaBroker.BROKER_CONFIG.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaBroker(cluster.bootstrapServers(), cluster);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker: " + e, e);
        }
    }
}
