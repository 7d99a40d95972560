package dev.webhookpipeline.dispatcher.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The headers every answer of the admin surface carries, and the Content-Security-Policy of each
 * page. A page's inline {@code <script>} and {@code <style>} blocks are allowed by their SHA-256
 * hashes, computed from the served file at start-up: nothing else may run or style the page (no
 * injected script, no inline event handlers, no eval), and it may only talk to its own origin.
 */
final class SecurityHeaders {

    /** For answers that are not pages (JSON, metrics, errors): nothing may load or run. */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static final Map<String, String> COMMON = Map.of(
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            // Not no-referrer: browsers then send "Origin: null" with the page's own POSTs, and SameOrigin
            // needs the real one. same-origin still tells other sites nothing.
            "Referrer-Policy", "same-origin",
            "Cache-Control", "no-store"); // tenant status is live and private: never cached
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern INLINE_STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

    private SecurityHeaders() {}

    /** The headers every answer gets. */
    static Map<String, String> common() {
        return COMMON;
    }

    /** The policy of a page: its own inline blocks by hash, requests and form posts to its own origin only. */
    static String pagePolicy(String html) {
        return "default-src 'none'"
                + "; script-src " + sources(INLINE_SCRIPT, html)
                + "; style-src " + sources(INLINE_STYLE, html)
                + "; connect-src 'self'; img-src 'self'; form-action 'self'"
                + "; frame-ancestors 'none'; base-uri 'none'";
    }

    private static String sources(Pattern inline, String html) {
        List<String> sources = new ArrayList<>(List.of("'self'"));
        Matcher m = inline.matcher(html);
        while (m.find()) {
            sources.add("'sha256-" + sha256(m.group(1)) + "'");
        }
        return String.join(" ", sources);
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
