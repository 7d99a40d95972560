package dev.webhookpipeline.address;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * IPv6 addresses that lead to an IPv4 host: a connection to them reaches (or is translated to) the
 * IPv4 address inside, so that address is what must be judged. A DNS answer {@code ::ffff:127.0.0.1}
 * is a connection to loopback.
 */
public final class EmbeddedIpv4 {

    /** The IPv4 addresses an IPv6 address carries, and the name of its form for messages. */
    public record Embedding(String form, List<Inet4Address> addresses) {}

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
    private static final Cidr TEREDO = Cidr.parse("2001::/32");

    private EmbeddedIpv4() {}

    public static Optional<Embedding> in(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length != 16) {
            return Optional.empty();
        }
        if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedding("IPv4-mapped", b, 12);
        }
        if (zero(b, 0, 12) && !(zero(b, 12, 15) && (b[15] & 0xff) <= 1)) { // :: and ::1 are IPv6's own
            return embedding("IPv4-compatible", b, 12);
        }
        if (NAT64.contains(b)) {
            return embedding("NAT64", b, 12);
        }
        if (SIX_TO_FOUR.contains(b)) {
            return embedding("6to4", b, 2);
        }
        if (TEREDO.contains(b)) {
            // Both ends: the Teredo server, and the client, whose address is stored inverted.
            byte[] client = new byte[4];
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~b[12 + i];
            }
            return Optional.of(new Embedding("Teredo", List.of(ipv4(b, 4), ipv4(client, 0))));
        }
        return Optional.empty();
    }

    private static Optional<Embedding> embedding(String form, byte[] b, int at) {
        return Optional.of(new Embedding(form, List.of(ipv4(b, at))));
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Inet4Address ipv4(byte[] b, int at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {b[at], b[at + 1], b[at + 2], b[at + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an IPv4 address
        }
    }
}
