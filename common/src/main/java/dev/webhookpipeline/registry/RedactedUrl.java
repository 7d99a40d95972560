package dev.webhookpipeline.registry;

import java.net.URI;

/** Removes credentials ({@code user:password@}) and query strings from a URL before it is shown. */
public final class RedactedUrl {
    private RedactedUrl() {}

    public static String of(String url) {
        if (url == null) {
            return "null";
        }
        try {
            URI uri = URI.create(url.strip());
            if (uri.getHost() == null) {
                return "<unparseable url>";
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return uri.getScheme() + "://" + (uri.getRawUserInfo() == null ? "" : "***@") + uri.getHost() + port + path
                    + (uri.getRawQuery() == null ? "" : "?***");
        } catch (IllegalArgumentException e) {
            return "<unparseable url>";
        }
    }
}
