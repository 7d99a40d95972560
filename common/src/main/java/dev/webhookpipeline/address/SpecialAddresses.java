package dev.webhookpipeline.address;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The address ranges webhooks must not reach unless an operator allows them: the IANA
 * special-purpose ranges that are not globally reachable, and for IPv6 everything outside global
 * unicast ({@code 2000::/3}). IPv6 forms that carry an IPv4 address are not judged here but by the
 * IPv4 address they carry (see {@link EmbeddedIpv4}).
 */
public final class SpecialAddresses {

    /** A range and what it is, as an adjective for an error message ("a loopback"). */
    private record Range(Cidr cidr, String kind) {
        Range(String cidr, String kind) {
            this(Cidr.parse(cidr), kind);
        }
    }

    /** First match names the kind: the broadcast address comes before the reserved block holding it. */
    private static final List<Range> IPV4 = List.of(
            new Range("0.0.0.0/8", "a 'this network'"),
            new Range("10.0.0.0/8", "a private"),
            new Range("100.64.0.0/10", "a carrier-grade NAT"),
            new Range("127.0.0.0/8", "a loopback"),
            new Range("169.254.0.0/16", "a link-local (cloud metadata)"),
            new Range("172.16.0.0/12", "a private"),
            new Range("192.0.0.0/24", "an IETF protocol (192.0.0.0/24, which holds cloud metadata services)"),
            new Range("192.0.2.0/24", "a documentation"),
            new Range("192.88.99.0/24", "a 6to4 relay anycast"),
            new Range("192.168.0.0/16", "a private"),
            new Range("198.18.0.0/15", "a benchmarking"),
            new Range("198.51.100.0/24", "a documentation"),
            new Range("203.0.113.0/24", "a documentation"),
            new Range("224.0.0.0/4", "a multicast"),
            new Range("255.255.255.255/32", "the broadcast"),
            new Range("240.0.0.0/4", "a reserved (240.0.0.0/4)"));

    /** Checked before the global-unicast rule, for a precise reason; the special ranges inside 2000::/3 too. */
    private static final List<Range> IPV6 = List.of(
            new Range("::/128", "the unspecified"),
            new Range("::1/128", "a loopback"),
            new Range("fe80::/10", "a link-local"),
            new Range("fc00::/7", "a unique-local"),
            new Range("ff00::/8", "a multicast"),
            new Range("2001:db8::/32", "a documentation"),
            new Range("3fff::/20", "a documentation"),
            new Range("2001:2::/48", "a benchmarking"),
            new Range("2001::/23", "an IETF protocol assignment (2001::/23)"));

    private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");

    private SpecialAddresses() {}

    /**
     * Empty for an address webhooks may reach; otherwise what it is, with the address, e.g.
     * {@code a loopback address 127.0.0.1}.
     */
    public static Optional<String> describe(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range range : bytes.length == 4 ? IPV4 : IPV6) {
            if (range.cidr().contains(bytes)) {
                return Optional.of(range.kind() + " address " + address.getHostAddress());
            }
        }
        if (bytes.length == 16 && !GLOBAL_UNICAST.contains(bytes)) {
            return Optional.of("the IPv6 address " + address.getHostAddress() + ", which is not global unicast (2000::/3)");
        }
        return Optional.empty();
    }
}
