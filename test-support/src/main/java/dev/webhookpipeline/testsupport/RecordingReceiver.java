package dev.webhookpipeline.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP server on loopback that stands in for tenants' endpoints: each tenant gets a path,
 * every request is recorded (headers, body, time), and each path answers as told — 200 by default,
 * or any {@link Reply}: another status, a slow or hanging answer, a dropped connection, a huge body.
 */
public final class RecordingReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How to answer the n-th request (1-based) to a path. */
    public record Reply(int status, String body, Duration delay, boolean dropConnection) {
        public static Reply ok() {
            return new Reply(200, "ok", Duration.ZERO, false);
        }

        public static Reply status(int status) {
            return new Reply(status, "status " + status, Duration.ZERO, false);
        }

        public static Reply hang(Duration delay) {
            return new Reply(200, "late", delay, false);
        }

        public static Reply drop() {
            return new Reply(-1, "", Duration.ZERO, true);
        }

        public Reply withBody(String text) {
            return new Reply(status, text, delay, dropConnection);
        }

        public Reply after(Duration wait) {
            return new Reply(status, body, wait, dropConnection);
        }
    }

    /** One request as received, and the address it came from. */
    public record Received(String path, Map<String, List<String>> headers, String body, long receivedAtNanos,
                           InetAddress from) {
        public String header(String name) {
            for (var entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }

        /** The webhooks of the body: one object, or each element of a batch array. */
        public List<JsonNode> webhooks() {
            try {
                JsonNode node = JSON.readTree(body);
                List<JsonNode> out = new ArrayList<>();
                if (node.isArray()) {
                    node.forEach(out::add);
                } else {
                    out.add(node);
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public List<Long> ids() {
            return webhooks().stream().map(w -> w.get("id").asLong()).toList();
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>(); // guarded by itself
    private final Map<String, IntFunction<Reply>> behaviours = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    private RecordingReceiver(HttpServer server) {
        this.server = server;
    }

    public static RecordingReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
            RecordingReceiver receiver = new RecordingReceiver(server);
            server.createContext("/", receiver::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a hanging answer blocks no other
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the loopback receiver", e);
        }
    }

    /** {@code http://127.0.0.1:<port>/<path>} */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
    }

    /** Sets how a path answers from now on; the function gets the request's number on that path. */
    public void behave(String path, IntFunction<Reply> behaviour) {
        behaviours.put("/" + path, behaviour);
    }

    public void answer(String path, Reply reply) {
        behave(path, n -> reply);
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<Received> received(String path) {
        return received().stream().filter(r -> r.path().equals("/" + path)).toList();
    }

    /** Number of requests so far, without copying them. */
    public int count() {
        synchronized (received) {
            return received.size();
        }
    }

    /** Ids of the webhooks of every request to the path that was answered 200, in arrival order. */
    public List<Long> acceptedIds(String path) {
        return received(path).stream().filter(r -> "200".equals(r.header("X-Test-Answered"))).flatMap(r -> r.ids().stream())
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int n = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Reply reply = behaviours.getOrDefault(path, i -> Reply.ok()).apply(n);
        Map<String, List<String>> headers = new HashMap<>(exchange.getRequestHeaders());
        headers.put("X-Test-Answered", List.of(reply.dropConnection() ? "dropped" : Integer.toString(reply.status())));
        synchronized (received) {
            received.add(new Received(path, Map.copyOf(headers), body, at, exchange.getRemoteAddress().getAddress()));
        }
        try {
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis()); // the endpoint being slow is what is under test
            }
            if (reply.dropConnection()) {
                exchange.close();
                return;
            }
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
