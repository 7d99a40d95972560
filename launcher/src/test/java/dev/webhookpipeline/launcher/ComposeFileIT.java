package dev.webhookpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The root docker-compose.yml, checked without a Docker engine: Debian's {@code docker-compose config}
 * validates and resolves it (exit 0, 1 on an invalid key). .ci/run installs docker-compose, so its
 * absence is a failure here, not a skip.
 */
class ComposeFileIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void composeFileIsValidAndHasEveryServiceWithAScalableDispatcher() throws Exception {
        Path file = ROOT.resolve("docker-compose.yml");
        assertThat(file).exists();
        Process config;
        try {
            config = new ProcessBuilder("docker-compose", "-f", file.toString(), "config")
                    .directory(ROOT.toFile()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            fail("docker-compose is not installed, so docker-compose.yml cannot be checked: install it with"
                    + " `apt-get install -y docker-compose` (.ci/run does this) and run the tests again");
            return;
        }
        String output = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(config.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(config.exitValue()).as("docker-compose config:\n%s", output).isZero();

        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(output).get("services");
        assertThat(services.fieldNames()).toIterable()
                .contains("kafka", "schema-registry", "router", "dispatcher", "receiver");
        assertThat(services.get("kafka").get("image").asText()).startsWith("apache/kafka:");
        assertThat(services.get("schema-registry").get("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        for (String built : new String[] {"router", "dispatcher", "receiver"}) {
            JsonNode build = services.get(built).get("build");
            assertThat(build).as("%s is built from this repository", built).isNotNull();
            assertThat(Path.of(build.get("context").asText())).isEqualTo(ROOT);
            assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("AS " + build.get("target").asText());
        }
        // --scale dispatcher=N needs containers without a fixed name or host port.
        JsonNode dispatcher = services.get("dispatcher");
        assertThat(dispatcher.has("container_name")).isFalse();
        assertThat(dispatcher.has("ports")).isFalse();
        assertThat(dispatcher.get("environment").get("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
    }
}
