package dev.webhookpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root docker-compose.yml, checked without a Docker engine: Debian's {@code docker-compose config}
 * (v1) validates and resolves it (exit 0, 1 on an invalid key or a missing required variable), and
 * the resolved file is checked for what a real engine needs: healthchecks, start order, pinned
 * images, no secret in the file. .ci/run installs docker-compose, so its absence is a failure here,
 * not a skip. Every run passes {@code --env-file}, so a developer's own .env never counts.
 */
class ComposeFileIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path FILE = ROOT.resolve("docker-compose.yml");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(SECRET|TOKEN|KEY).*");
    /** {@code ${NAME...}} not escaped as {@code $$}. */
    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{(\\w+)([^}]*)}");

    @TempDir
    Path temp;

    @Test
    void composeFileIsValidAndHasEveryServiceWithAScalableDispatcher() throws Exception {
        JsonNode services = services(exampleEnv());
        assertThat(services.fieldNames()).toIterable()
                .contains("kafka", "schema-registry", "topics", "router", "dispatcher", "receiver", "demo-tenant");
        assertThat(services.get("schema-registry").get("image").asText()).startsWith("confluentinc/cp-schema-registry:");
        for (String built : new String[] {"router", "dispatcher", "receiver", "topics"}) {
            JsonNode build = services.get(built).get("build");
            assertThat(build).as("%s is built from this repository", built).isNotNull();
            assertThat(Path.of(build.get("context").asText())).isEqualTo(ROOT);
            assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("AS " + build.get("target").asText());
        }
        // --scale dispatcher=N needs containers without a fixed name or host port.
        JsonNode dispatcher = services.get("dispatcher");
        assertThat(dispatcher.has("container_name")).isFalse();
        assertThat(dispatcher.get("environment").get("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
    }

    @Test
    void kafkaImageIsTheReleaseLineOfThePom() throws Exception {
        String image = services(exampleEnv()).get("kafka").get("image").asText();
        assertThat(image).startsWith("apache/kafka:");
        Matcher pom = Pattern.compile("<kafka.version>(\\d+\\.\\d+)\\.").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(pom.find()).as("kafka.version in the root pom").isTrue();
        assertThat(tag(image)).as("the broker is the Kafka release the clients are built against")
                .startsWith(pom.group(1) + ".");
    }

    @Test
    void statusPageIsPublishedOnLoopbackWithoutAFixedHostPort() throws Exception {
        JsonNode dispatcher = services(exampleEnv()).get("dispatcher");
        JsonNode env = dispatcher.get("environment");
        assertThat(env.path("PIPELINE_ADMIN_PORT").asText()).isEqualTo("8090");
        assertThat(env.path("PIPELINE_ADMIN_HOST").asText())
                .as("inside the container the status server must listen beyond 127.0.0.1 to be published").isEqualTo("0.0.0.0");
        assertThat(dispatcher.get("ports")).as("the status page is published").isNotEmpty();
        for (JsonNode port : dispatcher.get("ports")) {
            // v1 prints a short "ip:host:container/proto" string or a long-form mapping.
            String hostIp;
            String published;
            String target;
            if (port.isTextual()) {
                String[] parts = port.asText().replaceFirst("/tcp$", "").split(":", -1);
                assertThat(parts).as("ip:host:container in %s", port).hasSize(3);
                hostIp = parts[0];
                published = parts[1];
                target = parts[2];
            } else {
                hostIp = port.path("host_ip").asText("");
                published = port.path("published").asText("");
                target = port.path("target").asText();
            }
            assertThat(target).isEqualTo("8090");
            assertThat(published).as("a fixed host port collides under --scale dispatcher=N: %s", port).isEmpty();
            assertThat(hostIp).as("the operators' page is not opened to the network: %s", port).isEqualTo("127.0.0.1");
        }
        assertThat(Files.readString(FILE)).as("the header says where the page is").contains("docker-compose port dispatcher 8090");
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckAndStartsAfterItsDependenciesAreReady() throws Exception {
        JsonNode services = services(exampleEnv());
        Set<String> oneShots = new LinkedHashSet<>();
        Set<String> longRunning = new LinkedHashSet<>();
        services.fields().forEachRemaining(e -> {
            if (e.getValue().has("profiles")) {
                return; // tools for `docker-compose run`, not started by `up`
            }
            ("no".equals(e.getValue().path("restart").asText()) ? oneShots : longRunning).add(e.getKey());
        });
        assertThat(oneShots).contains("topics", "demo-tenant");
        assertThat(longRunning).contains("kafka", "schema-registry", "router", "dispatcher", "receiver");

        for (String name : longRunning) {
            JsonNode test = services.get(name).path("healthcheck").path("test");
            assertThat(test.isArray() && test.size() > 1).as("%s has a healthcheck command: %s", name, test).isTrue();
            assertThat(test.get(0).asText()).as("%s's healthcheck is not disabled", name).isIn("CMD", "CMD-SHELL");
            assertThat(services.get(name).path("healthcheck").path("disable").asBoolean(false)).isFalse();
        }
        assertThat(services.get("kafka").get("healthcheck").get("test").toString()).contains("/opt/kafka/bin/");
        String dispatcherCheck = services.get("dispatcher").get("healthcheck").get("test").toString();
        assertThat(dispatcherCheck).contains("http://127.0.0.1:8090/api/health")
                .as("the token comes from the container's environment").contains("$$PIPELINE_ADMIN_TOKEN");

        List<String> completed = new ArrayList<>();
        for (String name : (Iterable<String>) services::fieldNames) {
            JsonNode dependsOn = services.get(name).path("depends_on");
            for (String dependency : (Iterable<String>) dependsOn::fieldNames) {
                String condition = dependsOn.get(dependency).path("condition").asText();
                if (oneShots.contains(dependency)) {
                    assertThat(condition).as("%s waits for the one-shot %s to succeed", name, dependency)
                            .isEqualTo("service_completed_successfully");
                    completed.add(name + "->" + dependency);
                } else {
                    assertThat(condition).as("%s waits for %s to be healthy", name, dependency).isEqualTo("service_healthy");
                }
            }
        }
        assertThat(completed).contains("router->topics", "dispatcher->topics", "demo-tenant->topics");
        assertThat(services.get("schema-registry").get("depends_on").has("kafka")).isTrue();
        assertThat(services.get("demo-tenant").get("depends_on").has("receiver")).isTrue();
        for (String needsTheRegistry : new String[] {"topics", "router", "dispatcher"}) {
            assertThat(services.get(needsTheRegistry).get("depends_on").has("schema-registry")).isTrue();
        }
    }

    @Test
    void everyImageTagIsPinned() throws Exception {
        JsonNode services = services(exampleEnv());
        Set<String> builtHere = new LinkedHashSet<>();
        services.forEach(s -> {
            if (s.has("build")) {
                builtHere.add(s.get("image").asText());
            }
        });
        for (String name : (Iterable<String>) services::fieldNames) {
            String image = services.get(name).path("image").asText();
            assertThat(image).as("%s names its image", name).isNotEmpty();
            String tag = tag(image);
            assertThat(tag).as("%s: %s has a tag other than latest", name, image).isNotEmpty().isNotEqualTo("latest");
            if (!builtHere.contains(image)) {
                assertThat(tag).as("%s: %s is pulled, so its tag is a release version", name, image)
                        .matches("\\d+(\\.\\d+)+(-[\\w.]+)?");
            }
        }
    }

    @Test
    void noSecretIsInTheFile() throws Exception {
        String raw = Files.readString(FILE);
        assertThat(raw).doesNotContainIgnoringCase("whsec_");
        Matcher reference = REFERENCE.matcher(raw);
        while (reference.find()) {
            assertThat(reference.group(2)).as("${%s} is required (:?), never defaulted to a value in the file", reference.group(1))
                    .startsWith(":?");
        }
        // Every secret-named variable, resolved with a distinct stand-in per .env entry, must hold one of them:
        // a literal, or a reference with a default, would not.
        Map<String, String> standIns = new LinkedHashMap<>();
        exampleValues().keySet().forEach(k -> standIns.put(k, "stand-in-for-" + k.toLowerCase()));
        JsonNode services = services(envFile(standIns));
        List<String> checked = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            JsonNode env = service.getValue().path("environment");
            env.fields().forEachRemaining(e -> {
                if (SECRET_NAME.matcher(e.getKey()).matches()) {
                    assertThat(standIns.values()).as("%s of %s comes from .env", e.getKey(), service.getKey())
                            .contains(e.getValue().asText());
                    checked.add(service.getKey() + "." + e.getKey());
                }
            });
            // Outside the environment (a command, a healthcheck) a secret would show in `docker inspect`.
            ObjectNode rest = ((ObjectNode) service.getValue()).deepCopy();
            rest.remove("environment");
            standIns.values().forEach(s -> assertThat(rest.toString()).as("%s", service.getKey()).doesNotContain(s));
        });
        assertThat(checked).contains("dispatcher.PIPELINE_ADMIN_TOKEN", "dispatcher.PIPELINE_SECRETS_KEYS",
                "receiver.WEBHOOK_SECRET", "demo-tenant.WEBHOOK_SECRET");
    }

    @Test
    void envExampleListsEveryVariableAndIsNotUsableAsIs() throws Exception {
        Set<String> referenced = new LinkedHashSet<>();
        Matcher reference = REFERENCE.matcher(Files.readString(FILE));
        while (reference.find()) {
            referenced.add(reference.group(1));
        }
        Map<String, String> example = exampleValues();
        assertThat(example.keySet()).as(".env.example lists every variable the compose file reads")
                .containsExactlyInAnyOrderElementsOf(referenced)
                .contains("DEMO_WEBHOOK_SECRET", "PIPELINE_ADMIN_TOKEN", "PIPELINE_SECRETS_KEYS");
        String text = Files.readString(ROOT.resolve(".env.example"));
        for (String name : example.keySet()) {
            // The comment block above each entry says how to make a value.
            String before = text.substring(0, text.indexOf("\n" + name + "=") + 1);
            String comment = before.substring(before.lastIndexOf("\n\n") + 2);
            assertThat(comment).as("how to generate %s", name).contains("Generate:");
            // Shorter than the 16 characters a token or tenant secret needs, and not base64: an unfilled copy is refused.
            assertThat(example.get(name)).as("the placeholder of %s", name).contains("change-me").hasSizeLessThan(16);
        }
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).as(".env stays out of git").contains(".env");
    }

    @Test
    void configFailsNamingTheVariableWhenARequiredValueIsMissingOrEmpty() throws Exception {
        Map<String, String> example = exampleValues();
        for (String missing : example.keySet()) {
            for (boolean empty : new boolean[] {false, true}) {
                Map<String, String> values = new LinkedHashMap<>(example);
                if (empty) {
                    values.put(missing, "");
                } else {
                    values.remove(missing);
                }
                Result config = config(envFile(values));
                assertThat(config.exit()).as("%s %s:\n%s", missing, empty ? "empty" : "absent", config.output()).isNotZero();
                assertThat(config.output()).as("the message names %s and the fix", missing)
                        .contains(missing + " must be set in .env").contains("cp .env.example .env");
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private record Result(int exit, String output) {}

    private Path exampleEnv() {
        return ROOT.resolve(".env.example");
    }

    private JsonNode services(Path envFile) throws Exception {
        Result config = config(envFile);
        assertThat(config.exit()).as("docker-compose config:\n%s", config.output()).isZero();
        return new ObjectMapper(new YAMLFactory()).readTree(config.output()).get("services");
    }

    private Result config(Path envFile) throws Exception {
        assertThat(FILE).exists();
        ProcessBuilder builder = new ProcessBuilder("docker-compose", "--env-file", envFile.toString(),
                "-f", FILE.toString(), "config").directory(ROOT.toFile());
        // The shell's environment overrides the env file: a developer's exported token must not count.
        exampleValues().keySet().forEach(builder.environment()::remove);
        // stderr to a file: v1 prints its errors there, and the YAML alone on stdout.
        Path errors = Files.createTempFile(temp, "stderr", "");
        builder.redirectError(errors.toFile());
        Process config;
        try {
            config = builder.start();
        } catch (IOException notInstalled) {
            fail("docker-compose is not installed, so docker-compose.yml cannot be checked: install it with"
                    + " `apt-get install -y docker-compose` (.ci/run does this) and run the tests again");
            throw notInstalled;
        }
        String output = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(config.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(config.exitValue(), output + Files.readString(errors));
    }

    private Path envFile(Map<String, String> values) throws IOException {
        Path file = Files.createTempFile(temp, "env", "");
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return Files.writeString(file, text);
    }

    /** The entries of .env.example, in order. */
    private static Map<String, String> exampleValues() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return values;
    }

    /** The tag of an image name (after the last ':' of its last path segment); empty without one. */
    private static String tag(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        return colon < 0 ? "" : last.substring(colon + 1);
    }
}
