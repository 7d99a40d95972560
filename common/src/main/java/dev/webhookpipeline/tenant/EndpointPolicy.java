package dev.webhookpipeline.tenant;

import dev.webhookpipeline.address.Cidr;
import dev.webhookpipeline.address.EmbeddedIpv4;
import dev.webhookpipeline.address.SpecialAddresses;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which endpoint URLs webhooks may be sent to (SSRF protection). An endpoint must be an absolute
 * {@code https} URL (or {@code http} when insecure endpoints are allowed, for local development),
 * carry no credentials, and every address its host resolves to must be globally reachable: the
 * special-purpose ranges (loopback, link-local and cloud metadata, private, carrier-grade NAT,
 * benchmarking, documentation, multicast, reserved, broadcast; for IPv6 anything outside global
 * unicast {@code 2000::/3} and the special ranges inside it) are refused unless they fall in the
 * operator's allow-list ({@link SpecialAddresses}). An IPv6 address that carries an IPv4 one is
 * judged as that IPv4 address ({@link EmbeddedIpv4}).
 *
 * <p>The dispatcher judges again at send time, and connects only to the addresses it judged, since
 * DNS can change after a config is saved.
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
    public static EndpointPolicy from(PipelineSettings settings) {
        List<String> cidrs = settings.get(ALLOW_CIDRS)
                .map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList())
                .orElse(List.of());
        try {
            return new EndpointPolicy(settings.bool(ALLOW_HTTP, false), cidrs);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(ALLOW_CIDRS + ": " + e.getMessage());
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
        try {
            allowedAddresses(uri.getHost());
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The host's addresses, resolved with this policy's resolver, when every one of them may be
     * reached. Throws when the host does not resolve, or when any address may not be reached (the
     * message says why): one hostile answer among public ones refuses the host, since a client may
     * connect to any of them.
     */
    public InetAddress[] allowedAddresses(String host) throws UnknownHostException {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            addresses = null;
        }
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException("endpoint host " + host + " does not resolve");
        }
        Optional<String> refusal = checkAddresses(host, addresses);
        if (refusal.isPresent()) {
            throw new UnknownHostException(refusal.get());
        }
        return addresses;
    }

    /** Empty when every address of the host may be reached; otherwise why not. */
    public Optional<String> checkAddresses(String host, InetAddress[] addresses) {
        for (InetAddress address : addresses) {
            Optional<String> refusal = refusal(address);
            if (refusal.isPresent()) {
                return Optional.of("endpoint host " + host + " resolves to " + refusal.get()
                        + ", which webhooks may not be sent to"
                        + " (an operator can allow it with the endpoint allow-list)");
            }
        }
        return Optional.empty();
    }

    /** Empty when the URL's form is acceptable (scheme, host, no credentials), without resolving it. */
    public Optional<String> checkForm(String endpoint) {
        return check(endpoint, false);
    }

    /**
     * Why the address may not be reached, or empty. The allow-list wins; an IPv6 address carrying an
     * IPv4 one (mapped, compatible, NAT64, 6to4, Teredo) is judged as that IPv4 address, which is
     * where a connection to it ends up.
     */
    private Optional<String> refusal(InetAddress address) {
        if (allowList.stream().anyMatch(c -> c.contains(address))) {
            return Optional.empty();
        }
        Optional<EmbeddedIpv4.Embedding> embedding = EmbeddedIpv4.in(address);
        if (embedding.isPresent()) {
            for (InetAddress inside : embedding.get().addresses()) {
                Optional<String> refusal = refusal(inside);
                if (refusal.isPresent()) {
                    return Optional.of(refusal.get() + " (inside the " + embedding.get().form() + " address "
                            + address.getHostAddress() + ")");
                }
            }
            return Optional.empty();
        }
        return SpecialAddresses.describe(address);
    }
}
