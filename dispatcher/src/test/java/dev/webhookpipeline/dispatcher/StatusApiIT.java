package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operators' status API and metrics on the real pipeline, with two dispatcher instances
 * sharing the partitions: each answers for every tenant, and Retry/Refresh reach the owner.
 */
@ExtendWith(RealServicesExtension.class)
class StatusApiIT {

    static final String TOKEN = TestSecrets.remember("operator token", "operator-token-0123456789");
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final List<String> bodies = new ArrayList<>();

    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Answer call(int port, String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        bodies.add(response.body());
        return new Answer(response.statusCode(), response.body());
    }

    JsonNode list(int port) {
        try {
            return call(port, "GET", "/api/tenants", TOKEN).json();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode tenant(int port, String tenant) {
        try {
            Answer answer = call(port, "GET", "/api/tenants/" + tenant, TOKEN);
            return answer.status() == 200 ? answer.json() : JSON.createObjectNode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static double metric(String scrape, String name, String tenant) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\{[^}]*tenant=\"" + Pattern.quote(tenant)
                + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    static double metric(String scrape, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    DispatcherService service(DispatcherTestHelper t) throws InterruptedException {
        var metrics = DispatcherService.metricsRegistry();
        var admin = Optional.of(new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN)));
        return new DispatcherService(t.config().meterRegistry(metrics).build(), admin, metrics).start(admin);
    }

    @Test
    void stalledWaitingAndEmptyTenantsRetryRefreshAuthAndMetricsAcrossTwoInstances(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "status")) {
            t.receiver.answer("stalled", Reply.status(500).withBody("database down"));
            t.configure("stalled", false, true);
            t.configure("healthy", true, true);
            t.configure("backlog", false, false); // disabled: its webhooks wait
            try (DispatcherService a = service(t); DispatcherService b = service(t)) {
                int portA = a.adminPort();
                int portB = b.adminPort();
                String before = call(portA, "GET", "/metrics", TOKEN).body() + call(portB, "GET", "/metrics", TOKEN).body();
                t.produce("stalled", 3);
                t.produce("healthy", 5);
                t.produce("backlog", 7);

                for (int port : List.of(portA, portB)) { // both instances answer for every tenant
                    await("stalled shows STALLED", Duration.ofSeconds(30),
                            () -> "STALLED".equals(tenant(port, "stalled").path("queue").asText()));
                    await("healthy shows EMPTY after its 5", Duration.ofSeconds(30),
                            () -> tenant(port, "healthy").path("lastDeliveredId").asLong() == 5);
                    await("backlog shows WAITING 7", Duration.ofSeconds(30),
                            () -> tenant(port, "backlog").path("waiting").asLong() == 7);
                }
                JsonNode stalled = tenant(portA, "stalled");
                assertThat(stalled.path("failedAttempts").asInt()).isEqualTo(1);
                assertThat(stalled.path("stalledSince").asText()).isNotEmpty();
                assertThat(stalled.path("nextRetry").asText()).isNotEmpty();
                assertThat(stalled.path("waiting").asLong()).isEqualTo(3);
                JsonNode failure = stalled.path("recentFailures").get(0);
                assertThat(failure.path("status").asInt()).isEqualTo(500);
                assertThat(failure.path("error").asText()).isEqualTo("HTTP 500: database down");
                assertThat(failure.path("firstWebhookId").asLong()).isEqualTo(1);
                JsonNode healthy = tenant(portA, "healthy");
                assertThat(healthy.path("queue").asText()).isEqualTo("EMPTY");
                assertThat(healthy.path("lastProcessed").asText()).isNotEmpty();
                JsonNode backlog = tenant(portB, "backlog");
                assertThat(backlog.path("queue").asText()).isEqualTo("WAITING");
                assertThat(backlog.path("paused").asBoolean()).isTrue();

                // The list (re-sorted within a second of a change) puts the stalled tenant first, then the biggest backlog.
                await("the list in operator order", Duration.ofSeconds(15),
                        () -> {
                            JsonNode list = list(portB);
                            return tenantsIn(list).equals(List.of("stalled", "backlog", "healthy"))
                                    && list.path("counts").path("EMPTY").asInt() == 1; // healthy's delivery listed too
                        });
                JsonNode page = call(portB, "GET", "/api/tenants?state=STALLED,WAITING&sort=tenant&limit=1&offset=1", TOKEN).json();
                assertThat(tenantsIn(page)).containsExactly("stalled");
                assertThat(page.path("matched").asInt()).isEqualTo(2);
                assertThat(page.path("total").asInt()).isEqualTo(3);
                assertThat(page.path("counts").path("STALLED").asInt()).isEqualTo(1);
                Answer badSort = call(portB, "GET", "/api/tenants?sort=secret", TOKEN);
                assertThat(badSort.status()).isEqualTo(400);
                assertThat(badSort.json().path("error").asText()).startsWith("sort must be one of");
                JsonNode summary = call(portB, "GET", "/api/summary", TOKEN).json();
                assertThat(summary.path("tenants").asInt()).isEqualTo(3);
                assertThat(summary.path("minutes")).hasSize(60);

                // Refresh (sent to B, acted on by whichever instance owns the tenant) clears the failures.
                assertThat(call(portB, "POST", "/api/tenants/stalled/refresh", TOKEN).status()).isEqualTo(202);
                await("failures cleared", Duration.ofSeconds(15),
                        () -> tenant(portA, "stalled").path("recentFailures").isEmpty());
                assertThat(tenant(portA, "stalled").path("queue").asText()).isEqualTo("STALLED");

                // Retry delivers at once after the endpoint recovers, well inside the 30 s backoff.
                t.receiver.answer("stalled", Reply.ok());
                long start = System.nanoTime();
                assertThat(call(portA, "POST", "/api/tenants/stalled/retry", TOKEN).status()).isEqualTo(202);
                await("delivery after Retry", Duration.ofSeconds(15), () -> t.firstReceipts("stalled").size() == 3);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
                await("stalled shows EMPTY", Duration.ofSeconds(15),
                        () -> "EMPTY".equals(tenant(portB, "stalled").path("queue").asText()));

                // Metrics moved: summed over both instances, whichever delivered.
                String after = call(portA, "GET", "/metrics", TOKEN).body() + call(portB, "GET", "/metrics", TOKEN).body();
                assertThat(metric(after, "webhooks_delivered_total", "healthy") - metric(before, "webhooks_delivered_total", "healthy"))
                        .isEqualTo(5.0);
                assertThat(metric(after, "webhook_attempts_failed_total", "stalled")).isGreaterThanOrEqualTo(1.0);
                assertThat(after).contains("webhook_delivery_latency_seconds_bucket").contains("webhook_batch_size")
                        .contains("kafka_consumer_fetch_manager_records_lag");
                double latencyCount = 0;
                Matcher m = Pattern.compile("^webhook_delivery_latency_seconds_count ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(after);
                while (m.find()) {
                    latencyCount += Double.parseDouble(m.group(1));
                }
                assertThat(latencyCount).isGreaterThanOrEqualTo(8.0); // healthy's 5 and stalled's 3

                // Every endpoint refuses a missing or wrong token, with no data.
                for (String[] endpoint : List.of(new String[] {"GET", "/api/tenants"}, new String[] {"GET", "/api/tenants/healthy"},
                        new String[] {"POST", "/api/tenants/healthy/retry"}, new String[] {"POST", "/api/tenants/healthy/refresh"},
                        new String[] {"GET", "/metrics"})) {
                    for (String token : new String[] {null, "wrong-token-0123456789", TOKEN + "x"}) {
                        Answer refused = call(portA, endpoint[0], endpoint[1], token);
                        assertThat(refused.status()).as("%s %s with %s", endpoint[0], endpoint[1], token).isEqualTo(401);
                        assertThat(refused.body()).doesNotContain("healthy").doesNotContain("webhooks_delivered");
                    }
                }
                // No secret in any answer.
                for (String body : bodies) {
                    for (String tenant : List.of("stalled", "healthy", "backlog")) {
                        assertThat(body).doesNotContain(DispatcherTestHelper.secretOf(tenant));
                    }
                }
            }
        }
    }

    private static List<String> tenantsIn(JsonNode page) {
        List<String> tenants = new ArrayList<>();
        page.path("tenants").forEach(n -> tenants.add(n.path("tenant").asText()));
        return tenants;
    }

}
