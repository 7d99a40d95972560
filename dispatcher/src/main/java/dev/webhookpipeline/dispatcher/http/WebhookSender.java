package dev.webhookpipeline.dispatcher.http;

import dev.webhookpipeline.dispatcher.delivery.Attempt;
import dev.webhookpipeline.dispatcher.egress.Egress;
import dev.webhookpipeline.dispatcher.egress.EndpointRefusedException;
import dev.webhookpipeline.dispatcher.egress.JudgedRoutePlanner;
import dev.webhookpipeline.dispatcher.egress.ProxyOnlyDnsResolver;
import dev.webhookpipeline.redaction.EchoMask;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.tenant.SecretHeaderName;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one webhook request and reports the outcome; never throws for anything the endpoint does.
 *
 * <p>Success is 200 (any 2xx when configured), decided by the status line alone. Redirects are not
 * followed (a 3xx is a failure), nothing is retried here (the retry schedule is the dispatcher's),
 * and each request has a hard deadline (5 s batched, 10 s single by default) for its status line,
 * after which it is aborted, however slowly the endpoint dribbles. The response body is never
 * trusted and never waited for: at most {@link #BODY_EXCERPT_BYTES} are read, for {@link #BODY_GRACE}
 * at most, as an excerpt for the status; a body that did not end within them is not drained, its
 * connection is dropped instead. So a 200 with a huge, slow or endless body is a success at once.
 * Blocking: call it from a virtual thread.
 */
public final class WebhookSender implements AutoCloseable {

    public static final int BODY_EXCERPT_BYTES = 512;
    /**
     * How long the body may take to give its excerpt once the status line is in (never past the
     * request's deadline). A body still coming after it costs only its connection, never the outcome.
     */
    static final Duration BODY_GRACE = Duration.ofMillis(250);
    static final String USER_AGENT = "webhook-pipeline/0.1";
    /** Carries the re-delivery request id on a request of re-delivered webhooks. */
    public static final String REDELIVERY_HEADER = "webhook-redelivery";

    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager connections;
    private final ScheduledExecutorService deadlines;
    private final EndpointPolicy policy;
    private final Duration batchTimeout;
    private final Duration singleTimeout;
    private final boolean any2xx;
    private final Clock clock;

    public WebhookSender(EndpointPolicy policy, Duration batchTimeout, Duration singleTimeout, boolean any2xx,
                         int maxConnections, Clock clock) {
        this(policy, Egress.direct(), batchTimeout, singleTimeout, any2xx, maxConnections, clock);
    }

    /** With {@code egress}: through an egress proxy and/or from a bound local address. */
    public WebhookSender(EndpointPolicy policy, Egress egress, Duration batchTimeout, Duration singleTimeout,
                         boolean any2xx, int maxConnections, Clock clock) {
        this.policy = policy;
        this.batchTimeout = batchTimeout;
        this.singleTimeout = singleTimeout;
        this.any2xx = any2xx;
        this.clock = clock;
        Timeout longest = Timeout.of(batchTimeout.compareTo(singleTimeout) > 0 ? batchTimeout : singleTimeout);
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new ProxyOnlyDnsResolver(egress))
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(longest).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofSeconds(Math.min(5, longest.toSeconds())))
                        .setSocketTimeout(longest)
                        .setTimeToLive(Timeout.ofMinutes(5))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setRoutePlanner(new JudgedRoutePlanner(policy, egress))
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent(USER_AGENT)
                .build();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "webhook-deadlines");
            t.setDaemon(true);
            return t;
        });
        // Nearly every deadline is cancelled (the answer came first): without this, each would stay
        // queued until its time — at 10,000 requests/s, 100,000 dead entries for a 10 s timeout.
        timer.setRemoveOnCancelPolicy(true);
        this.deadlines = timer;
    }

    public Duration timeout(boolean batch) {
        return batch ? batchTimeout : singleTimeout;
    }

    public Attempt send(WebhookRequest request) {
        Instant start = clock.instant();
        long started = System.nanoTime();
        Optional<String> refused = policy.checkForm(request.endpoint());
        if (refused.isPresent()) {
            return Attempt.failed(-1, "endpoint refused: " + refused.get(), start, 0);
        }
        // The config topic can be written around webhookctl: the header rule holds here too.
        Optional<String> badHeader = Optional.ofNullable(request.secretHeader()).flatMap(SecretHeaderName::problem);
        if (badHeader.isPresent()) {
            return Attempt.failed(-1, badHeader.get(), start, 0);
        }
        Duration timeout = timeout(request.batch());
        HttpPost post = new HttpPost(request.endpoint());
        post.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout))
                .setConnectionRequestTimeout(Timeout.of(timeout)).setRedirectsEnabled(false).build());
        byte[] body = request.body().getBytes(StandardCharsets.UTF_8); // encoded once: sent and signed as is
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        if (request.secretHeader() == null) {
            post.setHeader("Authorization", "Bearer " + request.secret());
        } else {
            post.setHeader(request.secretHeader(), request.secret());
        }
        String messageId = request.firstId() == request.lastId() ? Long.toString(request.firstId())
                : request.firstId() + "-" + request.lastId();
        long timestamp = start.getEpochSecond();
        post.setHeader("webhook-id", messageId);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", Signature.sign(request.signingSecrets(), messageId, timestamp, body));
        if (request.redelivery() != null) {
            post.setHeader(REDELIVERY_HEADER, request.redelivery()); // same ids as before: tells a deduplicating receiver why
        }
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeout.toMillis(), TimeUnit.MILLISECONDS);
        CloseableHttpResponse response;
        try {
            response = client.execute(post);
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            long millis = (System.nanoTime() - started) / 1_000_000;
            return Attempt.failed(-1, describe(e, post.isCancelled(), timeout), start, millis);
        }
        // The status line decides; the body is only an excerpt for the operator, and never a
        // reason to wait: it gets BODY_GRACE (never past the deadline) to give its first bytes.
        int status = response.getCode();
        Supplier<String> excerpt; // masked only when a failure needs it: a 200's body is never looked at
        try {
            long left = timeout.toNanos() - (System.nanoTime() - started);
            deadline.cancel(false);
            deadline = deadlines.schedule(post::cancel, Math.max(0, Math.min(left, BODY_GRACE.toNanos())), TimeUnit.NANOSECONDS);
            excerpt = excerptAndRelease(response, post, request.signingSecrets());
        } finally {
            deadline.cancel(false);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (status == 200 || (any2xx && status / 100 == 2)) {
            return Attempt.delivered(status, start, millis);
        }
        String what = status / 100 == 3 ? "redirect (not followed)" : "HTTP " + status;
        String shown = excerpt.get();
        return Attempt.failed(status, what + (shown.isEmpty() ? "" : ": " + shown), start, millis);
    }

    /**
     * Reads at most {@link #BODY_EXCERPT_BYTES} of the body and lets the response go. A body that
     * ended within them leaves its connection to the pool; any other (longer, slower, endless, cut
     * off by the grace period or broken) is not drained: its connection is closed and discarded
     * ({@code close(IMMEDIATE)} skips the draining that a graceful close does). Never throws. The
     * excerpt is made (cleaned and masked) when asked for.
     */
    private static Supplier<String> excerptAndRelease(CloseableHttpResponse response, HttpPost post, List<String> secrets) {
        HttpEntity entity = response.getEntity();
        byte[] bytes = new byte[BODY_EXCERPT_BYTES + 1]; // one more: did the body end within the excerpt?
        int read = 0;
        boolean ended = true;
        if (entity != null) {
            try {
                InputStream in = entity.getContent(); // not closed: closing it would drain the rest
                int n = 0;
                while (in != null && read < bytes.length && (n = in.read(bytes, read, bytes.length - read)) >= 0) {
                    read += n;
                }
                // At its end the stream has handed the connection back to the pool by itself.
                ended = in == null || (n < 0 && !post.isCancelled());
            } catch (IOException | RuntimeException e) {
                ended = false; // cut off by the grace period or by the endpoint: what came is the excerpt
            }
        }
        if (ended) {
            try {
                response.close();
            } catch (IOException e) {
                response.close(CloseMode.IMMEDIATE);
            }
        } else {
            response.close(CloseMode.IMMEDIATE); // closes and discards the connection; nothing drained
        }
        int length = Math.min(read, BODY_EXCERPT_BYTES);
        return () -> excerpt(bytes, length, secrets.toArray(String[]::new));
    }

    /**
     * The start of the response body, as one line of printable text, with any echo of a secret
     * (current or previous) masked ({@link EchoMask}: runs of it, escaped or encoded, also where the
     * excerpt cuts it off).
     */
    static String excerpt(byte[] bytes, int length, String... secrets) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}]+", " ").strip();
        text = EchoMask.mask(text, Arrays.asList(secrets));
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String describe(Exception e, boolean cancelled, Duration timeout) {
        if (cancelled || e instanceof SocketTimeoutException) {
            return "timeout: no complete answer within " + timeout.toSeconds() + " s";
        }
        if (e.getCause() instanceof EndpointRefusedException refused) {
            return "endpoint refused: " + refused.getMessage(); // DNS failure or the policy's refusal
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoHttpResponseException) {
            return "connection closed without a response";
        }
        if (e instanceof SocketException) {
            return "connection reset";
        }
        if (e instanceof SSLException) {
            return "TLS error: " + e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        client.close();
    }
}
