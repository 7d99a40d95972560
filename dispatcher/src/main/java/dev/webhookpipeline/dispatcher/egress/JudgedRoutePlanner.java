package dev.webhookpipeline.dispatcher.egress;

import dev.webhookpipeline.tenant.EndpointPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.RouteInfo.LayerType;
import org.apache.hc.client5.http.RouteInfo.TunnelType;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Decides where each request connects: the dispatcher resolves the endpoint's host itself, has the
 * endpoint policy judge every address, and pins the route to the first one, so the connection goes
 * to an address that was judged — never to a second DNS answer (rebinding). Through an egress proxy
 * the tunnel is asked for that address ({@code CONNECT 203.0.113.7:443}), not the name, since the
 * proxy would otherwise resolve the name again, after the judgement. The name stays what TLS
 * verifies and sends as SNI, and what the {@code Host} header says. The proxy's own address is a
 * hop, never a target: it is not judged.
 */
public final class JudgedRoutePlanner implements HttpRoutePlanner {

    private final EndpointPolicy policy;
    private final Optional<HttpHost> proxy;
    private final InetAddress localAddress;

    public JudgedRoutePlanner(EndpointPolicy policy, Egress egress) {
        this.policy = policy;
        this.proxy = egress.proxy().map(p -> new HttpHost(URIScheme.HTTP.id, p.getHostString(), p.getPort()));
        this.localAddress = egress.localAddress().orElse(null);
    }

    @Override
    public HttpRoute determineRoute(HttpHost target, HttpContext context) throws EndpointRefusedException {
        int port = DefaultSchemePortResolver.INSTANCE.resolve(target);
        HttpHost named = new HttpHost(target.getSchemeName(), target.getHostName(), port);
        InetAddress judged;
        try {
            judged = policy.allowedAddresses(target.getHostName())[0];
        } catch (UnknownHostException e) {
            throw new EndpointRefusedException(e.getMessage());
        }
        HttpHost pinned = new HttpHost(target.getSchemeName(), judged, judged.getHostAddress(), port);
        boolean secure = URIScheme.HTTPS.same(target.getSchemeName());
        if (proxy.isEmpty()) {
            return new HttpRoute(pinned, named, localAddress, secure);
        }
        // Always a tunnel, plain http too: a proxy forwarding "POST http://name/" would resolve the name itself.
        return new HttpRoute(pinned, named, localAddress, new HttpHost[] {proxy.get()}, secure, TunnelType.TUNNELLED,
                secure ? LayerType.LAYERED : LayerType.PLAIN);
    }
}
