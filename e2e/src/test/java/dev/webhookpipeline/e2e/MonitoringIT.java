package dev.webhookpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.webhookpipeline.dispatcher.DispatcherService;
import dev.webhookpipeline.router.Router;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The alert rules and the Grafana dashboard in docs/monitoring only use metrics the router and the
 * dispatcher really export: a real pipeline delivers a webhook, fails another and dead-letters a
 * broken record, then every metric name in every expression must be in one of the two scrapes.
 * A renamed metric would otherwise leave an alert that never fires.
 */
@ExtendWith(RealServicesExtension.class)
class MonitoringIT {

    static final Path MONITORING = Path.of("..", "docs", "monitoring");
    /** Metric names of this pipeline, of Kafka clients and of the JVM, as PromQL uses them. */
    static final Pattern METRIC = Pattern.compile("\\b(?:webhooks?|router|kafka|jvm|process)_[a-z0-9_]+\\b");
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void everyMetricTheAlertsAndTheDashboardUseIsExported(TestServices services) throws Exception {
        Set<String> used = new TreeSet<>();
        List<String> alerts = new ArrayList<>();
        JsonNode rules = new YAMLMapper().readTree(MONITORING.resolve("alerts.yml").toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts.add(rule.path("alert").asText());
                used.addAll(metricsIn(rule.path("expr").asText()));
            }
        }
        JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                used.addAll(metricsIn(target.path("expr").asText()));
            }
        }
        assertThat(alerts).as("alert rules").hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
        assertThat(used).as("metrics the files use").contains("webhooks_delivered_total", "router_records_total");

        try (E2ePipeline p = new E2ePipeline(services, "monitoring", 7L)) {
            p.receiver.answer("failing", Reply.status(500));
            p.configure("healthy", false, Set.copyOf(E2ePipeline.TYPES));
            p.configure("failing", false, Set.copyOf(E2ePipeline.TYPES));
            Router router = p.startRouter();
            var metrics = DispatcherService.metricsRegistry();
            try (DispatcherService dispatcher = new DispatcherService(p.dispatcherConfig().meterRegistry(metrics).build(),
                    Optional.empty(), metrics).start(Optional.empty())) {
                p.produce("healthy", EventType.RISK_LEVEL_CHANGED);
                p.produce("failing", EventType.RISK_LEVEL_CHANGED);
                p.flush();
                writeUndecodableOutbound(p);
                // Per-tenant queue gauges appear with the first delivery-state publication (every progress interval).
                Await.until("a delivery, a failed attempt, a dead letter and the queue gauges", WAIT, () -> {
                    String scrape = metrics.scrape();
                    return scrape.contains("webhooks_delivered_total{") && scrape.contains("webhook_attempts_failed_total{")
                            && scrape.contains("webhook_dead_letters_total{") && scrape.contains("webhook_queue_depth{")
                            && scrape.contains("webhook_oldest_undelivered_age_seconds{");
                });
                Set<String> exported = new TreeSet<>();
                exported.addAll(names(metrics.scrape()));
                exported.addAll(names(router.scrape()));
                assertThat(exported).as("exported metrics").containsAll(used);
            }
        }
    }

    private static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** Metric names in a Prometheus text scrape (comment lines skipped). */
    private static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** An outbound record the dispatcher cannot decode: it must be dead-lettered (and counted). */
    private static void writeUndecodableOutbound(E2ePipeline p) throws Exception {
        Map<String, Object> props = new HashMap<>(p.kafka());
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(p.topics.outbound().name(), "healthy".getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
    }
}
