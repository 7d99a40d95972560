package dev.webhookpipeline.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A sample tenant endpoint: prints one line per webhook it receives and answers 200 when the
 * {@code Authorization: Bearer <secret>} header carries the tenant's secret, 401 otherwise. The local
 * launcher runs it in-process for {@code demo}; docker-compose runs it as the {@code receiver} service.
 */
@Command(name = "demo-receiver", mixinStandardHelpOptions = true,
        description = {"A sample webhook endpoint: prints each webhook it receives and checks the bearer secret."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:could not start (e.g. the port is in use)", "2:invalid command line"})
public final class DemoReceiver implements AutoCloseable, Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "Port to listen on (default 8080; 0 = any free port).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 in a container).")
    String bind;

    @Option(names = "--path", paramLabel = "PATH", defaultValue = "/webhooks", description = "Path webhooks are POSTed to.")
    String path;

    private byte[] expectedSecret;
    private PrintStream out = System.out;
    private HttpServer server;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** Starts a receiver on loopback that prints to {@code out}; the launcher's in-process demo endpoint. */
    public static DemoReceiver start(int port, String secret, PrintStream out) throws IOException {
        DemoReceiver receiver = new DemoReceiver();
        receiver.port = port;
        receiver.bind = InetAddress.getLoopbackAddress().getHostAddress();
        receiver.path = "/webhooks";
        receiver.expectedSecret = secret.getBytes(StandardCharsets.UTF_8);
        receiver.out = out;
        receiver.listen();
        return receiver;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoReceiver()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String secret = System.getenv("WEBHOOK_SECRET");
        if (secret == null || secret.isBlank()) {
            System.err.println("demo-receiver: set WEBHOOK_SECRET to the tenant's shared secret (the one given to"
                    + " `webhookctl config set`), so the receiver can check the bearer header");
            return 2;
        }
        expectedSecret = secret.getBytes(StandardCharsets.UTF_8);
        try {
            listen();
        } catch (IOException e) {
            System.err.println("demo-receiver: cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "): choose another port with --port");
            return 1;
        }
        System.err.println("demo-receiver: listening on http://" + bind + ":" + port() + path);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            stopped.countDown();
        }, "receiver-shutdown"));
        stopped.await();
        return 0;
    }

    private void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 50);
        server.createContext(path, this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/webhooks} */
    public String url() {
        return "http://" + bind + ":" + port() + path;
    }

    public long accepted() {
        return accepted.get();
    }

    public long rejected() {
        return rejected.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] presented = auth != null && auth.startsWith("Bearer ")
                    ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
            // Constant-time comparison, as a real receiver should; the secret itself is never printed.
            boolean ok = MessageDigest.isEqual(presented, expectedSecret);
            if (!ok) {
                rejected.incrementAndGet();
                out.println("receiver: REJECTED a request with " + (auth == null ? "no" : "a wrong")
                        + " bearer secret (answered 401)");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            for (JsonNode webhook : webhooks(body)) {
                accepted.incrementAndGet();
                out.println("receiver: webhook #" + webhook.path("id").asText() + " " + webhook.path("event").asText()
                        + " data=" + webhook.path("data") + " (bearer secret ok)");
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** One webhook, or a batch (a JSON array). */
    private static Iterable<JsonNode> webhooks(byte[] body) throws IOException {
        JsonNode node = JSON.readTree(body);
        return node.isArray() ? node : List.of(node);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
