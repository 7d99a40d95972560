package dev.webhookpipeline.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.testsupport.SampleRecords;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookConfigRulesTest {

    /** Fixed DNS answers: the rules are pure logic, DNS is not what this test checks. */
    static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "metadata.internal", "169.254.169.254",
            "intranet.example.com", "10.1.2.3",
            "cgnat.example.com", "100.64.0.1",
            "v6local.example.com", "fd00::1",
            "localhost", "127.0.0.1");

    static EndpointPolicy policy(boolean http, List<String> allow) {
        return new EndpointPolicy(http, allow, host -> {
            String ip = DNS.getOrDefault(host, host.matches("[0-9.]+") ? host : null); // IP literals need no DNS
            if (ip == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(ip)};
        });
    }

    static WebhookConfig config(String endpoint) {
        return SampleRecords.config("tenant-1", endpoint, List.of(EventType.TASK_CREATED));
    }

    @Test
    void aGoodConfigPasses() {
        var verdict = new WebhookConfigRules(policy(false, List.of())).check(config("https://hooks.example.com/in"));
        assertThat(verdict.errors()).isEmpty();
        assertThat(verdict.warnings()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not a url                                  | not a valid URL",
            "/relative/path                             | absolute http(s) URL",
            "ftp://hooks.example.com/x                  | absolute http(s) URL",
            "http://hooks.example.com/x                 | must use https",
            "https://user:pw@hooks.example.com/x        | must not carry credentials",
            "https://nowhere.invalid/x                  | does not resolve",
            "https://metadata.internal/latest           | link-local (cloud metadata) address 169.254.169.254",
            "https://intranet.example.com/x             | private address 10.1.2.3",
            "https://cgnat.example.com/x                | carrier-grade NAT",
            "https://v6local.example.com/x              | unique-local",
            "https://localhost:8443/x                   | loopback",
            "https://127.0.0.1/x                        | loopback",
    })
    void badEndpointsAreRefusedWithTheReason(String endpoint, String reason) {
        var verdict = new WebhookConfigRules(policy(false, List.of())).check(config(endpoint));
        assertThat(verdict.errors()).singleElement().asString().contains(reason).doesNotContain("pw");
    }

    @Test
    void theAllowListAndHttpFlagOpenLocalDevelopment() {
        var rules = new WebhookConfigRules(policy(true, List.of("127.0.0.0/8", "10.1.0.0/16")));
        assertThat(rules.check(config("http://localhost:8080/hooks")).errors()).isEmpty();
        assertThat(rules.check(config("https://intranet.example.com/x")).errors()).isEmpty();
        assertThat(rules.check(config("https://metadata.internal/x")).errors()).isNotEmpty();
    }

    @Test
    void secretsMustBeUsable() {
        var rules = new WebhookConfigRules(policy(false, List.of()));
        var base = config("https://hooks.example.com/in");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecret("").build()).errors())
                .singleElement().asString().contains("secret is missing");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecret("short").build()).errors())
                .singleElement().asString().contains("too short (5 characters)").doesNotContain("short\"");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecret("has a space in it 123").build()).errors())
                .singleElement().asString().contains("printable ASCII");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecretHeader("X-Bad Header").build()).errors())
                .singleElement().asString().contains("header name");
    }

    @ParameterizedTest(name = "secret header {0} is refused")
    @CsvSource(delimiter = '|', value = {
            "Host                | reserved",
            "host                | reserved",
            "Content-Length      | reserved",
            "Transfer-Encoding   | reserved",
            "Connection          | reserved",
            "Keep-Alive          | reserved",
            "Upgrade             | reserved",
            "TE                  | reserved",
            "Trailer             | reserved",
            "Expect              | reserved",
            "Content-Type        | reserved",
            "Proxy-Authorization | reserved",
            "webhook-signature   | reserved",
            "Webhook-Id          | reserved",
            "webhook-anything    | reserved",
            "'X-Bad Header'      | header name",
            "'X-Api-Key:'        | header name",
            "'X-Key\\r\\nHost'  | header name",
            "'(comment)'         | header name",
    })
    void secretHeadersMustBeHarmlessTokenNames(String header, String reason) {
        var rules = new WebhookConfigRules(policy(false, List.of()));
        var base = config("https://hooks.example.com/in");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecretHeader(header.replace("\\r\\n", "\r\n")).build())
                .errors()).as(header).singleElement().asString().contains(reason).doesNotContain("\r");
    }

    @ParameterizedTest(name = "secret header {0} is accepted")
    @CsvSource({"X-Api-Key", "Authorization", "x_token", "X.Webhook.Secret", "Api-Key!", "X-Hook~Secret"})
    void secretHeadersMayBeAnyOtherRfc9110TokenName(String header) {
        var rules = new WebhookConfigRules(policy(false, List.of()));
        var base = config("https://hooks.example.com/in");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecretHeader(header).build()).errors()).isEmpty();
    }

    @Test
    void whsecSecretsMustBeStandardWebhooksKeys() {
        var rules = new WebhookConfigRules(policy(false, List.of()));
        var base = config("https://hooks.example.com/in");
        String good = "whsec_" + Base64.getEncoder().encodeToString(new byte[24]);
        String tooShort = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecret(good).build()).errors()).isEmpty();
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecret(tooShort).build()).errors())
                .singleElement().asString().contains("24 to 64 bytes").doesNotContain(tooShort);
        assertThat(rules.check(WebhookConfig.newBuilder(base).setSecret("whsec_%%not-base64%%0123").build()).errors())
                .singleElement().asString().contains("base64");
    }

    @Test
    void aPreviousSecretNeedsAnEndFollowsTheSecretRulesAndDiffersFromTheSecret() {
        var rules = new WebhookConfigRules(policy(false, List.of()));
        var base = config("https://hooks.example.com/in");
        Instant end = base.getUpdatedAt().plusSeconds(3600);
        String previous = "old-secret-0123456789";
        assertThat(rules.check(WebhookConfig.newBuilder(base).setPreviousSecret(previous).setRotationEndsAt(end).build())
                .errors()).isEmpty();
        assertThat(rules.check(WebhookConfig.newBuilder(base).setPreviousSecret(previous).build()).errors())
                .singleElement().asString().contains("a previous secret without rotation_ends_at");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setRotationEndsAt(end).build()).errors())
                .singleElement().asString().contains("rotation_ends_at without a previous secret");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setPreviousSecret("short").setRotationEndsAt(end).build())
                .errors()).singleElement().asString().contains("previous secret is too short");
        assertThat(rules.check(WebhookConfig.newBuilder(base).setPreviousSecret(base.getSecret()).setRotationEndsAt(end)
                .build()).errors()).singleElement().asString().contains("the previous secret is the current one");
    }

    @Test
    void deprecatedTypesWarnAndDuplicatesFail() {
        var rules = new WebhookConfigRules(policy(false, List.of()));
        var verdict = rules.check(WebhookConfig.newBuilder(config("https://hooks.example.com/in"))
                .setEnabledEvents(List.of(EventType.COLLECTED_DATA_UPDATED, EventType.PROFILE_STATUS_CHANGED)).build());
        assertThat(verdict.ok()).isTrue();
        assertThat(verdict.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("use COLLECTED_DATA_CHANGED"));
        assertThat(rules.check(WebhookConfig.newBuilder(config("https://hooks.example.com/in"))
                .setEnabledEvents(List.of(EventType.TASK_CREATED, EventType.TASK_CREATED)).build()).errors())
                .containsExactly("enabled events list a type twice");
    }

    @Test
    void tenantIdsAreShortAndPlain() {
        assertThat(WebhookConfigRules.tenantIdProblem("acme-corp_1")).isEmpty();
        assertThat(WebhookConfigRules.tenantIdProblem(" ")).contains("tenant id is missing");
        assertThat(WebhookConfigRules.tenantIdProblem("a/b")).get().asString().contains("may only hold");
        assertThat(WebhookConfigRules.tenantIdProblem("x".repeat(129))).get().asString().contains("longer than 128");
    }
}
