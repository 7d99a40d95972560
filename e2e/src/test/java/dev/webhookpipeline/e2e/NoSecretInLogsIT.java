package dev.webhookpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.testsupport.LogSecretScan;
import dev.webhookpipeline.testsupport.TestSecrets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The build's final check: no secret any test configured (tenant secrets, operator tokens, recorded
 * through {@link TestSecrets}) appears in any log the suite wrote — the tests' own logs, the router,
 * dispatcher and launcher processes they started, their captured output — in any module. e2e is the
 * last module built and this the last class it runs ({@code junit-platform.properties}), so it sees
 * every module's logs of this build.
 */
@Order(Integer.MAX_VALUE)
class NoSecretInLogsIT {

    @Test
    void noConfiguredSecretAppearsInAnyLogOfTheBuild() {
        Path project = Path.of("").toAbsolutePath().getParent();
        Map<String, String> secrets = LogSecretScan.recordedSecrets(project);
        assertThat(secrets).as("secrets recorded by the test fixtures under %s/*/target/test-secrets", project).isNotEmpty();
        assertThat(LogSecretScan.scan(project, secrets)).extracting(LogSecretScan.Hit::toString)
                .as("log lines holding a configured secret").isEmpty();
    }
}
