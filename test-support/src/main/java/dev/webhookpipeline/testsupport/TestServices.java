package dev.webhookpipeline.testsupport;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real services integration tests run against: one Kafka broker and one schema registry per
 * test JVM, started on first use and stopped when the test run ends. Obtain it through
 * {@link RealServicesExtension}.
 *
 * <p>Where they come from is {@link ServiceSource}'s choice ({@code -Dtest.services}): by default a broker in
 * the test JVM and Apicurio Registry as a child process; with {@code containers}, Docker containers. The tests
 * see only addresses, so they are the same either way.
 *
 * <p>Tests share the broker, so each test names its topics with {@link #uniquePrefix(String)}.
 */
public final class TestServices {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final SharedServices services;

    TestServices(SharedServices services) {
        this.services = services;
    }

    static TestServices start(ServiceSource source) {
        return new TestServices(switch (source) {
            case LOCAL -> LocalServices.start();
            // Only here is ContainerServices, and with it Testcontainers, loaded.
            case CONTAINERS -> ContainerServices.start();
        });
    }

    public KafkaBroker kafka() {
        return services.kafka();
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** The registry's Confluent-compatible base URL; the registry starts on first call (it takes several seconds). */
    public String schemaRegistryUrl() {
        return services.schemaRegistryUrl();
    }

    /** A topic prefix no other test of this run uses, e.g. {@code t7-publisher.}. */
    public static String uniquePrefix(String testName) {
        return "t" + PREFIXES.incrementAndGet() + "-" + testName.replaceAll("[^a-zA-Z0-9_-]", "") + ".";
    }

    void stop() {
        services.close();
    }
}
