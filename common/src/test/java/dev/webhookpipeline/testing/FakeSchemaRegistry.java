package dev.webhookpipeline.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A tiny in-process stand-in for a Confluent-compatible schema registry (register, look up, fetch by
 * id, compatibility settings), for fast tests that need Avro frames but no broker and no real
 * registry process. {@link #answerEverythingWith} and {@link #close} simulate outages. The real
 * registry (local-services' Apicurio) stays what the integration tests use.
 */
public final class FakeSchemaRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicInteger fetchesById = new AtomicInteger();
    private volatile int forcedStatus;

    private FakeSchemaRegistry(HttpServer server) {
        this.server = server;
    }

    public static FakeSchemaRegistry start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeSchemaRegistry registry = new FakeSchemaRegistry(server);
            server.createContext("/", registry::handle);
            server.start();
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake schema registry", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A client of this registry that fails at once (one attempt, short timeouts) when it is down. */
    public SchemaRegistryClient client() {
        return SchemaRegistryClient.builder(url()).maxAttempts(1).connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(2)).build();
    }

    /** Registers any text as a schema, even one that is not Avro (as a registry of several schema types may hold). */
    public int registerRaw(String schemaText) {
        return idsBySchema.computeIfAbsent(schemaText, text -> {
            int id = nextId.getAndIncrement();
            schemasById.put(id, text);
            return id;
        });
    }

    /** Makes every call answer this HTTP status (e.g. 503); 0 goes back to normal. */
    public void answerEverythingWith(int status) {
        this.forcedStatus = status;
    }

    /** How many times a schema was fetched by id. */
    public int fetchesById() {
        return fetchesById.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (forcedStatus != 0) {
                answer(exchange, forcedStatus, "{\"error_code\":" + forcedStatus + ",\"message\":\"forced by the test\"}");
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (method.equals("GET") && path.startsWith("/schemas/ids/")) {
                fetchesById.incrementAndGet();
                String schema;
                try {
                    schema = schemasById.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
                } catch (NumberFormatException e) {
                    schema = null;
                }
                if (schema == null) {
                    answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                } else {
                    answer(exchange, 200, JSON.createObjectNode().put("schema", schema).toString());
                }
            } else if (method.equals("POST") && path.startsWith("/subjects/")) {
                JsonNode request = JSON.readTree(body);
                String schema = new Schema.Parser().parse(request.path("schema").asText()).toString();
                if (path.endsWith("/versions")) {
                    answer(exchange, 200, "{\"id\":" + registerRaw(schema) + "}");
                } else {
                    Integer id = idsBySchema.get(schema);
                    if (id == null) {
                        answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
                    } else {
                        answer(exchange, 200, "{\"id\":" + id + "}");
                    }
                }
            } else if (path.startsWith("/config")) {
                answer(exchange, 200, method.equals("PUT") ? body : "{\"compatibilityLevel\":\"BACKWARD\"}");
            } else {
                answer(exchange, 404, "{\"error_code\":404,\"message\":\"no such endpoint\"}");
            }
        } catch (RuntimeException e) {
            answer(exchange, 500, "{\"error_code\":50001,\"message\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Stops answering: afterwards the registry is unreachable. */
    @Override
    public void close() {
        server.stop(0);
    }
}
