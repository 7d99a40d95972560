package dev.webhookpipeline.localservices;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real schema registry for the local run, the benchmark and the tests: Apicurio Registry
 * (Confluent-compatible API under {@code /apis/ccompat/v7}) run as a child process from the
 * distribution Maven downloaded into the local repository. Its output goes to the log file given, or for {@link #start()}
 * {@code target/test-services/apicurio-<port>.log}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** The distribution's version: the root pom's {@code apicurio.version}, filtered into apicurio.properties. */
    public static final String VERSION = distributionVersion();
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;

    private ApicurioRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the registry on ephemeral ports and waits until its Confluent API answers. */
    public static ApicurioRegistry start() {
        IOException lastFailure = null;
        for (int attempt = 1; attempt <= 3; attempt++) { // a probed port can be taken before the registry binds it
            int[] ports = FreePorts.pick(2); // the API's and the management endpoint's
            int port = ports[0];
            Path log = Path.of("target", "test-services", "apicurio-" + port + ".log").toAbsolutePath();
            try {
                ApicurioRegistry registry = launch(port, ports[1], log, List.of());
                JavaProcess.killOnExit(registry.process); // an interrupted test or benchmark run leaves none behind
                return registry;
            } catch (IOException e) {
                lastFailure = e;
            }
        }
        throw new IllegalStateException("could not start Apicurio Registry: " + lastFailure.getMessage(), lastFailure);
    }

    /**
     * Starts the registry on the given ports (the local launcher's fixed, configurable ports), with extra JVM
     * options such as {@code -Dapicurio.datasource.url=...}, and waits until its Confluent API answers.
     *
     * @throws IllegalStateException if it does not become ready; the message names the log
     */
    public static ApicurioRegistry start(int port, int managementPort, Path log, List<String> jvmOptions) {
        try {
            return launch(port, managementPort, log.toAbsolutePath(), jvmOptions);
        } catch (IOException e) {
            throw new IllegalStateException("could not start Apicurio Registry on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static ApicurioRegistry launch(int port, int managementPort, Path log, List<String> jvmOptions)
            throws IOException {
        Path home = unpackedDistribution();
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("Apicurio Registry needs Java 21+, this JVM is " + Runtime.version()
                    + ": set JAVA_HOME to a JDK 21+ (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)");
        }
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", home.resolve("quarkus-run.jar").toString()));
        Process process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ApicurioRegistry registry = new ApicurioRegistry(process, port, log);
        if (registry.awaitReady()) {
            return registry;
        }
        registry.close();
        throw new IOException("registry did not become ready within " + READY_TIMEOUT + "; see " + log);
    }

    /** Confluent-compatible base URL, the value of {@code schema.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public Path logFile() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    private boolean awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(100); // polling a child process for readiness, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The distribution unpacked once per machine under the temp dir, from the local Maven repository. */
    static Path unpackedDistribution() {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "webhook-pipeline-apicurio-" + VERSION);
        if (Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
            return target;
        }
        Path archive = archive();
        try {
            Path scratch = Files.createTempDirectory(target.getParent(), "apicurio-unpack");
            Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", scratch.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes());
            if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IllegalStateException("could not unpack " + archive + ": " + output);
            }
            Path jar;
            try (var found = Files.find(scratch, 3, (p, a) -> p.getFileName().toString().equals("quarkus-run.jar"))) {
                jar = found.findFirst().orElseThrow(() -> new IllegalStateException(
                        archive + " holds no quarkus-run.jar: not an Apicurio Registry distribution"));
            }
            try {
                Files.move(jar.getParent(), target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
                    throw raced;
                }
            }
            return target;
        } catch (IOException e) {
            throw new IllegalStateException("could not unpack the Apicurio Registry distribution: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while unpacking Apicurio Registry", e);
        }
    }

    private static Path archive() {
        String override = System.getProperty("apicurio.dist");
        if (override != null) {
            return Path.of(override);
        }
        String repo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path archive = Path.of(repo, "io", "apicurio", "apicurio-registry-app", VERSION,
                "apicurio-registry-app-" + VERSION + "-all.tar.gz");
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("Apicurio Registry " + VERSION + " is not in the local Maven repository ("
                    + archive + "). Build through Maven (the local-services module depends on it), or run: mvn"
                    + " dependency:get -Dtransitive=false -Dartifact=io.apicurio:apicurio-registry-app:" + VERSION
                    + ":tar.gz:all");
        }
        return archive;
    }

    private static String distributionVersion() {
        Properties properties = new Properties();
        try (InputStream in = ApicurioRegistry.class.getResourceAsStream("apicurio.properties")) {
            if (in == null) {
                throw new IllegalStateException("apicurio.properties is missing beside " + ApicurioRegistry.class.getName());
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
