package dev.webhookpipeline.dispatcher.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The failure excerpt of a response body never shows the tenant's secret: not whole, not cut at the
 * excerpt's boundary, not in part (any 8 characters of it), and not escaped or encoded the ways an
 * endpoint may echo it (JSON, URL, HTML, base64, hex). Plain text that merely shares fewer than 8
 * characters with the secret stays as it was.
 */
class ResponseExcerptTest {

    /** A printable-ASCII secret with characters JSON and URLs escape. */
    static final String PLAIN = "p\"a\\s/s+w=o&r<d>-0123456789";
    /** A Standard Webhooks secret: base64 with {@code +/=}. */
    static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8I+/PZIo2LaLaSw3Y+dw==";

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String unicodeEscaped(String s, boolean upper) {
        return s.chars().mapToObj(c -> String.format(upper ? "\\u%04X" : "\\u%04x", c)).collect(Collectors.joining());
    }

    /** Escapes only the characters HTML-safe JSON encoders (Gson, Go) escape, as a JSON unicode escape. */
    static String htmlSafeJson(String s) {
        return s.chars().mapToObj(c -> "<>&='+".indexOf(c) >= 0 ? String.format("\\u%04x", c) : Character.toString(c))
                .collect(Collectors.joining());
    }

    static String jsonEscaped(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/");
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String lowerCaseHex(String percentEncoded) {
        return Pattern.compile("%[0-9A-F]{2}").matcher(percentEncoded).replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
    }

    static String htmlEntities(String s) {
        return s.chars().mapToObj(c -> Character.isLetterOrDigit(c) ? Character.toString(c) : "&#" + c + ";")
                .collect(Collectors.joining());
    }

    /** {@code count} control characters (collapsed to one space) then the whole secret, cut at the excerpt's end. */
    static byte[] cutAtTheBoundary(String secret, int keep) {
        byte[] bytes = new byte[WebhookSender.BODY_EXCERPT_BYTES + 1];
        byte[] echo = secret.getBytes(StandardCharsets.US_ASCII);
        int start = WebhookSender.BODY_EXCERPT_BYTES - keep;
        Arrays.fill(bytes, 0, start, (byte) '\n');
        System.arraycopy(echo, 0, bytes, start, Math.min(echo.length, bytes.length - start));
        return bytes;
    }

    static Stream<Arguments> echoes() {
        return Stream.of(PLAIN, WHSEC).flatMap(secret -> Stream.of(
                Arguments.of(secret, "whole", "bad request, you sent " + secret),
                Arguments.of(secret, "a run of 8 from the middle", "got " + secret.substring(5, 13) + " which is wrong"),
                Arguments.of(secret, "JSON-escaped", "{\"error\":\"bad secret " + jsonEscaped(secret) + "\"}"),
                Arguments.of(secret, "JSON \\u-escaped, lower case", "{\"got\":\"" + unicodeEscaped(secret, false) + "\"}"),
                Arguments.of(secret, "JSON \\u-escaped, upper case", "{\"got\":\"" + unicodeEscaped(secret, true) + "\"}"),
                Arguments.of(secret, "HTML-safe JSON", "{\"got\":\"" + htmlSafeJson(secret) + "\"}"),
                Arguments.of(secret, "URL-encoded", "redirect?secret=" + url(secret) + "&x=1"),
                Arguments.of(secret, "URL-encoded, lower-case hex", "secret=" + lowerCaseHex(url(secret))),
                Arguments.of(secret, "URL-encoded JSON escapes", "q=" + url(unicodeEscaped(secret, false))),
                Arguments.of(secret, "HTML entities", "<p>" + htmlEntities(secret) + "</p>"),
                Arguments.of(secret, "base64", "token " + base64(secret) + " rejected"),
                Arguments.of(secret, "base64 of user:secret (Basic)", "Basic " + base64("user:" + secret)),
                Arguments.of(secret, "base64 of a longer text", "echo=" + base64("{\"secret\":\"" + secret + "\"}")),
                Arguments.of(secret, "base64url", "t=" + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(secret.getBytes(StandardCharsets.UTF_8))),
                Arguments.of(secret, "hex", "digest input " + HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)))));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("echoes")
    void anEchoIsMasked(String secret, String how, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String excerpt = WebhookSender.excerpt(bytes, bytes.length, secret);
        assertThat(excerpt).as(how).contains("****");
        assertNoRunOf(secret, excerpt, body);
    }

    @ParameterizedTest(name = "cut at the boundary, {1} characters kept: {0}")
    @MethodSource("cuts")
    void anEchoCutAtTheExcerptBoundaryIsMasked(String secret, int kept) {
        byte[] bytes = cutAtTheBoundary(secret, kept);
        String excerpt = WebhookSender.excerpt(bytes, WebhookSender.BODY_EXCERPT_BYTES, secret);
        assertThat(excerpt).isEqualTo("****");
    }

    static Stream<Arguments> cuts() {
        return Stream.of(PLAIN, WHSEC).flatMap(secret -> Stream.of(8, 12, secret.length() - 1)
                .map(kept -> Arguments.of(secret, kept)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("innocent")
    void textThatIsNoEchoStaysAsItWas(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSender.excerpt(bytes, bytes.length, WHSEC)).isEqualTo(body);
    }

    static Stream<String> innocent() {
        return Stream.of("HTTP 500: database down",
                "seven " + WHSEC.substring(0, 7) + " chars of it are not a run of 8",
                "unrelated base64 " + base64("nothing to see here, really"),
                "{\"error\":\"\\u003cnot\\u003e a secret\"}",
                "percent %41%42 and hex 00ff00ff00ff00ff00ff");
    }

    /** Neither the excerpt nor any decoding of it holds 8 characters of the secret in a row. */
    static void assertNoRunOf(String secret, String excerpt, String body) {
        for (int i = 0; i + 8 <= secret.length(); i++) {
            assertThat(excerpt).as("excerpt of %s", body).doesNotContain(secret.substring(i, i + 8));
        }
    }
}
