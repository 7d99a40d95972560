package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.service.ServiceLauncher;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The router process started against a Kafka that is not there: the one clear error, not a
 * Kafka client warning per reconnect attempt before it. A child process with the router's own
 * logback.xml, as an operator would see it.
 */
class RouterWithoutKafkaIT {

    @Test
    void printsOneClearErrorAndExits1() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free now, and nothing listens once it is closed
        }
        Path log = Path.of("target", "test-logs", "router-without-kafka.log");
        Files.deleteIfExists(log);
        try (JavaProcess router = JavaProcess.builder(RouterMain.class.getName(), log)
                .jvmArgs("-Xmx256m", "-Dlogback.configurationFile=logback.xml")
                .args("--bootstrap-servers", "127.0.0.1:" + closedPort,
                        "--schema-registry-url", "http://127.0.0.1:" + closedPort,
                        "--state-dir", Files.createTempDirectory("router-without-kafka").toString(),
                        "-X", RouterSettings.STARTUP_TIMEOUT + "=PT3S")
                .start()) {
            int exit = router.waitForExit(Duration.ofSeconds(60));

            String output = router.output();
            assertThat(exit).as(output).isEqualTo(ServiceLauncher.EXIT_CANNOT_START);
            assertThat(output.lines().filter(l -> l.startsWith("streams-router: ")))
                    .containsExactly("streams-router: cannot reach Kafka at 127.0.0.1:" + closedPort
                            + " within 3 s: check --bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS and that the brokers are up");
            // Kafka's loggers however the pattern abbreviates them: org.apache.kafka, o.apache.kafka, o.a.k
            assertThat(output.lines().filter(l -> l.contains("WARN") && l.matches(".*\\bo(rg)?\\.a(pache)?\\.k(afka)?\\..*")))
                    .as(output).isEmpty();
        }
    }
}
