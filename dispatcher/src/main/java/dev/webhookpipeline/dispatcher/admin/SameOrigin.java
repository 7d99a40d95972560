package dev.webhookpipeline.dispatcher.admin;

import java.net.URI;
import java.util.Locale;

/**
 * The CSRF rule for requests that change something and are authenticated by the session cookie
 * alone: the browser must say they come from the page itself. {@code Sec-Fetch-Site}, when sent
 * (every current browser does), must be {@code same-origin}; {@code Origin} must be present and name
 * the host and port the request was sent to ({@code Host}). A request with neither is refused: a
 * browser always sends {@code Origin} with a POST. Requests carrying the operator token in the
 * {@code Authorization} header need no check: another site cannot make a browser send that header.
 * The cookie is also {@code SameSite=Strict}; this check does not rely on it.
 */
final class SameOrigin {

    private SameOrigin() {}

    static boolean allows(String origin, String secFetchSite, String host) {
        if (secFetchSite != null && !secFetchSite.equalsIgnoreCase("same-origin")) {
            return false;
        }
        if (origin == null || host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            String scheme = uri.getScheme();
            if (uri.getRawAuthority() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return false; // also "null", the Origin of sandboxed and file pages
            }
            return authority(uri.getRawAuthority(), scheme).equals(authority(host, scheme));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Lower case, without the scheme's default port: {@code Example.com:443} over https is {@code example.com}. */
    private static String authority(String hostAndPort, String scheme) {
        String lower = hostAndPort.strip().toLowerCase(Locale.ROOT);
        String defaultPort = scheme.equals("https") ? ":443" : ":80";
        return lower.endsWith(defaultPort) ? lower.substring(0, lower.length() - defaultPort.length()) : lower;
    }
}
