package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class RouterSettingsTest {

    private static RouterSettings of(Map<String, String> values) {
        return RouterSettings.from(PipelineSettings.of(values));
    }

    @Test
    void derivesTheApplicationIdFromThePrefixAndForcesExactlyOnce() {
        RouterSettings settings = of(Map.of("bootstrap.servers", "b:9092", PipelineSettings.TOPIC_PREFIX, "stage.",
                "commit.interval.ms", "50"));

        assertThat(settings.streamsProperties())
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "stage.router")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry("commit.interval.ms", "50")
                .doesNotContainKey(PipelineSettings.TOPIC_PREFIX);
        assertThat(settings.topics().events().name()).isEqualTo("stage.events");
        assertThat(settings.rules().cutover()).isEmpty();
    }

    @Test
    void commitsEvery25MillisecondsUnlessToldOtherwise() {
        assertThat(of(Map.of("bootstrap.servers", "b:9092")).streamsProperties())
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, RouterSettings.DEFAULT_COMMIT_INTERVAL_MS);
    }

    @Test
    void refusesAWeakerProcessingGuarantee() {
        assertThatThrownBy(() -> of(Map.of("bootstrap.servers", "b:9092", "processing.guarantee", "at_least_once")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("exactly_once_v2");
    }

    @Test
    void parsesTheCutoverAndExplainsABadOne() {
        assertThat(of(Map.of("bootstrap.servers", "b:9092", RouterSettings.CUTOVER, "2026-03-01T00:00:00Z"))
                .rules().cutover()).contains(Instant.parse("2026-03-01T00:00:00Z"));
        assertThatThrownBy(() -> of(Map.of("bootstrap.servers", "b:9092", RouterSettings.CUTOVER, "March")))
                .isInstanceOf(SettingsException.class).hasMessageContaining(RouterSettings.CUTOVER)
                .hasMessageContaining("ISO-8601");
    }
}
