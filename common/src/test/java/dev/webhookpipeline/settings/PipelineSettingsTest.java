package dev.webhookpipeline.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineSettingsTest {

    @Test
    void optionsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(file, """
                bootstrap.servers=file:9092
                schema.registry.url=http://file:8081
                security.protocol=SASL_SSL
                pipeline.partitions=6
                """);
        var settings = PipelineSettings.load(Optional.of(file),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092", "PIPELINE_TOPIC_PREFIX", "staging.", "HOME", "/root"),
                Map.of("bootstrap.servers", "cli:9092"));

        assertThat(settings.bootstrapServers()).isEqualTo("cli:9092");
        assertThat(settings.schemaRegistryUrl()).isEqualTo("http://file:8081");
        assertThat(settings.topics().events().name()).isEqualTo("staging.events");
        assertThat(settings.topics().events().partitions()).isEqualTo(6);
        assertThat(settings.kafkaProperties())
                .containsEntry("bootstrap.servers", "cli:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .doesNotContainKeys("schema.registry.url", "pipeline.partitions", "home");
    }

    @Test
    void hyphenatedPipelineKeysCanBeSetFromTheEnvironment() {
        var settings = PipelineSettings.load(Optional.empty(),
                Map.of("PIPELINE_ENDPOINTS_ALLOW_HTTP", "true", "PIPELINE_DISPATCHER_BATCH_WINDOW", "3s"), Map.of());
        assertThat(settings.bool("pipeline.endpoints.allow-http", false)).isTrue();
        assertThat(settings.duration("pipeline.dispatcher.batch-window", Duration.ZERO)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void missingRequiredSettingsSayHowToGiveThem() {
        var settings = PipelineSettings.of(Map.of());
        assertThatThrownBy(settings::bootstrapServers).isInstanceOf(SettingsException.class)
                .hasMessageContaining("--bootstrap-servers").hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(settings::schemaRegistryUrl).hasMessageContaining("SCHEMA_REGISTRY_URL");
    }

    @Test
    void malformedValuesNameTheSetting() {
        assertThatThrownBy(() -> PipelineSettings.of(Map.of("pipeline.partitions", "twelve")).topics())
                .isInstanceOf(SettingsException.class).hasMessageContaining("pipeline.partitions must be a whole number");
        assertThatThrownBy(() -> PipelineSettings.of(Map.of("pipeline.partitions", "0")).topics())
                .isInstanceOf(SettingsException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> PipelineSettings.of(Map.of("pipeline.events.retention", "forever")).topics())
                .isInstanceOf(SettingsException.class).hasMessageContaining("pipeline.events.retention must be a duration");
        assertThatThrownBy(() -> PipelineSettings.load(Optional.of(Path.of("/nonexistent/x.properties")), Map.of(), Map.of()))
                .isInstanceOf(SettingsException.class).hasMessageContaining("--config");
    }

    @Test
    void durationsInEveryCommonForm() {
        assertThat(Durations.parse("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("x", "30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Durations.parse("x", "PT5M")).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void describeMasksSecrets() {
        Map<String, String> values = new HashMap<>();
        values.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule password=\"hunter2\";");
        values.put("basic.auth.user.info", "u:hunter2");
        values.put("ssl.keystore.password", "hunter2");
        values.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        var shown = PipelineSettings.of(values).describe();
        assertThat(shown.toString()).doesNotContain("hunter2");
        assertThat(shown).containsEntry("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    }

    @Test
    void describeMasksCredentialsInUrls() {
        var fromFile = PipelineSettings.of(Map.of("schema.registry.url", "https://bob:hunter2@registry.example:8081/apis/ccompat/v7",
                "bootstrap.servers", "broker:9092")).describe();
        assertThat(fromFile.toString()).doesNotContain("hunter2").doesNotContain("bob");
        assertThat(fromFile).containsEntry("schema.registry.url", "https://***@registry.example:8081/apis/ccompat/v7")
                .containsEntry("bootstrap.servers", "broker:9092");
        var fromEnv = PipelineSettings.load(Optional.empty(),
                Map.of("SCHEMA_REGISTRY_URL", "http://alice:s3cr3t-pass@127.0.0.1:8081/?key=k3y"), Map.of()).describe();
        assertThat(fromEnv.toString()).doesNotContain("s3cr3t-pass").doesNotContain("k3y");
    }
}
