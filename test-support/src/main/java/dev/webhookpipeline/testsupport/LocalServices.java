package dev.webhookpipeline.testsupport;

import dev.webhookpipeline.localservices.ApicurioRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default source: a broker in the test JVM and Apicurio Registry as a child process. No Docker. */
final class LocalServices implements SharedServices {

    private static final Logger log = LoggerFactory.getLogger(LocalServices.class);

    private final KafkaBroker kafka;
    private ApicurioRegistry registry;

    private LocalServices(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    static LocalServices start() {
        long start = System.nanoTime();
        KafkaBroker kafka = KafkaBroker.start();
        log.info("Kafka broker ready at {} in {} ms", kafka.bootstrapServers(), (System.nanoTime() - start) / 1_000_000);
        return new LocalServices(kafka);
    }

    @Override
    public KafkaBroker kafka() {
        return kafka;
    }

    /** The registry is started on first call (it takes several seconds; not every test needs it). */
    @Override
    public synchronized String schemaRegistryUrl() {
        if (registry == null) {
            long start = System.nanoTime();
            registry = ApicurioRegistry.start();
            log.info("Apicurio Registry ready at {} in {} ms (log: {})", registry.url(),
                    (System.nanoTime() - start) / 1_000_000, registry.logFile());
        }
        return registry.url();
    }

    @Override
    public synchronized void close() {
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
