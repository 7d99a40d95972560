package dev.webhookpipeline.dispatcher.egress;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import org.apache.hc.core5.net.InetAddressUtils;

/**
 * Where deliveries leave from, so that receivers can allow-list it: through an HTTP CONNECT egress
 * proxy (such as Smokescreen), from a bound local address, both (the local address is then the
 * source of the connection to the proxy), or neither (the operating system chooses).
 *
 * @param proxy        the CONNECT proxy's host and port, unresolved; empty: connect directly
 * @param localAddress the local address every connection is bound to; empty: any
 */
public record Egress(Optional<InetSocketAddress> proxy, Optional<InetAddress> localAddress) {

    /** Setting: {@code host:port} of an HTTP CONNECT proxy every delivery goes through. */
    public static final String PROXY = "pipeline.egress.proxy";
    /** Setting: an IP address of this machine that every delivery connection is bound to. */
    public static final String LOCAL_ADDRESS = "pipeline.egress.local-address";

    /** Connect directly, from whatever address the operating system chooses. */
    public static Egress direct() {
        return new Egress(Optional.empty(), Optional.empty());
    }

    /** The egress these settings describe; refuses, naming the setting, what cannot work. */
    public static Egress from(PipelineSettings settings) {
        return new Egress(settings.get(PROXY).map(Egress::parseProxy), settings.get(LOCAL_ADDRESS).map(Egress::parseLocal));
    }

    /** {@code host:port} or {@code http://host:port}; no credentials (settings are logged) and no TLS to the proxy. */
    static InetSocketAddress parseProxy(String value) {
        URI uri;
        try {
            uri = URI.create(value.contains("://") ? value : "http://" + value);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(PROXY + " must be host:port of an HTTP CONNECT proxy, e.g. smokescreen.internal:4750");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new SettingsException(PROXY + " must be an http:// CONNECT proxy (the tunnel carries the endpoint's TLS)");
        }
        if (uri.getRawUserInfo() != null) {
            throw new SettingsException(PROXY + " must not carry credentials: allow the dispatcher's address at the proxy instead");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()
                || uri.getRawPath().equals("/")) || uri.getRawQuery() != null) {
            throw new SettingsException(PROXY + " must be host:port of an HTTP CONNECT proxy, e.g. smokescreen.internal:4750");
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return InetSocketAddress.createUnresolved(host, uri.getPort());
    }

    /** An IP address (never a name) that one of this machine's interfaces holds. */
    static InetAddress parseLocal(String value) {
        if (!InetAddressUtils.isIPv4(value) && !InetAddressUtils.isIPv6(value)) {
            throw new SettingsException(LOCAL_ADDRESS + " must be an IP address of this machine, got '" + value + "'");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(value); // a literal: no DNS
        } catch (UnknownHostException e) {
            throw new SettingsException(LOCAL_ADDRESS + " must be an IP address of this machine, got '" + value + "'");
        }
        // Binding is the test the connections will face (an interface's address list misses e.g. 127.0.0.2).
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress(address, 0));
        } catch (IOException e) {
            throw new SettingsException(LOCAL_ADDRESS + " " + value + " is not an address of this machine ("
                    + e.getMessage() + ")");
        }
        return address;
    }

    @Override
    public String toString() {
        return proxy.map(p -> "through the CONNECT proxy " + p.getHostString() + ":" + p.getPort()).orElse("directly")
                + localAddress.map(a -> " from " + a.getHostAddress()).orElse("");
    }
}
