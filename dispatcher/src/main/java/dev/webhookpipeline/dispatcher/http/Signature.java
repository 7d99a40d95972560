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

    private static final String ALGORITHM = "HmacSHA256";
    /** Looked up once: a provider lookup on every request showed in profiles; clones are cheap and independent. */
    private static final Mac PROTOTYPE = newMac();

    private Signature() {}

    public static String sign(String secret, String webhookId, long timestampSeconds, String body) {
        return sign(secret, webhookId, timestampSeconds, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Signs the body's bytes as they are sent: no copy of the body is made for signing. */
    public static String sign(String secret, String webhookId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = mac();
            mac.init(new SecretKeySpec(SigningSecret.key(secret), ALGORITHM));
            mac.update((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 refused its key", e); // any byte string is an HMAC key
        }
    }

    /**
     * One signature per secret, space-separated as the specification allows: during a rotation a
     * receiver holding either secret finds its own.
     */
    public static String sign(List<String> secrets, String webhookId, long timestampSeconds, String body) {
        return sign(secrets, webhookId, timestampSeconds, body.getBytes(StandardCharsets.UTF_8));
    }

    public static String sign(List<String> secrets, String webhookId, long timestampSeconds, byte[] body) {
        if (secrets.size() == 1) {
            return sign(secrets.get(0), webhookId, timestampSeconds, body);
        }
        return secrets.stream().map(secret -> sign(secret, webhookId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    private static Mac mac() {
        try {
            return (Mac) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newMac(); // a provider whose HMAC cannot be cloned
        }
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every JDK has it
        }
    }
}
