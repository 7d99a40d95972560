package dev.webhookpipeline.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.localservices.JavaProcess;
import dev.webhookpipeline.testing.PipelineFixture;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.SampleRecords;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A measurement, not part of the normal build: pre-fills N events (all routed) and times the router
 * process draining them to the outbound topic. Run with
 * {@code mvn -B verify -pl streams-router -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=RouterThroughputIT -Drouter.throughput.events=100000}; the figures are printed to stdout.
 */
@ExtendWith(RealServicesExtension.class)
@EnabledIfSystemProperty(named = "router.throughput.events", matches = "\\d+")
class RouterThroughputIT {

    private static final Logger log = LoggerFactory.getLogger(RouterThroughputIT.class);

    @Test
    void measure(TestServices services) throws Exception {
        int events = Integer.getInteger("router.throughput.events");
        int tenants = 30;
        Path dir = Files.createTempDirectory("router-throughput");
        try (TestPipeline pipeline = new TestPipeline(services, "throughput", 6);
                PipelineFixture.Reader<byte[]> outbound = pipeline.fixture.reader(pipeline.topics.outbound(),
                        new ByteArrayDeserializer())) {
            for (int t = 0; t < tenants; t++) {
                pipeline.sendConfig(SampleRecords.config("tenant-" + t, "https://example.com/h",
                        List.of(EventType.RISK_LEVEL_CHANGED)), null);
            }
            long fillStart = System.nanoTime();
            for (int i = 0; i < events; i++) {
                pipeline.sendEvent(SampleRecords.event("tenant-" + (i % tenants), EventType.RISK_LEVEL_CHANGED, i));
            }
            pipeline.flush();
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;

            Properties props = new Properties();
            pipeline.routerSettings().forEach(props::setProperty);
            props.remove("commit.interval.ms"); // the production default (RouterSettings.DEFAULT_COMMIT_INTERVAL_MS)
            Path config = dir.resolve("router.properties");
            try (var out = Files.newBufferedWriter(config)) {
                props.store(out, null);
            }
            long start = System.nanoTime();
            try (JavaProcess router = JavaProcess.builder(RouterMain.class.getName(),
                            Path.of("target", "test-logs", "router-throughput.log"))
                    .jvmArgs("-Xmx512m", "-Dlogback.configurationFile=logback.xml")
                    .args("--config", config.toString(), "--state-dir", dir.resolve("state").toString()).start()) {
                outbound.until(r -> !r.isEmpty(), Duration.ofSeconds(120));
                long first = System.nanoTime();
                outbound.until(r -> r.size() >= events, Duration.ofMinutes(10));
                long end = System.nanoTime();
                double total = (end - start) / 1e9;
                double steady = (end - first) / 1e9;
                String result = String.format("router throughput: %d events; producer pre-fill %.0f events/s;"
                        + " router %.1f s from process start (%.0f events/s), %.1f s from first webhook"
                        + " (%.0f events/s)", events, events / fillSeconds, total, events / total, steady,
                        events / steady);
                System.out.println(result);
                log.info(result);
                router.stop(Duration.ofSeconds(60));
            }
            assertThat(outbound.records).hasSize(events);
        }
    }
}
