package dev.webhookpipeline.dispatcher.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.TestSecrets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outcome of a request is decided by its status line: a body that is huge, slow or endless
 * neither turns a 200 into a failure nor holds the request until its deadline. A real HTTP server
 * (the JDK's) plays the endpoints.
 */
class WebhookSenderTest {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** "Promptly": well within the request's deadline. */
    static final Duration PROMPTLY = TIMEOUT.dividedBy(2);
    static final int HUGE = 50 * 1024 * 1024;
    static final String SECRET = TestSecrets.remember("sender test tenant", "s3cret-of-the-sender-test-0123456789");

    HttpServer server;
    WebhookSender sender;
    /** Released when the test ends: endpoints that "never end" wait on it, bounded. */
    final CountDownLatch testOver = new CountDownLatch(1);
    /** Bytes each endpoint managed to write into its response body before it stopped. */
    final ConcurrentHashMap<String, AtomicLong> written = new ConcurrentHashMap<>();
    /** Endpoints whose handler has returned. */
    final ConcurrentHashMap<String, Boolean> finished = new ConcurrentHashMap<>();
    final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    /** The Host header of each request, by endpoint. */
    final ConcurrentHashMap<String, String> hostHeaders = new ConcurrentHashMap<>();

    interface Body {
        void write(OutputStream out, AtomicLong written) throws IOException, InterruptedException;
    }

    void endpoint(String path, int status, long contentLength, Body body) {
        server.createContext("/" + path, exchange -> {
            AtomicLong count = written.computeIfAbsent(path, p -> new AtomicLong());
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                clientPorts.add(exchange.getRemoteAddress().getPort());
                hostHeaders.put(path, exchange.getRequestHeaders().getFirst("Host"));
                exchange.sendResponseHeaders(status, contentLength); // 0: chunked, length unknown
                OutputStream out = exchange.getResponseBody();
                body.write(out, count);
                out.flush();
            } catch (IOException e) {
                // the client went away: what a sender that stops reading does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                finished.put(path, true);
            }
        });
    }

    /** Writes {@code bytes} until {@code total} are written (or forever when negative), flushing each. */
    static void stream(OutputStream out, AtomicLong written, byte[] bytes, long total) throws IOException {
        while (total < 0 || written.get() < total) {
            int n = (int) (total < 0 ? bytes.length : Math.min(bytes.length, total - written.get()));
            out.write(bytes, 0, n);
            out.flush();
            written.addAndGet(n);
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        byte[] failure = ("database down " + SECRET + " ").getBytes(StandardCharsets.UTF_8);

        endpoint("endless", 200, 0, (out, n) -> stream(out, n, chunk, -1));
        endpoint("huge", 200, HUGE, (out, n) -> stream(out, n, chunk, HUGE));
        endpoint("slow", 200, 0, (out, n) -> {
            // One byte every 100 ms: the excerpt alone would take 51 s. The pause is the endpoint's
            // behaviour, not a synchronisation; it ends when the client goes away or the test ends.
            while (!testOver.await(100, TimeUnit.MILLISECONDS)) {
                out.write('x');
                out.flush();
                n.incrementAndGet();
            }
        });
        endpoint("failing-huge", 500, HUGE + failure.length, (out, n) -> {
            out.write(failure);
            n.addAndGet(failure.length);
            stream(out, n, chunk, HUGE + failure.length);
        });
        endpoint("failing-endless", 503, 0, (out, n) -> {
            out.write(failure);
            out.flush();
            n.addAndGet(failure.length);
            testOver.await(30, TimeUnit.SECONDS); // says why, then never finishes its body
        });
        endpoint("ok", 200, 2, (out, n) -> out.write("ok".getBytes(StandardCharsets.UTF_8)));
        server.start();
        sender = new WebhookSender(EndpointPolicy.localDevelopment(), TIMEOUT, TIMEOUT, false, 4, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws IOException {
        testOver.countDown();
        sender.close();
        server.stop(0);
    }

    Attempt send(String path) {
        return send(sender, "127.0.0.1", path, null);
    }

    Attempt send(WebhookSender through, String host, String path, String secretHeader) {
        String url = "http://" + host + ":" + server.getAddress().getPort() + "/" + path;
        return through.send(new WebhookRequest("acme", url, SECRET, secretHeader, false, 1, 1, "{\"webhook_id\":1}"));
    }

    /** A sender whose policy resolves names with {@code dns} and allows only {@code allowed}. */
    static WebhookSender senderWith(List<String> allowed, EndpointPolicy.HostResolver dns) {
        return new WebhookSender(new EndpointPolicy(true, allowed, dns), TIMEOUT, TIMEOUT, false, 4, Clock.systemUTC());
    }

    /** {@code ::ffff:<ipv4>} as a DNS server can answer it: an IPv6 address, which Java does not turn into IPv4. */
    static InetAddress mapped(String ipv4) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, bytes, 12, 4);
        return Inet6Address.getByAddress(null, bytes, -1);
    }

    record Timed(Attempt attempt, Duration took) {}

    Timed timed(String path) {
        long start = System.nanoTime();
        Attempt attempt = send(path);
        return new Timed(attempt, Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aTwoHundredWhoseBodyNeverEndsIsASuccessPromptly() {
        Timed result = timed("endless");
        assertThat(result.attempt().delivered()).as("%s", result.attempt()).isTrue();
        assertThat(result.attempt().status()).isEqualTo(200);
        assertThat(result.took()).isLessThan(PROMPTLY);
        Await.until("the endless endpoint sees the connection closed", PROMPTLY, () -> finished.containsKey("endless"));
    }

    @Test
    void aTwoHundredWhoseBodyIsVerySlowIsASuccessPromptly() {
        Timed result = timed("slow");
        assertThat(result.attempt().delivered()).as("%s", result.attempt()).isTrue();
        assertThat(result.took()).isLessThan(PROMPTLY);
        Await.until("the slow endpoint sees the connection closed", TIMEOUT, () -> finished.containsKey("slow"));
        assertThat(written.get("slow").get()).as("bytes the slow endpoint wrote").isLessThan(WebhookSender.BODY_EXCERPT_BYTES);
    }

    @Test
    void aTwoHundredWithAFiftyMegabyteBodyIsASuccessAndTheRestIsNotRead() {
        Timed result = timed("huge");
        assertThat(result.attempt().delivered()).as("%s", result.attempt()).isTrue();
        assertThat(result.took()).isLessThan(PROMPTLY);
        Await.until("the huge endpoint stops writing", TIMEOUT, () -> finished.containsKey("huge"));
        // The connection was dropped, not drained: the endpoint could not write all 50 MB.
        assertThat(written.get("huge").get()).isLessThan(HUGE);
    }

    @Test
    void aFailureWithAHugeBodyShowsItsExcerptPromptly() {
        Timed result = timed("failing-huge");
        assertThat(result.attempt().delivered()).isFalse();
        assertThat(result.attempt().status()).isEqualTo(500);
        assertThat(result.attempt().error()).startsWith("HTTP 500: database down **** xxx").doesNotContain(SECRET);
        assertThat(result.attempt().error().length()).isLessThanOrEqualTo("HTTP 500: ".length() + 201);
        assertThat(result.took()).isLessThan(PROMPTLY);
        Await.until("the failing endpoint stops writing", TIMEOUT, () -> finished.containsKey("failing-huge"));
        assertThat(written.get("failing-huge").get()).isLessThan(HUGE);
    }

    @Test
    void aFailureWhoseBodyNeverEndsShowsWhatCameAndKeepsItsStatus() {
        Timed result = timed("failing-endless");
        assertThat(result.attempt().delivered()).isFalse();
        assertThat(result.attempt().status()).isEqualTo(503);
        assertThat(result.attempt().error()).isEqualTo("HTTP 503: database down ****");
        assertThat(result.took()).isLessThan(PROMPTLY);
    }

    @Test
    void aCompleteSmallBodyKeepsTheConnectionForTheNextRequest() {
        assertThat(send("ok").delivered()).isTrue();
        assertThat(send("ok").delivered()).isTrue();
        assertThat(clientPorts).hasSize(2);
        assertThat(clientPorts.get(1)).as("the second request reuses the first one's connection").isEqualTo(clientPorts.get(0));
    }

    @Test
    void aConnectionDroppedMidBodyIsNotReusedAndTheNextRequestWorks() {
        assertThat(send("endless").delivered()).isTrue();
        assertThat(send("ok").delivered()).isTrue();
        assertThat(clientPorts).hasSize(2);
        assertThat(clientPorts.get(1)).as("a fresh connection after one left mid-body").isNotEqualTo(clientPorts.get(0));
    }

    @Test
    void aHostileDnsAnswerAtConnectTimeIsRefusedAndNothingIsConnected() throws Exception {
        InetAddress[] answer = {mapped("127.0.0.1")}; // connects to IPv4 loopback
        try (WebhookSender strict = senderWith(List.of(), host -> host.equals("hooks.example.com") ? answer : null)) {
            Attempt attempt = send(strict, "hooks.example.com", "ok", null);
            assertThat(attempt.delivered()).isFalse();
            assertThat(attempt.error()).startsWith("endpoint refused: endpoint host hooks.example.com resolves to a loopback"
                    + " address 127.0.0.1 (inside the IPv4-mapped address");
            assertThat(clientPorts).as("connections that reached the endpoint").isEmpty();
        }
    }

    @Test
    void aNameIsConnectedAtTheAddressJudgedAndARebindingIsRefusedAtTheNextRequest() throws Exception {
        AtomicLong lookups = new AtomicLong();
        InetAddress[] first = {InetAddress.getByName("127.0.0.1")};
        InetAddress[] later = {mapped("169.254.169.254")};
        try (WebhookSender judged = senderWith(List.of("127.0.0.1/32"),
                host -> lookups.incrementAndGet() == 1 ? first : later)) {
            assertThat(send(judged, "receiver.example", "ok", null).delivered()).isTrue();
            assertThat(hostHeaders.get("ok")).as("the Host header keeps the name")
                    .isEqualTo("receiver.example:" + server.getAddress().getPort());
            Attempt rebound = send(judged, "receiver.example", "ok", null);
            assertThat(rebound.delivered()).isFalse();
            assertThat(rebound.error()).contains("link-local (cloud metadata) address 169.254.169.254");
            assertThat(clientPorts).as("only the first request reached the endpoint").hasSize(1);
        }
    }

    @Test
    void aReservedSecretHeaderFromATopicWrittenAroundTheRulesIsNeverSent() {
        Attempt attempt = send(sender, "127.0.0.1", "ok", "Host");
        assertThat(attempt.delivered()).isFalse();
        assertThat(attempt.error()).contains("secret header 'Host' is reserved").doesNotContain(SECRET);
        assertThat(clientPorts).isEmpty();
        assertThat(send(sender, "127.0.0.1", "ok", "X-Webhook-Secret").delivered()).isTrue();
    }
}
