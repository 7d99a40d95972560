package dev.webhookpipeline.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin surface's browser session, with plain HTTP requests to a real dispatcher: security
 * headers on every answer, a cookie that carries a server-side session, Retry/Refresh/logout
 * refused from another origin, sign-out, and a rate limit on failed sign-ins.
 */
@ExtendWith(RealServicesExtension.class)
class AdminSecurityIT {

    static final String TOKEN = TestSecrets.remember("operator token", "admin-security-token-0123456789");
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    record Admin(DispatcherService service, String origin) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            service.close();
        }
    }

    static Admin start(DispatcherTestHelper t, DispatcherService.Admin where) throws InterruptedException {
        var metrics = DispatcherService.metricsRegistry();
        var admin = Optional.of(where);
        DispatcherService service = new DispatcherService(t.config().meterRegistry(metrics).build(), admin, metrics).start(admin);
        return new Admin(service, "http://127.0.0.1:" + service.adminPort());
    }

    static DispatcherService.Admin defaults() {
        return new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN));
    }

    HttpResponse<String> send(String origin, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        request.method(method, HttpRequest.BodyPublishers.noBody());
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> login(String origin, String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in as the page does (its own Origin) and returns the {@code name=value} of the session cookie. */
    String signIn(String origin) throws Exception {
        HttpResponse<String> answer = login(origin, TOKEN, "Origin", origin);
        assertThat(answer.statusCode()).as("sign-in").isEqualTo(303);
        String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static void assertSecurityHeaders(HttpResponse<String> answer) {
        String what = answer.request().method() + " " + answer.uri().getPath();
        assertThat(answer.headers().firstValue("X-Frame-Options")).as(what).contains("DENY");
        assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(what).contains("nosniff");
        assertThat(answer.headers().firstValue("Referrer-Policy")).as(what).contains("same-origin");
        assertThat(answer.headers().firstValue("Cache-Control")).as(what).contains("no-store");
        String csp = answer.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).as(what).contains("default-src 'none'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    }

    @Test
    void headersSessionCookieCrossSiteRefusalAndSignOut(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "admin-sec"); Admin admin = start(t, defaults())) {
            String origin = admin.origin();
            for (String path : new String[] {"/", "/login", "/api/tenants", "/metrics"}) {
                assertSecurityHeaders(send(origin, "GET", path));
            }
            HttpResponse<String> page = login(origin, TOKEN, "Origin", origin);
            assertSecurityHeaders(page);
            assertThat(page.headers().firstValue("Set-Cookie").orElseThrow())
                    .contains("HttpOnly").contains("SameSite=Strict").contains("Path=/").contains("Max-Age=")
                    .doesNotContain("Secure"); // served over http and not told otherwise
            // The page's own script and style are allowed by hash, nothing else inline.
            String cookie = signIn(origin);
            HttpResponse<String> index = send(origin, "GET", "/", "Cookie", cookie);
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .containsPattern("script-src [^;]*'sha256-[A-Za-z0-9+/=]{44}'")
                    .containsPattern("style-src [^;]*'sha256-[A-Za-z0-9+/=]{44}'");

            // A session is a fresh random value per sign-in, not a value derived from the token.
            assertThat(signIn(origin)).isNotEqualTo(cookie);
            assertThat(send(origin, "GET", "/api/tenants", "Cookie", cookie).statusCode()).isEqualTo(200);

            // Unsafe requests with the cookie must come from the page's own origin.
            String retry = "/api/tenants/admin-sec-tenant/retry";
            assertThat(send(origin, "POST", retry, "Cookie", cookie).statusCode()).as("no Origin").isEqualTo(403);
            assertThat(send(origin, "POST", retry, "Cookie", cookie, "Origin", "https://evil.example").statusCode())
                    .as("another origin").isEqualTo(403);
            assertThat(send(origin, "POST", "/api/tenants/admin-sec-tenant/refresh", "Cookie", cookie,
                    "Origin", "http://127.0.0.1:1").statusCode()).as("another port").isEqualTo(403);
            assertThat(send(origin, "POST", retry, "Cookie", cookie, "Origin", origin, "Sec-Fetch-Site", "cross-site")
                    .statusCode()).as("a cross-site fetch").isEqualTo(403);
            assertThat(send(origin, "POST", retry, "Cookie", cookie, "Origin", origin, "Sec-Fetch-Site", "same-origin")
                    .statusCode()).as("the page itself").isEqualTo(202);
            assertThat(send(origin, "POST", retry, "Authorization", "Bearer " + TOKEN).statusCode())
                    .as("an API client with the token needs no Origin").isEqualTo(202);
            assertThat(login(origin, TOKEN, "Origin", "https://evil.example").statusCode())
                    .as("signing in from another origin").isEqualTo(403);
            assertThat(send(origin, "POST", "/logout", "Cookie", cookie, "Origin", "https://evil.example").statusCode())
                    .as("signing out from another origin").isEqualTo(403);

            // Sign-out ends the session on the server, not just in the browser.
            HttpResponse<String> out = send(origin, "POST", "/logout", "Cookie", cookie, "Origin", origin);
            assertThat(out.statusCode()).isEqualTo(303);
            assertThat(out.headers().firstValue("Location")).contains("/login");
            assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
            assertThat(send(origin, "GET", "/api/tenants", "Cookie", cookie).statusCode()).isEqualTo(401);
            assertThat(send(origin, "POST", retry, "Cookie", cookie, "Origin", origin).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void failedSignInsAreLimitedPerClientAddress(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "admin-limit"); Admin admin = start(t, defaults())) {
            String origin = admin.origin();
            for (int i = 1; i <= 5; i++) {
                assertThat(login(origin, "wrong-token-0123456789-" + i, "Origin", origin).statusCode()).as("failure %d", i)
                        .isEqualTo(401);
            }
            for (String token : new String[] {"wrong-token-0123456789-6", TOKEN}) {
                HttpResponse<String> limited = login(origin, token, "Origin", origin);
                assertThat(limited.statusCode()).as("after 5 failures, even the right token waits").isEqualTo(429);
                long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
                assertThat(retryAfter).isBetween(1L, 60L);
                assertSecurityHeaders(limited);
                assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
            }
            // The API with the token is not the sign-in form: it still answers.
            assertThat(send(origin, "GET", "/api/tenants", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theSettingsMakeTheCookieSecureAndEndABusySessionAtItsLifetime(TestServices services) throws Exception {
        PipelineSettings settings = PipelineSettings.of(Map.of("pipeline.admin.port", "0", OperatorAuth.TOKEN, TOKEN,
                "pipeline.admin.session-idle", "1s", "pipeline.admin.session-lifetime", "2s", "pipeline.admin.https", "true"));
        try (var t = new DispatcherTestHelper(services, "admin-expiry");
             Admin admin = start(t, DispatcherMain.admin(settings).orElseThrow())) {
            String origin = admin.origin();
            HttpResponse<String> signedIn = login(origin, TOKEN, "Origin", origin);
            String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).contains("Secure").contains("Max-Age=2");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            long start = System.nanoTime();
            // Polling every 20 ms keeps the session from going idle: only its lifetime can end it.
            Await.until("the session's lifetime to end it", Duration.ofSeconds(30),
                    () -> get(origin, "/api/tenants", cookie) == 401);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        }
    }

    int get(String origin, String path, String cookie) {
        try {
            return send(origin, "GET", path, "Cookie", cookie).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
