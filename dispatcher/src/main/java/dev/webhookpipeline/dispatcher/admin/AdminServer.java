package dev.webhookpipeline.dispatcher.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.dispatcher.status.ControlChannel;
import dev.webhookpipeline.dispatcher.status.RedeliveryLog;
import dev.webhookpipeline.dispatcher.status.StatusView;
import dev.webhookpipeline.dispatcher.status.DeliveryTimeline;
import dev.webhookpipeline.dispatcher.status.TenantQuery;
import dev.webhookpipeline.dispatcher.status.TenantQueueStatus;
import dev.webhookpipeline.dispatcher.status.TenantStatusIndex;
import dev.webhookpipeline.schema.TenantCommandType;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operators' HTTP API (and metrics) of a dispatcher instance. Every endpoint requires
 * {@code Authorization: Bearer <operator token>}; a missing or wrong token gets 401 and no data.
 * Status comes from the delivery-state topic, so any instance answers for every tenant; Retry and
 * Refresh go through the control topic to the instance that owns the tenant.
 *
 * <p>The web page ({@code GET /}) uses the same API from the browser: {@code /login} takes the
 * token once and sets an HttpOnly, SameSite=Strict cookie naming a server-side session
 * ({@link Sessions}: random, expires idle and absolutely, ended by {@code POST /logout}), which the
 * API accepts in place of the header. With the cookie alone, anything but a GET must come from the
 * page's own origin ({@link SameOrigin}); failed sign-ins are limited per address
 * ({@link LoginThrottle}); every answer carries {@link SecurityHeaders}.
 *
 * <pre>
 * GET  /                              the status page
 * GET  /login, POST /login            the sign-in form; POST /logout ends the session
 * GET  /api/tenants                   a page of tenants: ?state=&q=&sort=&order=&offset=&limit= (see TenantQuery);
 *                                     stalled first, then by backlog, by default
 * GET  /api/summary                   counts by queue state, webhooks waiting, delivered/failed per minute
 * GET  /api/tenants/{tenant}          one tenant
 * GET  /api/redeliveries              the recent re-delivery requests (webhookctl redeliver), newest first; ?tenant=
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
        this(auth, status, control, metrics, stopped, SessionPolicy.DEFAULT, Clock.systemUTC());
    }

    /**
     * @param sessions how long a browser stays signed in, and whether its cookie is {@code Secure}
     * @param clock    for session expiry and the sign-in rate limit
     */
    public AdminServer(OperatorAuth auth, StatusView status, ControlChannel control, PrometheusMeterRegistry metrics,
                       Supplier<List<String>> stopped, SessionPolicy sessions, Clock clock) {
        this(auth, status, control, metrics, stopped, sessions, clock, tenant -> List.of());
    }

    /** @param redeliveries the recent re-delivery requests of a tenant, or of all tenants for null */
    public AdminServer(OperatorAuth auth, StatusView status, ControlChannel control, PrometheusMeterRegistry metrics,
                       Supplier<List<String>> stopped, SessionPolicy sessions, Clock clock,
                       Function<String, List<RedeliveryLog.Request>> redeliveries) {
        Sessions live = new Sessions(sessions, clock);
        LoginThrottle throttle = new LoginThrottle(clock);
        String indexPage = resource("admin/index.html");
        String loginPage = resource("admin/login.html");
        String indexPolicy = SecurityHeaders.pagePolicy(indexPage);
        String loginPolicy = SecurityHeaders.pagePolicy(loginPage);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.routes.before(ctx -> {
                SecurityHeaders.common().forEach(ctx::header);
                ctx.header(CSP, SecurityHeaders.API_POLICY);
                if (ctx.path().equals("/login") || ctx.path().equals("/logout")) {
                    return; // their handlers check what they need
                }
                if (auth.accepts(ctx.header("Authorization"))) {
                    return; // an API client: no other site can make a browser send this header
                }
                if (!live.use(ctx.cookie(COOKIE))) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    if (ctx.path().equals("/")) {
                        ctx.header(CSP, loginPolicy);
                        ctx.status(401).html(loginPage); // a browser gets the sign-in form, and no data
                    } else {
                        ctx.status(401).contentType("application/json").result("{\"error\":\"operator token required\"}");
                    }
                    ctx.skipRemainingHandlers();
                } else if (changesSomething(ctx) && !fromThePage(ctx)) {
                    refuseCrossSite(ctx);
                    ctx.skipRemainingHandlers();
                }
            });
            config.routes.get("/login", ctx -> ctx.header(CSP, loginPolicy).html(loginPage));
            config.routes.post("/login", ctx -> {
                if (!fromThePage(ctx)) {
                    refuseCrossSite(ctx);
                    return;
                }
                Optional<Duration> wait = throttle.waitFor(ctx.ip());
                if (wait.isPresent()) {
                    long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
                    ctx.header("Retry-After", Long.toString(seconds)).status(429).contentType("text/plain")
                            .result("too many failed sign-ins from your address: try again in " + seconds + " s");
                } else if (auth.isToken(ctx.formParam("token"))) {
                    throttle.succeeded(ctx.ip());
                    ctx.header("Set-Cookie", cookie(live.start(), live.cookieMaxAgeSeconds(), sessions.secureCookie()));
                    ctx.redirect("/", HttpStatus.SEE_OTHER);
                } else {
                    throttle.failed(ctx.ip());
                    ctx.header(CSP, loginPolicy).status(401).html(loginPage);
                }
            });
            config.routes.post("/logout", ctx -> {
                if (!fromThePage(ctx)) {
                    refuseCrossSite(ctx);
                    return;
                }
                live.end(ctx.cookie(COOKIE));
                ctx.header("Set-Cookie", cookie("", 0, sessions.secureCookie()));
                ctx.redirect("/login", HttpStatus.SEE_OTHER);
            });
            config.routes.get("/", ctx -> ctx.header(CSP, indexPolicy).html(indexPage));
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
            config.routes.get("/api/redeliveries", ctx -> json(ctx, redeliveries.apply(ctx.queryParam("tenant"))));
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
    private static final String CSP = "Content-Security-Policy";

    private static String cookie(String value, long maxAgeSeconds, boolean secure) {
        return COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    private static boolean changesSomething(Context ctx) {
        return !(ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD || ctx.method() == HandlerType.OPTIONS);
    }

    private static boolean fromThePage(Context ctx) {
        return SameOrigin.allows(ctx.header("Origin"), ctx.header("Sec-Fetch-Site"), ctx.header("Host"));
    }

    private static void refuseCrossSite(Context ctx) {
        ctx.status(403).contentType("application/json").result("{\"error\":\"cross-site request refused\"}");
    }

    /** Every tenant counted by queue state, webhooks waiting, and delivered/failed per minute over the last hour. */
    record Summary(int tenants, Map<TenantQueueStatus.State, Integer> counts, long waiting, Instant asOf,
                   List<DeliveryTimeline.Minute> minutes) {}

    private static String resource(String name) {
        try (var in = AdminServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
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
        } catch (JsonProcessingException e) {
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
