package dev.webhookpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log scan finds a logged secret, in any module, as written or encoded, and says where. */
class LogSecretScanTest {

    static final String SECRET = "s3cret-of-the-scan-test-0123456789";

    @TempDir
    Path root;

    Path write(String relative, String text) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Test
    void aSecretInAnyLogOfAnyModuleIsFoundWithItsFileAndLine() throws IOException {
        write("router/target/test-secrets/123.txt", "tenant acme\t" + SECRET + "\n");
        write("dispatcher/target/test-secrets/456.txt", "operator token\tanother-secret-0123456789\n");
        write("router/target/test-logs/tests.log", "starting\nconfig read\nbad config " + SECRET + " refused\n");
        write("e2e/target/test-logs/e2e-dispatcher.log", "ok\n{\"token\":\"" + Base64.getEncoder()
                .encodeToString("another-secret-0123456789".getBytes(StandardCharsets.UTF_8)) + "\"}\n");
        write("dispatcher/target/failsafe-reports/dev.X-output.txt", "printed another-secret-0123456789\n");
        write("launcher/target/test-logs/local-pipeline/dispatcher.log", "nothing to see\n");

        Map<String, String> secrets = LogSecretScan.recordedSecrets(root);
        assertThat(secrets).containsEntry(SECRET, "tenant acme").containsEntry("another-secret-0123456789", "operator token");
        var hits = LogSecretScan.scan(root, secrets);
        assertThat(hits).extracting(Object::toString).containsExactlyInAnyOrder(
                Path.of("router/target/test-logs/tests.log") + ":3 holds the secret of tenant acme",
                Path.of("e2e/target/test-logs/e2e-dispatcher.log") + ":2 holds the secret of operator token (base64)",
                Path.of("dispatcher/target/failsafe-reports/dev.X-output.txt") + ":1 holds the secret of operator token");
        assertThat(hits).extracting(Object::toString).allSatisfy(finding ->
                assertThat(finding).doesNotContain(SECRET).doesNotContain("another-secret"));
    }

    @Test
    void cleanLogsAndFilesThatAreNoLogsGiveNoFinding() throws IOException {
        write("router/target/test-secrets/1.txt", "tenant acme\t" + SECRET + "\n");
        write("router/target/test-logs/tests.log", "all good\n");
        write("router/target/failsafe-reports/TEST-dev.X.xml", "<failure>expected not to contain " + SECRET + "</failure>\n");
        assertThat(LogSecretScan.scan(root, LogSecretScan.recordedSecrets(root))).isEmpty();
    }

    @Test
    void rememberedSecretsAreReadBackFromThisModulesTarget() {
        String secret = "remembered-" + UUID.randomUUID();
        assertThat(TestSecrets.remember("tenant remembered", secret)).isEqualTo(secret);
        Path project = Path.of("").toAbsolutePath().getParent();
        assertThat(LogSecretScan.recordedSecrets(project)).containsEntry(secret, "tenant remembered");
    }
}
