package dev.webhookpipeline.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A real HTTP CONNECT egress proxy (what Smokescreen is to a deployment), on an ephemeral port of
 * the address it is given: it reads {@code CONNECT host:port}, opens a TCP connection there
 * (resolving a name itself, as real proxies do), answers {@code 200} and then tunnels bytes both
 * ways until either side closes. Anything but CONNECT is answered {@code 405}; a target it cannot
 * reach, {@code 502}. Each tunnel asked for is recorded with the address of the client that asked.
 */
public final class ConnectProxy implements AutoCloseable {

    /** One CONNECT: the authority it named and where the client connected from. */
    public record Tunnel(String authority, InetAddress client) {}

    private static final int MAX_HEAD = 8 * 1024;

    private final ServerSocket server;
    private final List<Tunnel> tunnels = new ArrayList<>(); // guarded by itself
    private final List<Socket> sockets = new ArrayList<>(); // guarded by itself

    private ConnectProxy(ServerSocket server) {
        this.server = server;
    }

    /** A proxy listening on {@code address} (a loopback address in tests), port 0. */
    public static ConnectProxy start(InetAddress address) {
        try {
            ConnectProxy proxy = new ConnectProxy(new ServerSocket(0, 50, address));
            Thread.ofPlatform().daemon().name("connect-proxy-" + proxy.port()).start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the proxy's port on " + address, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code host:port} to give a client as its proxy. */
    public String hostAndPort() {
        return server.getInetAddress().getHostAddress() + ":" + port();
    }

    public List<Tunnel> tunnels() {
        synchronized (tunnels) {
            return List.copyOf(tunnels);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                track(client);
                Thread.ofVirtual().name("connect-proxy-conn").start(() -> serve(client));
            } catch (IOException e) {
                // closed (the loop ends) or one failed accept
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = new BufferedInputStream(client.getInputStream());
            String[] requestLine = readHead(in).split(" ");
            OutputStream out = client.getOutputStream();
            if (requestLine.length != 3 || !requestLine[0].equals("CONNECT")) {
                answer(out, "405 Method Not Allowed");
                return;
            }
            URI authority = URI.create("tcp://" + requestLine[1]);
            synchronized (tunnels) {
                tunnels.add(new Tunnel(requestLine[1], client.getInetAddress()));
            }
            Socket target = new Socket();
            track(target);
            try {
                target.connect(new InetSocketAddress(authority.getHost(), authority.getPort()), 5_000);
            } catch (IOException e) {
                answer(out, "502 Bad Gateway");
                return;
            }
            out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.ofVirtual().name("connect-proxy-down").start(() -> pipe(() -> target.getInputStream(), out, client, target));
            pipe(() -> in, target.getOutputStream(), client, target);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
        }
    }

    /** The request head up to its blank line; returns the request line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD) {
                throw new IOException("no complete request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n"));
    }

    private static void answer(OutputStream out, String status) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private interface Source {
        InputStream open() throws IOException;
    }

    /** Copies one direction until it ends, then closes both sides (HTTP clients do not half-close). */
    private static void pipe(Source from, OutputStream to, Socket a, Socket b) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.open();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException ended) {
            // the other side closed: this tunnel is over
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    private void track(Socket socket) {
        synchronized (sockets) {
            sockets.add(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
        synchronized (sockets) {
            sockets.forEach(ConnectProxy::closeQuietly);
        }
    }
}
