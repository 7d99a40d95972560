package dev.webhookpipeline.launcher;

import dev.webhookpipeline.testsupport.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker + controller) as a child process, with its data under
 * {@code <data-dir>/kafka} so a restart keeps the topics. Formats the storage once, then runs
 * {@code kafka.Kafka server.properties}.
 */
final class LocalKafka {

    private final Path home;
    private final Path logDir;

    /** @param home {@code <data-dir>/kafka}; @param logDir where process output goes */
    LocalKafka(Path home, Path logDir) {
        this.home = home.toAbsolutePath();
        this.logDir = logDir;
    }

    Path dataDir() {
        return home.resolve("data");
    }

    /** The controller port the data folder was formatted with (its single voter's address), if any. */
    Integer formattedControllerPort() throws IOException {
        Path recorded = home.resolve("controller.port");
        return Files.isRegularFile(recorded) ? Integer.valueOf(Files.readString(recorded).strip()) : null;
    }

    JavaProcess start(int port, int controllerPort) throws IOException, InterruptedException {
        Files.createDirectories(dataDir());
        Path properties = home.resolve("server.properties");
        Files.writeString(properties, serverProperties(port, controllerPort));
        // Formatting is needed once per data folder; StorageTool exits 0 even when it refuses, so the
        // proof it worked is meta.properties.
        if (!Files.isRegularFile(dataDir().resolve("meta.properties"))) {
            Path formatLog = logDir.resolve("kafka-format.log");
            int code = JavaProcess.builder("kafka.tools.StorageTool", formatLog)
                    .jvmArgs("-Xmx256m", "-Dlogback.configurationFile=launcher-services-logback.xml")
                    .args("format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", properties.toString())
                    .start().waitForExit(Duration.ofSeconds(90));
            if (code != 0 || !Files.isRegularFile(dataDir().resolve("meta.properties"))) {
                throw new LaunchException("could not format Kafka's data folder " + dataDir() + " (exit " + code
                        + "); see " + formatLog + ". Deleting " + home + " starts from an empty broker.");
            }
            Files.writeString(home.resolve("controller.port"), Integer.toString(controllerPort));
        }
        return JavaProcess.builder("kafka.Kafka", logDir.resolve("kafka.log"))
                .jvmArgs("-Xmx512m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=launcher-services-logback.xml")
                .args(properties.toString())
                .start();
    }

    private String serverProperties(int port, int controllerPort) {
        return String.join("\n",
                "# Written by the local launcher at each start (ports may change); data in log.dirs is kept.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + controllerPort,
                "listeners=PLAINTEXT://:" + port + ",CONTROLLER://:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dataDir(),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "");
    }
}
