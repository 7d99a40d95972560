package dev.webhookpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServiceSourceTest {

    @Test
    void unsetBlankOrLocalMeansTheInJvmServices() {
        assertThat(ServiceSource.parse(null)).isEqualTo(ServiceSource.LOCAL);
        assertThat(ServiceSource.parse("")).isEqualTo(ServiceSource.LOCAL);
        assertThat(ServiceSource.parse("  ")).isEqualTo(ServiceSource.LOCAL);
        assertThat(ServiceSource.parse("local")).isEqualTo(ServiceSource.LOCAL);
        assertThat(ServiceSource.parse(" Local ")).isEqualTo(ServiceSource.LOCAL);
    }

    @Test
    void containersMeansTestcontainers() {
        assertThat(ServiceSource.parse("containers")).isEqualTo(ServiceSource.CONTAINERS);
        assertThat(ServiceSource.parse("CONTAINERS")).isEqualTo(ServiceSource.CONTAINERS);
    }

    @Test
    void anythingElseIsAnErrorNamingTheAcceptedValues() {
        assertThatThrownBy(() -> ServiceSource.parse("docker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dtest.services=docker is not a test services source: use local or containers"
                        + " (unset means local)");
    }

    @Test
    void theBuildPassesThePropertyToTheTestJvm() {
        // The root pom passes test.services (default local, or what -Dtest.services says) to the forked test JVMs.
        assertThat(System.getProperty(ServiceSource.PROPERTY)).isNotNull();
        assertThat(ServiceSource.parse(System.getProperty(ServiceSource.PROPERTY))).isNotNull();
    }

    @Test
    void noDockerEngineFailsWithOneLineSayingWhereItLookedAndWhatToDo() {
        assertThatThrownBy(() -> ServiceSource.requireDockerEngine(() -> false, Map.of(), path -> false))
                .isInstanceOf(ServiceSource.NoDockerEngineException.class)
                .hasMessage("test.services=containers needs a Docker engine: none found (DOCKER_HOST unset,"
                        + " /var/run/docker.sock missing); run without -Dtest.services to use the in-JVM services")
                .message().doesNotContain("\n");
    }

    @Test
    void theMessageNamesADockerHostOrSocketThatDoesNotAnswer() {
        assertThat(ServiceSource.noDockerEngine(Map.of("DOCKER_HOST", "tcp://10.0.0.9:2375"), path -> true))
                .contains("(DOCKER_HOST=tcp://10.0.0.9:2375 not answering, /var/run/docker.sock not answering)");
    }

    @Test
    void aReachableEngineIsEnough() {
        AtomicBoolean asked = new AtomicBoolean();
        ServiceSource.requireDockerEngine(() -> asked.getAndSet(true) || true, Map.of(), path -> false);
        assertThat(asked).isTrue();
    }

    /**
     * The default path must not touch Docker: in a class loader of its own, load and link TestServices and the
     * extension and make the default choice, then check that neither ContainerServices nor any Testcontainers
     * class was loaded.
     */
    @Test
    void theDefaultPathLoadsNoTestcontainersClass() throws Exception {
        try (Isolated loader = new Isolated()) {
            Class.forName(TestServices.class.getName(), true, loader);
            Class.forName(RealServicesExtension.class.getName(), true, loader);
            Class<?> source = Class.forName(ServiceSource.class.getName(), true, loader);
            Method parse = source.getDeclaredMethod("parse", String.class);
            parse.setAccessible(true);
            assertThat(parse.invoke(null, (Object) null)).hasToString("LOCAL");

            assertThat(loader.loaded(ServiceSource.class.getName())).isTrue(); // the check itself works
            for (String name : List.of(ContainerServices.class.getName(), "org.testcontainers.DockerClientFactory",
                    "org.testcontainers.kafka.KafkaContainer", "org.testcontainers.containers.GenericContainer")) {
                assertThat(loader.loaded(name)).as(name + " loaded").isFalse();
            }
        }
    }

    /** Loads the test class path itself (child first), so it can say which classes it loaded. */
    private static final class Isolated extends URLClassLoader {
        Isolated() {
            super(classPath(), ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }

        private static URL[] classPath() {
            return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(entry -> {
                try {
                    return Path.of(entry).toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }).toArray(URL[]::new);
        }
    }
}
