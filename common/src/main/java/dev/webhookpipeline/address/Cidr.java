package dev.webhookpipeline.address;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address range such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
public record Cidr(byte[] network, int bits) {

    /** Parses {@code address/bits} (or a single address); an IPv4 range never contains IPv6 addresses and vice versa. */
    public static Cidr parse(String text) {
        String[] parts = text.strip().split("/");
        if (parts.length > 2 || !looksLikeAddress(parts[0])) {
            throw new IllegalArgumentException("allow-list entries must be CIDRs like 10.0.0.0/8, got '" + text + "'");
        }
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

    /** A literal, never a name: {@link InetAddress#getByName} would otherwise look a name up in DNS. */
    private static boolean looksLikeAddress(String text) {
        return text.matches("[0-9.]+") || (text.contains(":") && text.matches("[0-9A-Fa-f:.]+"));
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr c && c.bits == bits && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + bits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes by construction
        }
    }
}
