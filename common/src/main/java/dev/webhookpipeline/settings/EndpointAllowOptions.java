package dev.webhookpipeline.settings;

import dev.webhookpipeline.tenant.EndpointPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Opens the endpoint rules for local development: the same options for a command that saves a
 * tenant's config ({@code webhookctl}) and for the dispatcher that delivers to it.
 */
public final class EndpointAllowOptions {

    @Option(names = "--allow-http", description = "Accept a plain-http endpoint (local development only).")
    boolean allowHttp;

    @Option(names = "--allow-cidr", paramLabel = "CIDR",
            description = "Accept an endpoint resolving into this non-public range, e.g. 127.0.0.0/8 (repeatable).")
    List<String> allowCidrs = new ArrayList<>();

    /** The settings these options override. */
    public Map<String, String> settings() {
        Map<String, String> extra = new HashMap<>();
        if (allowHttp) {
            extra.put(EndpointPolicy.ALLOW_HTTP, "true");
        }
        if (!allowCidrs.isEmpty()) {
            extra.put(EndpointPolicy.ALLOW_CIDRS, String.join(",", allowCidrs));
        }
        return extra;
    }
}
