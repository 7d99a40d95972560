package dev.webhookpipeline.tenant;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which endpoint URLs webhooks may be sent to (SSRF protection). An endpoint must be an absolute
 * {@code https} URL (or {@code http} when insecure endpoints are allowed, for local development),
 * carry no credentials, and every address its host resolves to must be public: loopback,
 * link-local (cloud metadata), private, carrier-grade NAT, unique-local, multicast and unspecified
 * addresses are refused unless they fall in the operator's allow-list.
 *
 * <p>The dispatcher checks again at send time, since DNS can change after a config is saved.
 */
public final class EndpointPolicy {

    private final boolean allowHttp;
    private final List<Cidr> allowList;
    private final HostResolver resolver;

    /** Resolves a host name to all of its addresses; replaceable so tests need no DNS. */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    public EndpointPolicy(boolean allowHttp, List<String> allowedCidrs) {
        this(allowHttp, allowedCidrs, InetAddress::getAllByName);
    }

    public EndpointPolicy(boolean allowHttp, List<String> allowedCidrs, HostResolver resolver) {
        this.allowHttp = allowHttp;
        this.allowList = allowedCidrs.stream().map(Cidr::parse).toList();
        this.resolver = resolver;
    }

    /** Setting: allow plain-http endpoints (local development only). */
    public static final String ALLOW_HTTP = "pipeline.endpoints.allow-http";
    /** Setting: comma-separated CIDRs webhooks may reach even though they are not public. */
    public static final String ALLOW_CIDRS = "pipeline.endpoints.allow-cidrs";

    /** The policy the settings describe; strict unless they open it. */
    public static EndpointPolicy from(dev.webhookpipeline.settings.PipelineSettings settings) {
        List<String> cidrs = settings.get(ALLOW_CIDRS)
                .map(v -> java.util.Arrays.stream(v.split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList())
                .orElse(List.of());
        try {
            return new EndpointPolicy(settings.bool(ALLOW_HTTP, false), cidrs);
        } catch (IllegalArgumentException e) {
            throw new dev.webhookpipeline.settings.SettingsException(ALLOW_CIDRS + ": " + e.getMessage());
        }
    }

    /** Production: https only, public addresses only. */
    public static EndpointPolicy strict() {
        return new EndpointPolicy(false, List.of());
    }

    /** Local development: http allowed, loopback allowed. */
    public static EndpointPolicy localDevelopment() {
        return new EndpointPolicy(true, List.of("127.0.0.0/8", "::1/128"));
    }

    /** Empty when the endpoint may be used; otherwise why not, in words a tenant can act on. */
    public Optional<String> check(String endpoint) {
        return check(endpoint, true);
    }

    private Optional<String> check(String endpoint, boolean resolve) {
        if (endpoint == null || endpoint.isBlank()) {
            return Optional.of("endpoint is missing: give an absolute https:// URL");
        }
        URI uri;
        try {
            uri = new URI(endpoint.strip());
        } catch (URISyntaxException e) {
            return Optional.of("endpoint is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of("endpoint must be an absolute http(s) URL such as https://example.com/webhooks");
        }
        if (scheme.equals("http") && !allowHttp) {
            return Optional.of("endpoint must use https (plain http is only allowed in local development)");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("endpoint has no host name");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("endpoint must not carry credentials (user:password@); the shared secret authenticates webhooks");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("endpoint must not have a #fragment");
        }
        if (!resolve) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(uri.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("endpoint host " + uri.getHost() + " does not resolve");
        }
        return checkAddresses(uri.getHost(), addresses);
    }

    /** Empty when every address of the host may be reached; otherwise why not. */
    public Optional<String> checkAddresses(String host, InetAddress[] addresses) {
        for (InetAddress address : addresses) {
            Optional<String> kind = nonPublicKind(address);
            if (kind.isPresent() && allowList.stream().noneMatch(c -> c.contains(address))) {
                return Optional.of("endpoint host " + host + " resolves to " + kind.get() + " address "
                        + address.getHostAddress() + ", which webhooks may not be sent to"
                        + " (an operator can allow it with the endpoint allow-list)");
            }
        }
        return Optional.empty();
    }

    /** Empty when the URL's form is acceptable (scheme, host, no credentials), without resolving it. */
    public Optional<String> checkForm(String endpoint) {
        return check(endpoint, false);
    }

    static Optional<String> nonPublicKind(InetAddress a) {
        byte[] b = a.getAddress();
        if (a.isLoopbackAddress()) {
            return Optional.of("a loopback");
        }
        if (a.isAnyLocalAddress()) {
            return Optional.of("an unspecified");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("a link-local (cloud metadata)");
        }
        if (a.isSiteLocalAddress()) {
            return Optional.of("a private");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("a multicast");
        }
        if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return Optional.of("a carrier-grade NAT");
        }
        if (b.length == 4 && (b[0] & 0xff) == 0) {
            return Optional.of("a 'this network'");
        }
        if (b.length == 16 && (b[0] & 0xfe) == 0xfc) {
            return Optional.of("a unique-local");
        }
        return Optional.empty();
    }

    record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            String[] parts = text.strip().split("/");
            try {
                byte[] net = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : net.length * 8;
                if (bits < 0 || bits > net.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in allow-list entry '" + text + "'");
                }
                return new Cidr(net, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("allow-list entries must be CIDRs like 10.0.0.0/8, got '" + text + "'");
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
