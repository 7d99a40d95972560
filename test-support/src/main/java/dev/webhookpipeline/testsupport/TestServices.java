package dev.webhookpipeline.testsupport;

import dev.webhookpipeline.localservices.ApicurioRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real services integration tests run against: one Kafka broker and one schema registry per
 * test JVM, started on first use and stopped when the test run ends. Obtain it through
 * {@link RealServicesExtension}.
 *
 * <p>Tests share the broker, so each test names its topics with {@link #uniquePrefix(String)}.
 */
public final class TestServices {

    private static final Logger log = LoggerFactory.getLogger(TestServices.class);
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final KafkaBroker kafka;
    private ApicurioRegistry registry;

    TestServices(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    static TestServices start() {
        long start = System.nanoTime();
        KafkaBroker kafka = KafkaBroker.start();
        log.info("Kafka broker ready at {} in {} ms", kafka.bootstrapServers(), (System.nanoTime() - start) / 1_000_000);
        return new TestServices(kafka);
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The schema registry, started on first call (it takes several seconds; not every test needs it). */
    public synchronized ApicurioRegistry registry() {
        if (registry == null) {
            long start = System.nanoTime();
            registry = ApicurioRegistry.start();
            log.info("Apicurio Registry ready at {} in {} ms (log: {})", registry.url(),
                    (System.nanoTime() - start) / 1_000_000, registry.logFile());
        }
        return registry;
    }

    public String schemaRegistryUrl() {
        return registry().url();
    }

    /** A topic prefix no other test of this run uses, e.g. {@code t7-publisher.}. */
    public static String uniquePrefix(String testName) {
        return "t" + PREFIXES.incrementAndGet() + "-" + testName.replaceAll("[^a-zA-Z0-9_-]", "") + ".";
    }

    synchronized void stop() {
        if (registry != null) {
            registry.close();
        }
        try {
            kafka.close();
        } catch (Exception e) {
            log.warn("Kafka broker did not stop cleanly", e);
        }
    }
}
