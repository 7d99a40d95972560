package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.dispatcher.egress.Egress;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.testsupport.ConnectProxy;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestServices;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fixed egress, end to end: a running dispatcher sends every delivery through a real CONNECT proxy
 * (or from a bound local address), asks the proxy for the address the endpoint policy judged rather
 * than the name, and never judges the proxy's own address as a target. Loopback aliases stand for
 * the machines: the receiver on 127.0.0.1 (the one address the policy allows), the proxy on
 * 127.0.0.2, the dispatcher's declared source address 127.0.0.3.
 */
@ExtendWith(RealServicesExtension.class)
class EgressIT {

    static final InetAddress RECEIVER = address("127.0.0.1");
    static final InetAddress PROXY = address("127.0.0.2");
    static final InetAddress SOURCE = address("127.0.0.3");

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A DNS answer {@code ::ffff:169.254.169.254}: the cloud metadata service, dressed as IPv6. */
    static InetAddress mappedMetadata() throws Exception {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) 169;
        bytes[13] = (byte) 254;
        bytes[14] = (byte) 169;
        bytes[15] = (byte) 254;
        return Inet6Address.getByAddress(null, bytes, -1);
    }

    /** The tenants' DNS: receiver.test is the receiver, metadata.test a hostile answer. */
    static EndpointPolicy policy() throws Exception {
        InetAddress[] metadata = {mappedMetadata()};
        return new EndpointPolicy(true, List.of(RECEIVER.getHostAddress() + "/32"), host -> switch (host) {
            case "receiver.test" -> new InetAddress[] {RECEIVER};
            case "metadata.test" -> metadata;
            default -> null;
        });
    }

    static WebhookConfig named(DispatcherTestHelper t, String tenant, String host) {
        URI local = URI.create(t.receiver.url(tenant));
        WebhookConfig config = t.configure(tenant, false, true);
        return t.put(WebhookConfig.newBuilder(config)
                .setEndpoint("http://" + host + ":" + local.getPort() + local.getPath()).build());
    }

    @Test
    void everyDeliveryTunnelsThroughTheProxyToTheJudgedAddress(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "egress-proxy"); ConnectProxy proxy = ConnectProxy.start(PROXY)) {
            int receiverPort = URI.create(t.receiver.url("x")).getPort();
            named(t, "proxied", "receiver.test");
            named(t, "hostile", "metadata.test");
            Egress egress = Egress.from(PipelineSettings.of(Map.of(Egress.PROXY, proxy.hostAndPort())));
            Dispatcher dispatcher = t.start(t.config().endpointPolicy(policy()).egress(egress).build());
            t.produce("proxied", 5);
            t.produce("hostile", 1);

            await("five webhooks through the proxy", Duration.ofSeconds(30), () -> t.firstReceipts("proxied").size() == 5);
            t.assertDeliveredInOrder("proxied");
            assertThat(t.receiver.received("proxied")).allSatisfy(r ->
                    assertThat(r.header("Host")).as("the Host header keeps the name").isEqualTo("receiver.test:" + receiverPort));
            assertThat(proxy.tunnels()).as("tunnels asked of the proxy").isNotEmpty().allSatisfy(tunnel ->
                    assertThat(tunnel.authority()).as("CONNECT names the judged address, never the name")
                            .isEqualTo("127.0.0.1:" + receiverPort));

            await("the hostile answer to be refused", Duration.ofSeconds(30),
                    () -> dispatcher.status("hostile").map(s -> s.lastFailure() != null).orElse(false));
            assertThat(dispatcher.status("hostile").orElseThrow().lastFailure().error())
                    .contains("endpoint refused").contains("link-local (cloud metadata) address 169.254.169.254");
            assertThat(proxy.tunnels()).as("nothing was tunnelled for the hostile tenant")
                    .allSatisfy(tunnel -> assertThat(tunnel.authority()).doesNotContain("169.254"));
        }
    }

    @Test
    void aBoundLocalAddressIsWhereDeliveriesComeFromDirectlyOrToTheProxy(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "egress-bound"); ConnectProxy proxy = ConnectProxy.start(PROXY)) {
            named(t, "bound", "receiver.test");
            Egress direct = Egress.from(PipelineSettings.of(Map.of(Egress.LOCAL_ADDRESS, SOURCE.getHostAddress())));
            t.start(t.config().endpointPolicy(policy()).egress(direct).build());
            t.produce("bound", 3);
            await("three webhooks", Duration.ofSeconds(30), () -> t.firstReceipts("bound").size() == 3);
            assertThat(t.receiver.received("bound")).allSatisfy(r ->
                    assertThat(r.from()).as("the source address of the delivery").isEqualTo(SOURCE));

            // Proxy and local address together: the address is the source of the connection to the proxy.
            try (var u = new DispatcherTestHelper(services, "egress-bound-proxy")) {
                named(u, "bound-proxied", "receiver.test");
                Egress both = Egress.from(PipelineSettings.of(Map.of(Egress.PROXY, proxy.hostAndPort(),
                        Egress.LOCAL_ADDRESS, SOURCE.getHostAddress())));
                u.start(u.config().endpointPolicy(policy()).egress(both).build());
                u.produce("bound-proxied", 2);
                await("two webhooks through the proxy", Duration.ofSeconds(30), () -> u.firstReceipts("bound-proxied").size() == 2);
                assertThat(proxy.tunnels()).isNotEmpty().allSatisfy(tunnel -> assertThat(tunnel.client()).isEqualTo(SOURCE));
            }
        }
    }
}
