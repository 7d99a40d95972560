package dev.webhookpipeline.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Where the integration tests' broker and schema registry come from, chosen by the system property
 * {@value #PROPERTY} ({@code mvn verify -Dtest.services=containers}; the root pom passes it to the forked
 * test JVMs). The tests are the same either way.
 *
 * <ul>
 *   <li>unset or {@code local}: a broker in the test JVM (Kafka's test kit) and Apicurio Registry as a
 *       child process, from the local Maven repository. No Docker, and no Testcontainers class is loaded.
 *   <li>{@code containers}: Testcontainers, {@code apache/kafka} and {@code apicurio/apicurio-registry}
 *       ({@link ContainerServices}); needs a Docker engine, and says so in one line when there is none.
 * </ul>
 *
 * This class itself never touches Testcontainers: the choice is made here, the containers live in
 * {@link ContainerServices}, which the JVM loads only when {@code containers} is chosen.
 */
enum ServiceSource {
    LOCAL("local"),
    CONTAINERS("containers");

    static final String PROPERTY = "test.services";
    static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");

    private final String value;

    ServiceSource(String value) {
        this.value = value;
    }

    /**
     * @param value the property's value; {@code null} or blank means {@link #LOCAL}
     * @throws IllegalArgumentException for anything else, naming the accepted values
     */
    static ServiceSource parse(String value) {
        if (value == null || value.isBlank()) {
            return LOCAL;
        }
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (ServiceSource source : values()) {
            if (source.value.equals(wanted)) {
                return source;
            }
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is not a test services source: use "
                + Arrays.stream(values()).map(s -> s.value).collect(Collectors.joining(" or "))
                + " (unset means local)");
    }

    String value() {
        return value;
    }

    /** Fails with {@link #noDockerEngine} when the check says no Docker engine answers. */
    static void requireDockerEngine(BooleanSupplier dockerAvailable) {
        requireDockerEngine(dockerAvailable, System.getenv(), Files::exists);
    }

    static void requireDockerEngine(BooleanSupplier dockerAvailable, Map<String, String> env, Predicate<Path> exists) {
        if (!dockerAvailable.getAsBoolean()) {
            throw new NoDockerEngineException(noDockerEngine(env, exists));
        }
    }

    /** One line: what was asked for, where the engine was looked for, and how to run without one. */
    static String noDockerEngine(Map<String, String> env, Predicate<Path> exists) {
        String dockerHost = env.get("DOCKER_HOST");
        return PROPERTY + "=containers needs a Docker engine: none found ("
                + (dockerHost == null || dockerHost.isBlank() ? "DOCKER_HOST unset" : "DOCKER_HOST=" + dockerHost + " not answering")
                + ", " + DOCKER_SOCKET + (exists.test(DOCKER_SOCKET) ? " not answering" : " missing")
                + "); run without -D" + PROPERTY + " to use the in-JVM services";
    }

    /** No Docker engine for {@code test.services=containers}; its message is the whole story, in one line. */
    static final class NoDockerEngineException extends IllegalStateException {
        NoDockerEngineException(String message) {
            super(message);
        }
    }
}
