package dev.webhookpipeline.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What users run holds no test library: target/launcher.jar and every jar its manifest's Class-Path
 * names (target/lib/). A test jar there would ship JUnit and Kafka's test kit, and its
 * logback-test.xml would configure the demo receiver's logging.
 */
class LauncherJarIT {

    private static final Path JAR = Path.of("target", "launcher.jar");
    private static final List<String> TEST_ONLY = List.of("org/junit/", "org/apache/kafka/common/test/",
            "logback-test.xml", "org/assertj/", "org/awaitility/", "net/jqwik/", "dev/webhookpipeline/testsupport/",
            "org/testcontainers/");

    @Test
    void holdsNoTestLibrary() throws IOException {
        List<Path> jars = new ArrayList<>(List.of(JAR));
        jars.addAll(classPath());
        assertThat(jars).hasSizeGreaterThan(10); // the services' libraries are there: the check looked at them

        List<String> found = new ArrayList<>();
        for (Path jar : jars) {
            assertThat(jar).as("a Class-Path entry of " + JAR).isRegularFile();
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().map(entry -> entry.getName())
                        .filter(name -> TEST_ONLY.stream().anyMatch(name::startsWith) || name.endsWith("/logback-test.xml"))
                        .findFirst()
                        .ifPresent(name -> found.add(jar.getFileName() + ": " + name));
            }
        }
        assertThat(found).as("test classes or files in what the launcher runs").isEmpty();
    }

    private static List<Path> classPath() throws IOException {
        try (JarFile launcher = new JarFile(JAR.toFile())) {
            String classPath = launcher.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            assertThat(classPath).as("Class-Path of " + JAR).isNotBlank();
            List<Path> jars = new ArrayList<>();
            for (String entry : classPath.trim().split("\\s+")) {
                jars.add(JAR.resolveSibling(entry));
            }
            return jars;
        }
    }
}
