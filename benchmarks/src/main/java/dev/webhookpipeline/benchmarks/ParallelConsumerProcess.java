package dev.webhookpipeline.benchmarks;

import dev.webhookpipeline.schema.WebhookConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The Confluent Parallel Consumer peer (module {@code benchmarks-parallel-consumer}) as its own JVM:
 * it needs kafka-clients 3.x, this JVM runs 4.3.1, so it cannot run here. Its jar is copied to
 * {@code target/peers/} by this module's build; its output goes to a log file in the bench's work
 * directory. The tenants' endpoints and secrets are handed over in a file (tenant, endpoint, secret
 * a line), as the dispatcher and the loop get them from the configs.
 */
final class ParallelConsumerProcess implements AutoCloseable {

    /** Overrides where the peer's jar is (default: {@code peers/parallel-consumer-peer.jar} beside this module's classes or jar). */
    static final String JAR_PROPERTY = "benchmarks.parallel-consumer-jar";

    private final Process process;
    private final Thread killOnExit;
    final Path log;

    ParallelConsumerProcess(Bench bench, String topic, String group, Map<String, WebhookConfig> tenants, int concurrency)
            throws IOException {
        Path tenantsFile = bench.workDir.resolve(group + "-tenants.tsv");
        Files.writeString(tenantsFile, tenants.values().stream()
                .map(c -> c.getTenantId() + "\t" + c.getEndpoint() + "\t" + c.getSecret())
                .collect(Collectors.joining("\n", "", "\n")));
        log = bench.workDir.resolve(group + ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar().toString(), bench.kafka.bootstrapServers(), bench.registry.url(), topic, group,
                tenantsFile.toString(), Integer.toString(concurrency));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Process child = process;
        killOnExit = new Thread(child::destroyForcibly, "kill-parallel-consumer-" + child.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static Path jar() {
        String configured = System.getProperty(JAR_PROPERTY);
        Path jar;
        if (configured != null) {
            jar = Path.of(configured);
        } else {
            try {
                // benchmarks/target/benchmarks.jar or benchmarks/target/classes: both have target/ as parent
                Path here = Path.of(ParallelConsumerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                jar = here.toAbsolutePath().getParent().resolve("peers").resolve("parallel-consumer-peer.jar");
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the Parallel Consumer peer's jar is not at " + jar + ": build with "
                    + "'mvn package -DskipTests -pl benchmarks -am' (it builds benchmarks-parallel-consumer), or set -D"
                    + JAR_PROPERTY);
        }
        return jar;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM: it closes Parallel Consumer and exits; killed if it has not within 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().removeShutdownHook(killOnExit);
    }
}
