package dev.webhookpipeline.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The benchmarks' loopback endpoint: a bare Jetty handler that reads each body, counts its webhooks
 * (one {@code "event_id"} each) and answers 200 — or 503 under {@code /down/}, an endpoint that is
 * down; under {@code /slow/} it answers 200 after {@link #SLOW} (without holding a thread), like a
 * real endpoint, and counts the webhooks then. Far lighter than the tests' {@code RecordingReceiver} (which keeps every request), so the
 * receiver is not what the dispatcher figures measure. When a latency probe is set, every
 * webhook's receipt is matched to its send time by event id.
 */
final class CountingReceiver implements AutoCloseable {

    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_ID = "\"event_id\":\"".getBytes(StandardCharsets.US_ASCII);

    /** How long an endpoint under {@code /slow/} takes to answer. */
    static final Duration SLOW = Duration.ofMillis(20);

    private final Server server;
    private final ScheduledExecutorService slowAnswers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "receiver-slow-answers");
        t.setDaemon(true);
        return t;
    });
    private final LongAdder refused = new LongAdder();
    private final AtomicLong webhooks = new AtomicLong();
    private final AtomicLong firstAt = new AtomicLong();
    private final AtomicLong doneAt = new AtomicLong();
    private final AtomicLong halfAt = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile LatencyProbe probe;

    /** Send times by event id; the receiver records each webhook's latency the first time it arrives. */
    static final class LatencyProbe {
        final Map<String, Long> sentAtNanos = new ConcurrentHashMap<>();
        final long[] latenciesNanos;
        final AtomicLong recorded = new AtomicLong();
        /** Wall-clock send and arrival times by event id, to split the latency at the router's {@code routed_at}. */
        final Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
        final Map<String, Long> arrivedAtMillis = new ConcurrentHashMap<>();

        LatencyProbe(int capacity) {
            latenciesNanos = new long[capacity];
        }

        void sent(String eventId) {
            sentAtMillis.put(eventId, System.currentTimeMillis());
            sentAtNanos.put(eventId, System.nanoTime());
        }

        void received(String eventId, long atNanos) {
            Long sent = sentAtNanos.remove(eventId);
            if (sent != null) {
                arrivedAtMillis.put(eventId, System.currentTimeMillis());
                long i = recorded.getAndIncrement();
                if (i < latenciesNanos.length) {
                    latenciesNanos[(int) i] = atNanos - sent;
                }
            }
        }
    }

    private CountingReceiver(Server server) {
        this.server = server;
    }

    static CountingReceiver start() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(400, 8);
        threads.setName("receiver");
        Server server = new Server(threads);
        CountingReceiver receiver = new CountingReceiver(server);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                receiver.handle(request, response, callback);
                return true;
            }
        });
        server.start();
        return receiver;
    }

    String url(String path) {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/" + path;
    }

    /** Starts counting afresh towards {@code webhooks} accepted webhooks. */
    void expect(long webhooks, LatencyProbe latencyProbe) {
        this.target = Long.MAX_VALUE;
        this.webhooks.set(0);
        refused.reset();
        firstAt.set(0);
        doneAt.set(0);
        halfAt.set(0);
        this.probe = latencyProbe;
        this.target = webhooks;
    }

    long webhooks() {
        return webhooks.get();
    }

    /** Seconds the second half of the expected webhooks took: the steady state, past start-up and warm-up. */
    double secondHalfSeconds() {
        return (doneAt.get() - halfAt.get()) / 1e9;
    }

    /** {@link System#nanoTime} when the expected count was reached; 0 until then. */
    long doneAtNanos() {
        return doneAt.get();
    }

    long refused() {
        return refused.sum();
    }

    /**
     * Waits until the expected webhooks arrived; returns seconds from the first accepted request to
     * the one that completed the count. Prints progress every 5 s.
     */
    double awaitExpected(String what, Duration timeout) throws InterruptedException {
        return awaitExpected(what, timeout, () -> true);
    }

    /** {@link #awaitExpected(String, Duration)}, failing at once when {@code sender} says the sender is gone. */
    double awaitExpected(String what, Duration timeout, BooleanSupplier sender) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        while (doneAt.get() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s: only %,d of %,d webhooks arrived within %s",
                        what, webhooks.get(), target, timeout));
            }
            Thread.sleep(10);
            if (!sender.getAsBoolean() && doneAt.get() == 0) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s: the sender stopped after %,d of %,d webhooks",
                        what, webhooks.get(), target));
            }
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                BenchmarkMain.progress(String.format(Locale.ROOT, "%s: %,d of %,d webhooks arrived", what, webhooks.get(), target));
                lastReport = System.nanoTime();
            }
        }
        return (doneAt.get() - firstAt.get()) / 1e9;
    }

    private void handle(Request request, Response response, Callback callback) throws Exception {
        ByteBuffer body = Content.Source.asByteBuffer(request);
        long now = System.nanoTime();
        boolean down = Request.getPathInContext(request).startsWith("/down/");
        if (down) {
            refused.increment();
            response.setStatus(503);
            response.write(true, ByteBuffer.wrap("down".getBytes(StandardCharsets.US_ASCII)), callback);
            return;
        }
        int count = countWebhooks(body, now);
        if (Request.getPathInContext(request).startsWith("/slow/")) {
            slowAnswers.schedule(() -> accept(count, System.nanoTime(), response, callback), SLOW.toNanos(),
                    TimeUnit.NANOSECONDS);
        } else {
            accept(count, now, response, callback);
        }
    }

    /** Counts the webhooks as delivered and answers 200. */
    private void accept(int count, long now, Response response, Callback callback) {
        firstAt.compareAndSet(0, now);
        long total = webhooks.addAndGet(count);
        if (total >= target / 2 && halfAt.get() == 0) {
            halfAt.compareAndSet(0, now);
        }
        if (total >= target && doneAt.get() == 0) {
            doneAt.compareAndSet(0, now);
        }
        response.setStatus(200);
        response.write(true, ByteBuffer.wrap(OK), callback);
    }

    /** One webhook per {@code "event_id":"}; with a probe, each one's latency by its event id. */
    private int countWebhooks(ByteBuffer body, long now) {
        LatencyProbe latency = probe;
        int count = 0;
        int limit = body.limit() - EVENT_ID.length;
        outer:
        for (int i = body.position(); i <= limit; i++) {
            for (int j = 0; j < EVENT_ID.length; j++) {
                if (body.get(i + j) != EVENT_ID[j]) {
                    continue outer;
                }
            }
            count++;
            int start = i + EVENT_ID.length;
            if (latency != null && start + 36 <= body.limit()) {
                byte[] id = new byte[36];
                body.get(start, id);
                latency.received(new String(id, StandardCharsets.US_ASCII), now);
            }
            i = start + 35;
        }
        return count;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        slowAnswers.shutdownNow();
    }
}
