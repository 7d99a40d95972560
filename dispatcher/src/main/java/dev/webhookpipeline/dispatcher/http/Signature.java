package dev.webhookpipeline.dispatcher.http;

import dev.webhookpipeline.signing.SigningSecret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signature: {@code v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>},
 * keyed as {@link SigningSecret} says ({@code whsec_} secrets by their decoded bytes). Lets a receiver
 * verify a webhook with the official libraries, without comparing the raw secret, and reject replays
 * by the timestamp.
 */
public final class Signature {
    private Signature() {}

    public static String sign(String secret, String webhookId, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SigningSecret.key(secret), "HmacSHA256"));
            byte[] digest = mac.doFinal((webhookId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every JDK has it
        }
    }

    /**
     * One signature per secret, space-separated as the specification allows: during a rotation a
     * receiver holding either secret finds its own.
     */
    public static String sign(List<String> secrets, String webhookId, long timestampSeconds, String body) {
        return secrets.stream().map(secret -> sign(secret, webhookId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }
}
