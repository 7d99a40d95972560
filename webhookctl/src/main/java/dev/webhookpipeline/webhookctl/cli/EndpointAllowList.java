package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.tenant.EndpointPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The endpoint allow-list options of commands that write configs, as settings for {@link EndpointPolicy}. */
final class EndpointAllowList {

    @Option(names = "--allow-http", description = "Accept plain-http endpoints (local development only).")
    boolean allowHttp;

    @Option(names = "--allow-cidr", paramLabel = "CIDR",
            description = "Accept endpoints resolving into this non-public range, e.g. 127.0.0.0/8 (repeatable).")
    List<String> allowCidrs = new ArrayList<>();

    Map<String, String> settings() {
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
