package dev.webhookpipeline.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on an ephemeral loopback port in front of a real HTTP service (the schema registry),
 * that a test switches {@link #down} and {@link #up} to give one client an outage of that service
 * while the service itself keeps running and keeps its state — the test registry is in-memory, so a
 * restart would lose its schemas. Point only the client under test at {@link #url()}; everyone else
 * keeps using the service directly.
 *
 * <p>Up, every connection is piped to the upstream byte for byte. Going down cuts (resets) every
 * connection open through the proxy, so a client's pooled keep-alive connections fail too; while
 * down, each new connection is turned away as the {@link Outage} says. The listening port stays
 * bound throughout, so coming back up needs no rebind.
 *
 * <pre>{@code
 * try (OutageProxy proxy = OutageProxy.inFrontOf(services.schemaRegistryUrl())) {
 *     client = SchemaRegistryClient.builder(proxy.url()).build();
 *     proxy.down(OutageProxy.Outage.RESET); ... proxy.up();
 * }
 * }</pre>
 */
public final class OutageProxy implements AutoCloseable {

    /** How connections are turned away while the proxy is down. */
    public enum Outage {
        /**
         * Accepted and reset at once (TCP RST, nothing read or answered): what a client sees of a
         * service whose process died or of a network partition. Java's HTTP client fails with an
         * {@link IOException} (connection reset, or closed before any answer).
         */
        RESET,
        /**
         * The request is read and answered {@code 503 Service Unavailable} with {@code Connection:
         * close}: a load balancer with no healthy instance behind it.
         */
        HTTP_503
    }

    private record Link(Socket client, Socket upstream) {}

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final String url;
    private final Thread acceptor;
    private final Set<Link> open = new HashSet<>(); // guarded by this
    private Outage outage; // null while up; guarded by this
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger turnedAway = new AtomicInteger();

    private OutageProxy(ServerSocket server, InetSocketAddress upstream, String url) {
        this.server = server;
        this.upstream = upstream;
        this.url = url;
        this.acceptor = new Thread(this::acceptLoop, "outage-proxy-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /**
     * A proxy, up, in front of the host and port of {@code serviceUrl} (e.g. the registry's
     * {@code http://127.0.0.1:8081/apis/ccompat/v7}); {@link #url()} is the same URL through the proxy.
     */
    public static OutageProxy inFrontOf(String serviceUrl) {
        URI service = URI.create(serviceUrl);
        if (service.getHost() == null || service.getPort() < 0) {
            throw new IllegalArgumentException("need a URL with a host and an explicit port, got " + serviceUrl);
        }
        try {
            ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            String url = new URI(service.getScheme(), service.getUserInfo(), InetAddress.getLoopbackAddress().getHostAddress(),
                    server.getLocalPort(), service.getPath(), service.getQuery(), service.getFragment()).toString();
            OutageProxy proxy = new OutageProxy(server, new InetSocketAddress(service.getHost(), service.getPort()), url);
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the proxy's loopback port", e);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The service URL given to {@link #inFrontOf}, through this proxy. */
    public String url() {
        return url;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Starts the outage: cuts every open connection and turns new ones away as {@code how} says. */
    public void down(Outage how) {
        synchronized (this) {
            outage = how;
            for (Link link : open) {
                reset(link.client());
                closeQuietly(link.upstream());
            }
            open.clear();
        }
    }

    /** Ends the outage: new connections reach the service again. */
    public synchronized void up() {
        outage = null;
    }

    public synchronized boolean isUp() {
        return outage == null;
    }

    /** Connections piped to the service so far. */
    public int passed() {
        return passed.get();
    }

    /** Connections turned away while down so far (each attempt of a client that retries counts). */
    public int turnedAway() {
        return turnedAway.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue; // closed (the loop ends) or one failed accept
            }
            Thread.ofVirtual().name("outage-proxy-conn").start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Outage now;
        synchronized (this) {
            now = outage;
        }
        if (now != null) {
            turnAway(client, now);
            return;
        }
        Socket service = new Socket();
        try {
            service.connect(upstream, 5_000);
        } catch (IOException e) {
            closeQuietly(service);
            reset(client); // the service itself is gone: the client sees that, as it would without the proxy
            return;
        }
        Link link = new Link(client, service);
        synchronized (this) {
            now = outage;
            if (now == null) {
                open.add(link);
            }
        }
        if (now != null) { // went down while connecting
            closeQuietly(service);
            turnAway(client, now);
            return;
        }
        passed.incrementAndGet();
        Thread.ofVirtual().name("outage-proxy-pipe").start(() -> pipe(service, client, link));
        pipe(client, service, link);
    }

    /** Copies one direction until it ends, then closes both sides (HTTP clients do not half-close). */
    private void pipe(Socket from, Socket to, Link link) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ended) {
            // cut by down(), or the other side closed: either way this link is over
        } finally {
            synchronized (this) {
                open.remove(link);
            }
            closeQuietly(link.client());
            closeQuietly(link.upstream());
        }
    }

    private void turnAway(Socket client, Outage how) {
        turnedAway.incrementAndGet();
        if (how == Outage.RESET) {
            reset(client);
            return;
        }
        try (client) {
            client.setSoTimeout(5_000);
            InputStream in = new BufferedInputStream(client.getInputStream());
            long contentLength = readHead(in);
            in.skipNBytes(contentLength);
            byte[] body = "{\"error_code\":50301,\"message\":\"outage simulated by the test's proxy\"}"
                    .getBytes(StandardCharsets.UTF_8);
            OutputStream out = client.getOutputStream();
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the client went away first
        }
    }

    /** Reads a request's head up to the blank line; returns its Content-Length (0 without one). */
    private static long readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && head.length() < 64 * 1024) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // close() then sends RST, not FIN
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** Stops accepting and cuts every open connection. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        down(Outage.RESET);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
