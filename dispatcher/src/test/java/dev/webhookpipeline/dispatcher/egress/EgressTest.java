package dev.webhookpipeline.dispatcher.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import dev.webhookpipeline.tenant.EndpointPolicy;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The egress settings, and the routes they give: to the judged address, with the name kept for TLS. */
class EgressTest {

    static Egress egress(Map<String, String> settings) {
        return Egress.from(PipelineSettings.of(settings));
    }

    @Test
    void noSettingsMeansDirect() {
        assertThat(egress(Map.of())).isEqualTo(Egress.direct());
    }

    @Test
    void theProxyIsHostAndPortWithOrWithoutScheme() {
        assertThat(egress(Map.of(Egress.PROXY, "smokescreen.internal:4750")).proxy()).get()
                .satisfies(p -> assertThat(p.getHostString() + ":" + p.getPort()).isEqualTo("smokescreen.internal:4750"));
        assertThat(egress(Map.of(Egress.PROXY, "http://[fd00::5]:3128")).proxy()).get()
                .satisfies(p -> assertThat(p.getHostString()).isEqualTo("fd00::5"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"smokescreen.internal", "https://proxy:443", "proxy:4750/path", "socks5://proxy:1080", "::"})
    void anUnusableProxyNamesTheSetting(String value) {
        assertThatThrownBy(() -> egress(Map.of(Egress.PROXY, value)))
                .isInstanceOf(SettingsException.class).hasMessageContaining(Egress.PROXY);
    }

    @Test
    void proxyCredentialsAreRefusedWithoutBeingEchoed() {
        assertThatThrownBy(() -> egress(Map.of(Egress.PROXY, "http://user:hunter2-secret@proxy:4750")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("credentials").hasMessageNotContaining("hunter2");
    }

    @Test
    void theLocalAddressMustBeAnAddressOfThisMachine() {
        assertThat(egress(Map.of(Egress.LOCAL_ADDRESS, "127.0.0.1")).localAddress()).get()
                .isEqualTo(InetAddress.getLoopbackAddress());
        assertThatThrownBy(() -> egress(Map.of(Egress.LOCAL_ADDRESS, "localhost")))
                .isInstanceOf(SettingsException.class).hasMessageContaining("must be an IP address");
        assertThatThrownBy(() -> egress(Map.of(Egress.LOCAL_ADDRESS, "192.0.2.77"))) // documentation range: nobody's
                .isInstanceOf(SettingsException.class).hasMessageContaining("not an address of this machine");
    }

    static final EndpointPolicy POLICY = new EndpointPolicy(false, List.of(),
            host -> InetAddress.getAllByName(host.equals("hooks.example.com") ? "93.184.216.34" : host)); // literals need no DNS

    @Test
    void aProxiedHttpsRouteTunnelsToTheJudgedAddressAndVerifiesTheName() throws Exception {
        Egress proxied = egress(Map.of(Egress.PROXY, "smokescreen.internal:4750"));
        HttpRoute route = new JudgedRoutePlanner(POLICY, proxied).determineRoute(new HttpHost("https", "hooks.example.com", -1), null);
        assertThat(route.getTargetHost().toHostString()).as("what CONNECT asks for").isEqualTo("93.184.216.34:443");
        assertThat(route.getTargetName().getHostName()).as("what TLS verifies and sends as SNI").isEqualTo("hooks.example.com");
        assertThat(route.getProxyHost()).isEqualTo(new HttpHost("http", "smokescreen.internal", 4750));
        assertThat(route.isTunnelled()).isTrue();
        assertThat(route.isLayered()).isTrue();
    }

    @Test
    void aProxiedPlainHttpRouteIsTunnelledToo() throws Exception {
        Egress proxied = egress(Map.of(Egress.PROXY, "127.0.0.1:4750"));
        EndpointPolicy http = new EndpointPolicy(true, List.of("127.0.0.1/32"));
        HttpRoute route = new JudgedRoutePlanner(http, proxied).determineRoute(new HttpHost("http", "127.0.0.1", 8080), null);
        assertThat(route.isTunnelled()).as("the proxy never sees a name to resolve").isTrue();
        assertThat(route.isLayered()).isFalse();
    }

    @Test
    void aRefusedTargetNeverBecomesARoute() {
        assertThatThrownBy(() -> new JudgedRoutePlanner(POLICY, Egress.direct())
                .determineRoute(new HttpHost("https", "169.254.169.254", -1), null))
                .isInstanceOf(EndpointRefusedException.class).hasMessageContaining("link-local (cloud metadata)");
    }
}
