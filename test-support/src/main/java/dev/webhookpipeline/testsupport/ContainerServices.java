package dev.webhookpipeline.testsupport;

import dev.webhookpipeline.localservices.ApicurioRegistry;
import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.common.utils.AppInfoParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@code -Dtest.services=containers}: the broker and the registry as Docker containers (Testcontainers),
 * for machines with a Docker engine. The only class that refers to Testcontainers; the JVM loads it only
 * when that source is chosen ({@link ServiceSource}).
 *
 * <ul>
 *   <li>Kafka: {@code apache/kafka:<version of kafka-clients>}, i.e. the root pom's {@code kafka.version}, with
 *       the broker settings the in-JVM broker uses ({@link KafkaBroker#BROKER_CONFIG}).
 *   <li>Registry: {@code apicurio/apicurio-registry:<ApicurioRegistry.VERSION>} (the root pom's
 *       {@code apicurio.version}, read from local-services' filtered resource), in-memory storage: the same
 *       registry, at the same version and Confluent-compatible URL ({@code /apis/ccompat/v7}), as the in-JVM path.
 * </ul>
 */
final class ContainerServices implements SharedServices {

    private static final Logger log = LoggerFactory.getLogger(ContainerServices.class);
    static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka").withTag(AppInfoParser.getVersion());
    static final DockerImageName REGISTRY_IMAGE =
            DockerImageName.parse("apicurio/apicurio-registry").withTag(ApicurioRegistry.VERSION);
    private static final int REGISTRY_PORT = 8080;
    private static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final KafkaContainer kafkaContainer;
    private final KafkaBroker kafka;
    private GenericContainer<?> registry;

    private ContainerServices(KafkaContainer kafkaContainer) {
        this.kafkaContainer = kafkaContainer;
        this.kafka = new KafkaBroker(kafkaContainer.getBootstrapServers(), kafkaContainer::stop);
    }

    /** Checks for a Docker engine first: without one, fails at once with one line saying what to do. */
    static ContainerServices start() {
        ServiceSource.requireDockerEngine(() -> DockerClientFactory.instance().isDockerAvailable());
        long start = System.nanoTime();
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        // The image turns KAFKA_SOME_SETTING into some.setting in the broker's server.properties.
        KafkaBroker.BROKER_CONFIG.forEach((key, value) ->
                container.withEnv("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        container.start();
        log.info("Kafka container {} ready at {} in {} ms", KAFKA_IMAGE, container.getBootstrapServers(),
                (System.nanoTime() - start) / 1_000_000);
        return new ContainerServices(container);
    }

    @Override
    public KafkaBroker kafka() {
        return kafka;
    }

    /** The registry container is started on first call, as the in-JVM registry is. */
    @Override
    public synchronized String schemaRegistryUrl() {
        if (registry == null) {
            long start = System.nanoTime();
            GenericContainer<?> container = new GenericContainer<>(REGISTRY_IMAGE)
                    .withExposedPorts(REGISTRY_PORT)
                    .waitingFor(Wait.forHttp(CCOMPAT_PATH + "/subjects").forPort(REGISTRY_PORT).forStatusCode(200)
                            .withStartupTimeout(Duration.ofSeconds(120)));
            container.start();
            registry = container;
            log.info("Apicurio Registry container {} ready at {} in {} ms", REGISTRY_IMAGE, url(registry),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return url(registry);
    }

    private static String url(GenericContainer<?> registry) {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(REGISTRY_PORT) + CCOMPAT_PATH;
    }

    @Override
    public synchronized void close() {
        if (registry != null) {
            registry.stop();
        }
        kafkaContainer.stop();
    }
}
