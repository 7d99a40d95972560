package dev.webhookpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.testsupport.OutageProxy.Outage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy in front of a real loopback HTTP server, through a real HTTP client that pools connections. */
class OutageProxyTest {

    private static HttpResponse<String> post(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void passesThroughWhileUpAndTurnsAwayWhileDownAsTold() throws Exception {
        try (RecordingReceiver service = RecordingReceiver.start();
             OutageProxy proxy = OutageProxy.inFrontOf(service.url("api"));
             HttpClient http = HttpClient.newHttpClient()) {
            assertThat(proxy.url()).isEqualTo("http://127.0.0.1:" + proxy.port() + "/api");

            assertThat(post(http, proxy.url()).statusCode()).isEqualTo(200);
            assertThat(service.received("api")).hasSize(1);

            // The client's pooled keep-alive connection is cut too: nothing reaches the service.
            proxy.down(Outage.RESET);
            assertThat(proxy.isUp()).isFalse();
            assertThatThrownBy(() -> post(http, proxy.url())).isInstanceOf(IOException.class);
            // And a new connection is refused: counted by the proxy's own thread, after the client saw the reset.
            try (HttpClient fresh = HttpClient.newHttpClient()) {
                assertThatThrownBy(() -> post(fresh, proxy.url())).isInstanceOf(IOException.class);
            }
            Await.until("the proxy counts the connection it turned away", Duration.ofSeconds(5),
                    () -> proxy.turnedAway() > 0);

            proxy.down(Outage.HTTP_503);
            HttpResponse<String> unavailable = post(http, proxy.url());
            assertThat(unavailable.statusCode()).isEqualTo(503);
            assertThat(unavailable.body()).contains("50301");
            assertThat(service.received("api")).hasSize(1);

            proxy.up();
            assertThat(post(http, proxy.url()).statusCode()).isEqualTo(200);
            assertThat(service.received("api")).hasSize(2);
            assertThat(proxy.passed()).isGreaterThanOrEqualTo(2);
        }
    }
}
