package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dispatcher instance whose reader stopped is unhealthy, and says so: the service is no longer
 * running, the health endpoint answers 503 naming the part, and the process's supervision loop
 * exits with 1 so that its orchestrator restarts it.
 */
@ExtendWith(RealServicesExtension.class)
class ReaderHealthIT {

    static final String TOKEN = TestSecrets.remember("operator token", "operator-token-0123456789");
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> health(DispatcherService service, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.adminPort() + "/api/health"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anInstanceWhoseReaderStoppedReportsItselfUnhealthyAndItsProcessExits(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "health")) {
            var metrics = DispatcherService.metricsRegistry();
            var admin = Optional.of(new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN)));
            try (DispatcherService service = new DispatcherService(t.config().meterRegistry(metrics).build(), admin, metrics)
                    .start(admin)) {
                assertThat(service.isRunning()).isTrue();
                assertThat(service.stopped()).isEmpty();
                HttpResponse<String> up = health(service, TOKEN);
                assertThat(up.statusCode()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(up.body()).path("status").asText()).isEqualTo("UP");
                assertThat(health(service, null).statusCode()).as("no token, no answer").isEqualTo(401);

                // The process's supervision loop, as DispatcherMain runs it after start.
                var main = Executors.newVirtualThreadPerTaskExecutor();
                Future<Integer> exit = main.submit(() -> DispatcherMain.supervise(service, new AtomicBoolean(),
                        new CountDownLatch(1), Duration.ofMillis(50)));

                // The delivery-state reader stops (closed under the service's feet, as any death
                // that its reader could not survive would leave it).
                service.status().close();
                await("the service notices", Duration.ofSeconds(10), () -> !service.isRunning());
                assertThat(service.stopped()).containsExactly("delivery-state reader");
                assertThat(exit.get(10, TimeUnit.SECONDS)).as("exit code").isEqualTo(1);
                main.shutdown();

                HttpResponse<String> down = health(service, TOKEN);
                assertThat(down.statusCode()).isEqualTo(503);
                JsonNode body = new ObjectMapper().readTree(down.body());
                assertThat(body.path("status").asText()).isEqualTo("DOWN");
                assertThat(body.path("stopped").get(0).asText()).isEqualTo("delivery-state reader");
            }
        }
    }

    @Test
    void aStopRequestedByTheProcessExitsWithZero(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "health-stop")) {
            var metrics = DispatcherService.metricsRegistry();
            try (DispatcherService service = new DispatcherService(t.config().meterRegistry(metrics).build(),
                    Optional.empty(), metrics).start(Optional.empty())) {
                CountDownLatch stopped = new CountDownLatch(1);
                AtomicBoolean stopping = new AtomicBoolean();
                var main = Executors.newVirtualThreadPerTaskExecutor();
                Future<Integer> exit = main.submit(() -> DispatcherMain.supervise(service, stopping, stopped, Duration.ofMillis(50)));
                stopping.set(true); // what the shutdown hook does before it closes the service
                service.status().close();
                stopped.countDown();
                assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
                main.shutdown();
            }
        }
    }
}
