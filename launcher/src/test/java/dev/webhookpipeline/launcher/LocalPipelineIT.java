package dev.webhookpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.localservices.FreePorts;
import dev.webhookpipeline.testsupport.RecordingReceiver;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.webhookctl.cli.WebhookCtl;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the launcher as a user does ({@code java -jar launcher.jar demo}, a separate process) on probed
 * ports and a temporary data folder, so it never collides with a real local run: a tenant configured
 * and fed with {@code webhookctl} gets its webhooks in order with its bearer secret, the demo receiver
 * prints deliveries, and SIGTERM stops every process the launcher started, in order.
 */
class LocalPipelineIT {

    private static final Path JAR = Path.of("target", "launcher.jar");
    private static final String SECRET = TestSecrets.remember("local pipeline test tenant", "it-secret-0123456789abcdef");

    @TempDir
    Path dataDir;

    private final List<Process> launched = new ArrayList<>();

    /**
     * Kills what is left, then keeps the launcher's output and its services' logs (not Kafka's data)
     * under target/test-logs/, where the build's final log scan looks for secrets.
     */
    @AfterEach
    void killLeftoversAndKeepLogs(TestInfo test) throws IOException {
        launched.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        launched.forEach(Process::destroyForcibly);
        Path kept = Path.of("target", "test-logs", "local-pipeline", test.getTestMethod().orElseThrow().getName());
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).filter(LocalPipelineIT::isLog).toList()) {
                Path copy = kept.resolve(dataDir.relativize(file));
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static boolean isLog(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".out") || name.endsWith(".err")
                || (file.getParent().getFileName().toString().equals("logs") && name.endsWith(".log"));
    }

    @Test
    void deliversInOrderWithTheSecretThenStopsEverything() throws Exception {
        int[] ports = FreePorts.pick(4);
        int kafkaPort = ports[0];
        int registryPort = ports[1];
        int statusPort = ports[2];
        Path out = dataDir.resolve("launcher.out");
        Path err = dataDir.resolve("launcher.err");
        Process launcher = launch(out, err, "demo", "--kafka-port", kafkaPort, "--controller-port", ports[3],
                "--registry-port", registryPort, "--status-port", statusPort, "--data-dir", dataDir.resolve("data"),
                "--demo-interval", "500ms");

        await(Duration.ofSeconds(120), () -> read(out).contains("Local pipeline ready"), launcher, err, "ready");
        assertThat(read(err)).contains("Kafka ready in", "schema registry ready in", "router and dispatcher ready in");
        String bootstrap = "localhost:" + kafkaPort;
        String registry = "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
        assertThat(read(out)).contains(bootstrap, registry, "webhookctl config set");

        // The launcher made a key for the secrets in the config topic, printed for webhookctl and kept private.
        Path keys = dataDir.resolve("data").resolve("secret-keys");
        assertThat(read(out)).contains("PIPELINE_SECRETS_KEYS_FILE=" + keys.toAbsolutePath());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
        Files.readAllLines(keys).stream().filter(l -> l.startsWith("local-1="))
                .forEach(l -> TestSecrets.remember("local pipeline secret key", l.substring("local-1=".length())));

        try (RecordingReceiver receiver = RecordingReceiver.start()) {
            String stored = ctl("", "--bootstrap-servers", bootstrap, "--schema-registry-url", registry,
                    "-X", "pipeline.secrets.keys-file=" + keys.toAbsolutePath(), "config", "set",
                    "--tenant", "it-tenant", "--endpoint", receiver.url("it"), "--secret", SECRET,
                    "--events", "RISK_LEVEL_CHANGED,TASK_CREATED", "--batching", "false",
                    "--allow-http", "--allow-cidr", "127.0.0.0/8");
            assertThat(stored).as("stored encrypted").doesNotContain("unencrypted");
            // Four enabled events around one the tenant did not enable (dropped by the router).
            String lines = String.join("\n",
                    event("RISK_LEVEL_CHANGED", 1), event("TASK_CREATED", 2), event("FORM_STATE_CHANGED", 3),
                    event("RISK_LEVEL_CHANGED", 4), event("TASK_CREATED", 5)) + "\n";
            ctl(lines, "--bootstrap-servers", bootstrap, "--schema-registry-url", registry, "publish");

            await(Duration.ofSeconds(60), () -> receiver.acceptedIds("it").size() >= 4, launcher, err, "4 webhooks");
            assertThat(receiver.acceptedIds("it")).containsExactly(1L, 2L, 3L, 4L);
            List<RecordingReceiver.Received> requests = receiver.received("it");
            assertThat(requests).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + SECRET));
            assertThat(requests.stream().flatMap(r -> r.webhooks().stream())
                    .map(w -> w.get("event").asText() + "/" + w.get("data").get("n").asInt()))
                    .containsExactly("RISK_LEVEL_CHANGED/1", "TASK_CREATED/2", "RISK_LEVEL_CHANGED/4", "TASK_CREATED/5");
        }
        // The demo's own tenant and receiver work too: its deliveries print on stdout.
        await(Duration.ofSeconds(30), () -> read(out).contains("receiver: webhook #1 RISK_LEVEL_CHANGED"),
                launcher, err, "a demo delivery");
        assertThat(read(out)).doesNotContain("REJECTED");

        // The status page's API answers at the printed URL with the token the launcher kept.
        assertThat(read(out)).contains("Status page      http://127.0.0.1:" + statusPort + "/");
        String token = TestSecrets.remember("local pipeline operator token",
                Files.readString(dataDir.resolve("data").resolve("operator-token")).strip());
        var http = HttpClient.newHttpClient();
        var request = HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + statusPort + "/api/tenants/it-tenant")).header("Authorization", "Bearer " + token).build();
        String[] body = {""};
        // The status is published a moment after each delivery (coalesced), so poll for it.
        await(Duration.ofSeconds(20), () -> {
            try {
                var status = http.send(request, HttpResponse.BodyHandlers.ofString());
                body[0] = status.body();
                return status.statusCode() == 200 && body[0].contains("\"lastDeliveredId\":4");
            } catch (Exception e) {
                return false;
            }
        }, launcher, err, "the status API to show 4 delivered");
        assertThat(body[0]).contains("\"queue\":\"EMPTY\"").doesNotContain(SECRET);

        List<Long> children = Files.readAllLines(dataDir.resolve("data").resolve("local-pipeline.pids")).stream()
                .map(l -> Long.parseLong(l.split(" ")[1])).toList();
        assertThat(children).hasSize(4);
        assertThat(children).allSatisfy(pid -> assertThat(alive(pid)).isTrue());

        launcher.destroy(); // SIGTERM, as Ctrl-C in run-local.sh does
        assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).as("launcher stopped within 90 s").isTrue();
        assertThat(children).allSatisfy(pid -> assertThat(alive(pid)).as("process %d exited", pid).isFalse());
        String progress = read(err);
        assertThat(progress).containsSubsequence("stopped dispatcher", "stopped router", "stopped registry",
                "stopped kafka", "stopped.");
        assertThat(progress + read(out)).doesNotContain(SECRET).doesNotContain(token);
        assertThat(dataDir.resolve("data").resolve("local-pipeline.pids")).doesNotExist();
        assertThat(dataDir.resolve("data").resolve("kafka").resolve("data").resolve("meta.properties")).exists();
    }

    @Test
    void aBusyPortIsNamedWithTheOptionThatChangesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            Path out = dataDir.resolve("busy.out");
            Path err = dataDir.resolve("busy.err");
            Process launcher = launch(out, err, "--kafka-port", port, "--data-dir", dataDir.resolve("busy"));
            assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.exitValue()).isEqualTo(1);
            assertThat(read(err)).contains("port " + port + " (Kafka) is already in use", "--kafka-port",
                    "LOCAL_KAFKA_PORT");
            assertThat(read(out)).isEmpty();
        }
    }

    @Test
    void anUnknownModeIsAUsageError() throws Exception {
        Path err = dataDir.resolve("usage.err");
        Process launcher = launch(dataDir.resolve("usage.out"), err, "dmeo", "--data-dir", dataDir.resolve("u"));
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isEqualTo(2);
        assertThat(read(err)).contains("unknown mode 'dmeo'");
    }

    private Process launch(Path out, Path err, Object... args) throws IOException {
        assertThat(JAR).as("the launcher jar (mvn package builds it)").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-jar", JAR.toString()));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        launched.add(process);
        return process;
    }

    /** Runs webhookctl, which must succeed; returns its stderr (warnings). */
    private static String ctl(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = WebhookCtl.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("webhookctl %s: %s", String.join(" ", args), err).isZero();
        return err.toString();
    }

    private static String event(String type, int n) {
        return "{\"tenant_id\":\"it-tenant\",\"type\":\"" + type + "\",\"data\":{\"n\":" + n + "}}";
    }

    /** Polls with a deadline; fails early, with the launcher's progress, if it exited. */
    private static void await(Duration timeout, BooleanSupplier condition, Process launcher, Path err, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!launcher.isAlive()) {
                throw new AssertionError("the launcher exited (" + launcher.exitValue() + ") before " + what + ":\n"
                        + read(err));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout + "; launcher progress:\n" + read(err));
            }
            Thread.sleep(200); // polling a condition with a deadline
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
