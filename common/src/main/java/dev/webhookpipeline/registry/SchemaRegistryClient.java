package dev.webhookpipeline.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for the Confluent schema registry REST API (served by Confluent Schema Registry,
 * Apicurio's {@code /apis/ccompat/v7} and Karapace). Confluent's own client is not on Maven
 * Central, and the pipeline needs only register, look up by id and the compatibility settings.
 *
 * <p>Ids are cached both ways, so a running serde calls the registry once per schema. Calls time
 * out and are retried a bounded number of times when the registry is unreachable or answers 5xx;
 * 4xx answers are not retried and surface the registry's own message.
 */
public final class SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final String displayUrl;
    private final String authorization;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final HttpClient http;

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    private SchemaRegistryClient(Builder b) {
        String url = Objects.requireNonNull(b.url, "schema registry url").strip();
        URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("schema.registry.url must be an absolute http(s) URL, got: "
                    + RedactedUrl.of(url));
        }
        this.baseUrl = uri.toString();
        this.displayUrl = RedactedUrl.of(baseUrl);
        String userInfo = b.basicAuthUserInfo != null ? b.basicAuthUserInfo : uri.getRawUserInfo();
        this.authorization = userInfo == null || userInfo.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.maxAttempts;
        this.retryBackoff = b.retryBackoff;
        this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
    }

    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** The registry URL with any credentials removed: safe for logs and messages. */
    public String url() {
        return displayUrl;
    }

    /** Registers the schema under the subject (idempotent) and returns its id. */
    public int register(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "register a schema under subject '" + subject + "'");
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("registry " + displayUrl + " answered a register call without an id: "
                    + answer, 200, -1, null);
        }
        remember(subject, schema, id);
        return id;
    }

    /** Looks up the id of a schema already registered under the subject, without registering it. */
    public int lookup(String subject, Schema schema) {
        Integer cached = idsBySubject.getOrDefault(subject, Map.of()).get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema),
                "look up a schema under subject '" + subject + "'");
        int id = answer.path("id").asInt(-1);
        remember(subject, schema, id);
        return id;
    }

    /** The schema with this id; the answer is cached for the life of the client (ids are immutable). */
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            JsonNode answer = call("GET", "/schemas/ids/" + key, null, "fetch schema id " + key);
            return new Schema.Parser().parse(answer.path("schema").asText());
        });
    }

    /** Sets the compatibility rule of one subject. */
    public void setCompatibility(String subject, Compatibility level) {
        String body = JSON.createObjectNode().put("compatibility", level.name()).toString();
        String what = "set compatibility of subject '" + subject + "'";
        try {
            call("PUT", "/config/" + encode(subject), body, what);
        } catch (SchemaRegistryException e) {
            if (e.status() != 409) {
                throw e;
            }
            // Two services starting together both set a subject's first rule: Apicurio creates it for one
            // and answers the other 409 "rule already exists". The rule exists now, so this PUT updates it.
            call("PUT", "/config/" + encode(subject), body, what);
        }
    }

    /** The compatibility rule of one subject (the registry's default when it has none of its own). */
    public Compatibility compatibility(String subject) {
        JsonNode answer;
        try {
            answer = call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null,
                    "read compatibility of subject '" + subject + "'");
        } catch (SchemaRegistryException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            answer = call("GET", "/config", null, "read the global compatibility");
        }
        JsonNode level = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.get("compatibility");
        return Compatibility.valueOf(level.asText());
    }

    /** Asks the registry for its global config: fails fast, with the reason, when it cannot be used. */
    public void checkReachable() {
        call("GET", "/config", null, "reach the schema registry");
    }

    private void remember(String subject, Schema schema, int id) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO").toString();
    }

    private static String encode(String pathPart) {
        return URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        SchemaRegistryException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return JSON.readTree(response.body());
                }
                last = failure(response, what);
                if (!last.isUnavailable()) {
                    throw last;
                }
            } catch (IOException e) {
                last = new SchemaRegistryException("could not " + what + ": schema registry at " + displayUrl
                        + " unreachable (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); check schema.registry.url and that the registry is running", -1, -1, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while trying to " + what, -1, -1, e);
            }
            if (attempt < maxAttempts) {
                long pause = retryBackoff.toMillis() << (attempt - 1);
                log.warn("{} (attempt {}/{}), retrying in {} ms", last.getMessage(), attempt, maxAttempts, pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw last;
                }
            }
        }
        throw last;
    }

    private SchemaRegistryException failure(HttpResponse<String> response, String what) {
        int errorCode = -1;
        String message = response.body();
        try {
            JsonNode error = JSON.readTree(response.body());
            errorCode = error.path("error_code").asInt(-1);
            if (error.hasNonNull("message")) {
                message = error.get("message").asText();
            }
        } catch (IOException notJson) {
            // keep the raw body, cut short below
        }
        if (message != null && message.length() > 2000) {
            message = message.substring(0, 2000) + "...";
        }
        return new SchemaRegistryException("could not " + what + ": schema registry " + displayUrl + " answered "
                + response.statusCode() + (errorCode > 0 ? " (error " + errorCode + ")" : "") + ": " + message,
                response.statusCode(), errorCode, null);
    }

    public static final class Builder {
        private final String url;
        private String basicAuthUserInfo;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);

        private Builder(String url) {
            this.url = url;
        }

        /** {@code user:password}, as Confluent's {@code basic.auth.user.info}. */
        public Builder basicAuth(String userInfo) {
            this.basicAuthUserInfo = userInfo;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** Attempts per call when the registry is unreachable or answers 5xx (at least 1). */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = attempts;
            return this;
        }

        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = backoff;
            return this;
        }

        public SchemaRegistryClient build() {
            return new SchemaRegistryClient(this);
        }
    }
}
