package dev.webhookpipeline.dispatcher.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The connection manager's resolver. Targets arrive with the address {@link JudgedRoutePlanner}
 * judged, so the only name left to resolve is the operator's egress proxy; any other name reaching
 * here would be a target that bypassed the judgement, and is refused.
 */
public final class ProxyOnlyDnsResolver implements DnsResolver {

    private final Optional<String> proxyHost;

    public ProxyOnlyDnsResolver(Egress egress) {
        this.proxyHost = egress.proxy().map(p -> p.getHostString());
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        if (proxyHost.isPresent() && proxyHost.get().equalsIgnoreCase(host)) {
            return SystemDefaultDnsResolver.INSTANCE.resolve(host);
        }
        throw new UnknownHostException("host " + host + " was not judged by the endpoint policy");
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return resolve(host)[0].getCanonicalHostName();
    }
}
