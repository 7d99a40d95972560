package dev.webhookpipeline.settings;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Muted only while the check runs: a running service still logs later connection trouble. */
class KafkaConnectionWarningsTest {

    private final Logger networkClient = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");

    @Test
    void errorsOnlyDuringTheCheckThenTheLevelItHadBefore() {
        Level before = networkClient.getLevel();
        Level during = KafkaConnectionWarnings.mutedDuring(networkClient::getLevel);

        assertThat(during).isEqualTo(Level.ERROR);
        assertThat(networkClient.getLevel()).isEqualTo(before);
        assertThat(networkClient.isWarnEnabled()).isTrue();
    }

    @Test
    void restoredEvenWhenTheCheckFails() {
        networkClient.setLevel(Level.INFO);
        try {
            try {
                KafkaConnectionWarnings.mutedDuring(() -> {
                    throw new SettingsException("cannot reach Kafka");
                });
            } catch (SettingsException expected) {
                // the check's own failure goes on to the caller
            }
            assertThat(networkClient.getLevel()).isEqualTo(Level.INFO);
        } finally {
            networkClient.setLevel(null);
        }
    }
}
