package dev.webhookpipeline.dispatcher.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.dispatcher.status.ControlChannel;
import dev.webhookpipeline.dispatcher.status.StatusView;
import dev.webhookpipeline.dispatcher.status.DeliveryTimeline;
import dev.webhookpipeline.dispatcher.status.TenantQuery;
import dev.webhookpipeline.dispatcher.status.TenantQueueStatus;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex;
import dev.webhookpipeline.schema.TenantCommandType;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operators' HTTP API (and metrics) of a dispatcher instance. Every endpoint requires
 * {@code Authorization: Bearer <operator token>}; a missing or wrong token gets 401 and no data.
 * Status comes from the delivery-state topic, so any instance answers for every tenant; Retry and
 * Refresh go through the control topic to the instance that owns the tenant.
 *
 * <p>The web page ({@code GET /}) uses the same API from the browser: {@code /login} takes the
 * token once and sets an HttpOnly, SameSite=Strict session cookie derived from it (not the token
 * itself), which the API accepts in place of the header.
 *
 * <pre>
 * GET  /                              the status page
 * GET  /api/tenants                   a page of tenants: ?state=&q=&sort=&order=&offset=&limit= (see TenantQuery);
 *                                     stalled first, then by backlog, by default
 * GET  /api/summary                   counts by queue state, webhooks waiting, delivered/failed per minute
 * GET  /api/tenants/{tenant}          one tenant
 * POST /api/tenants/{tenant}/retry    send the head now, ignoring the backoff
 * POST /api/tenants/{tenant}/refresh  clear the recent-failures list
 * GET  /api/health                    200 {"status":"UP"}, or 503 {"status":"DOWN","stopped":[parts]}
 * GET  /metrics                       Prometheus
 * </pre>
 */
public final class AdminServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Javalin app;

    public AdminServer(OperatorAuth auth, StatusView status, ControlChannel control, PrometheusMeterRegistry metrics) {
        this(auth, status, control, metrics, List::of);
    }

    /** @param stopped the parts of the instance that are not running, in words; empty while it is healthy */
    public AdminServer(OperatorAuth auth, StatusView status, ControlChannel control, PrometheusMeterRegistry metrics,
                       Supplier<List<String>> stopped) {
        String session = auth.derive("operator-session"); // the cookie holds this, not the token
        String indexPage = resource("admin/index.html");
        String loginPage = resource("admin/login.html");
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.routes.before(ctx -> {
                if (ctx.path().equals("/login")) {
                    return;
                }
                String cookie = ctx.cookie(COOKIE);
                boolean ok = auth.accepts(ctx.header("Authorization")) || (cookie != null
                        && MessageDigest.isEqual(session.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8)));
                if (!ok) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    if (ctx.path().equals("/")) {
                        ctx.status(401).html(loginPage); // a browser gets the sign-in form, and no data
                    } else {
                        ctx.status(401).contentType("application/json").result("{\"error\":\"operator token required\"}");
                    }
                    ctx.skipRemainingHandlers();
                }
            });
            config.routes.get("/login", ctx -> ctx.html(loginPage));
            config.routes.post("/login", ctx -> {
                if (auth.isToken(ctx.formParam("token"))) {
                    ctx.header("Set-Cookie", COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict");
                    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
                } else {
                    ctx.status(401).html(loginPage);
                }
            });
            config.routes.get("/", ctx -> ctx.html(indexPage));
            config.routes.get("/api/tenants", ctx -> {
                TenantStatusIndex.Query query;
                try {
                    query = TenantQuery.parse(ctx::queryParam);
                } catch (IllegalArgumentException e) {
                    ctx.status(400);
                    json(ctx, Map.of("error", e.getMessage()));
                    return;
                }
                json(ctx, status.index().query(query));
            });
            config.routes.get("/api/summary", ctx -> {
                TenantStatusIndex index = status.index();
                json(ctx, new Summary(index.size(), index.counts(), index.waiting(), index.asOf(), status.minutes()));
            });
            config.routes.get("/api/tenants/{tenant}", ctx -> status.get(ctx.pathParam("tenant")).ifPresentOrElse(
                    p -> json(ctx, TenantQueueStatus.of(p)),
                    () -> ctx.status(404).contentType("application/json").result("{\"error\":\"unknown tenant\"}")));
            config.routes.post("/api/tenants/{tenant}/retry", ctx -> command(ctx, control, TenantCommandType.RETRY));
            config.routes.post("/api/tenants/{tenant}/refresh", ctx -> command(ctx, control, TenantCommandType.REFRESH));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            config.routes.get("/api/health", ctx -> {
                List<String> down = stopped.get();
                ctx.status(down.isEmpty() ? 200 : 503);
                json(ctx, down.isEmpty() ? Map.of("status", "UP") : Map.of("status", "DOWN", "stopped", down));
            });
        });
    }

    static final String COOKIE = "operator_session";

    /** Every tenant counted by queue state, webhooks waiting, and delivered/failed per minute over the last hour. */
    record Summary(int tenants, Map<TenantQueueStatus.State, Integer> counts, long waiting, Instant asOf,
                   List<DeliveryTimeline.Minute> minutes) {}

    private static String resource(String name) {
        try (var in = AdminServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void command(Context ctx, ControlChannel control, TenantCommandType command) {
        String tenant = ctx.pathParam("tenant");
        if (WebhookConfigRules.tenantIdProblem(tenant).isPresent()) {
            ctx.status(400).contentType("application/json").result("{\"error\":\"not a tenant id\"}");
            return;
        }
        control.send(tenant, command);
        ctx.status(202);
        json(ctx, Map.of("tenant", tenant, "command", command.name()));
    }

    private static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts listening; port 0 picks a free one. */
    public AdminServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
