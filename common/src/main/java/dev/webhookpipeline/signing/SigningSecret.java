package dev.webhookpipeline.signing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * What a tenant's secret means as an HMAC key, the one place for that rule.
 *
 * <ul>
 *   <li>{@code whsec_<base64>} (Standard Webhooks): the key is the base64-decoded bytes, 24 to 64 of
 *   them, so the official Standard Webhooks libraries verify with the secret as it is.
 *   <li>Any other (legacy) secret: the key is its own bytes (printable ASCII, so UTF-8 and Latin-1
 *   agree); the official libraries verify with it as a raw key ({@code {format: "raw"}} in
 *   JavaScript, bytes in Python and Go). Kept so tenants configured before {@code whsec_} keep working.
 * </ul>
 */
public final class SigningSecret {

    public static final String PREFIX = "whsec_";
    /** The Standard Webhooks specification's bounds for a symmetric key. */
    public static final int MIN_KEY_BYTES = 24;
    public static final int MAX_KEY_BYTES = 64;
    /** What {@link #generate()} draws: comfortably above the minimum. */
    public static final int GENERATED_KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private SigningSecret() {}

    /** A new {@code whsec_} secret of {@value #GENERATED_KEY_BYTES} random bytes. */
    public static String generate() {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    public static boolean isStandard(String secret) {
        return secret.startsWith(PREFIX);
    }

    /**
     * Why a {@code whsec_} secret cannot be a Standard Webhooks key (never quoting it); empty for a
     * good one and for any legacy secret (whose own rules are the config's).
     */
    public static Optional<String> problem(String secret) {
        if (!isStandard(secret)) {
            return Optional.empty();
        }
        byte[] key = decode(secret);
        if (key == null) {
            return Optional.of("a " + PREFIX + " secret must be followed by padded standard base64");
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            return Optional.of("a " + PREFIX + " secret must hold " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES
                    + " bytes, this one holds " + key.length);
        }
        return Optional.empty();
    }

    /**
     * The HMAC key of a secret.
     *
     * @throws IllegalArgumentException for a {@code whsec_} secret that is not base64 (configs are
     *         checked with {@link #problem} before they are saved)
     */
    public static byte[] key(String secret) {
        if (!isStandard(secret)) {
            return secret.getBytes(StandardCharsets.UTF_8);
        }
        byte[] key = decode(secret);
        if (key == null) {
            throw new IllegalArgumentException("the " + PREFIX + " secret is not base64"); // never the secret itself
        }
        return key;
    }

    /** The decoded key, or null unless the text after the prefix is canonical padded base64 (as every library reads it). */
    private static byte[] decode(String secret) {
        String encoded = secret.substring(PREFIX.length());
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            return Base64.getEncoder().encodeToString(key).equals(encoded) ? key : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
