package dev.webhookpipeline.dispatcher.http;

import dev.webhookpipeline.tenant.EndpointPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Resolves endpoint hosts for the HTTP client and refuses any that resolve to an address the
 * endpoint policy forbids. Checking here, on the addresses actually connected to, defeats DNS
 * rebinding (a name that was public when the config was saved and points inside later).
 */
final class PolicyDnsResolver implements DnsResolver {

    private final EndpointPolicy policy;

    PolicyDnsResolver(EndpointPolicy policy) {
        this.policy = policy;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        Optional<String> refusal = policy.checkAddresses(host, addresses);
        if (refusal.isPresent()) {
            throw new UnknownHostException(refusal.get());
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }
}
