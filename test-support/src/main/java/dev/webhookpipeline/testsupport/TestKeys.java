package dev.webhookpipeline.testsupport;

import java.security.SecureRandom;
import java.util.Base64;

/** Secret-encryption keys for tests, recorded through {@link TestSecrets} so the log scan looks for them. */
public final class TestKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {}

    /** A new random AES-256 key as a key-ring entry {@code id=base64}. */
    public static String entry(String id) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return id + "=" + TestSecrets.remember("secret key " + id, Base64.getEncoder().encodeToString(key));
    }

    /** The base64 key of an {@link #entry}. */
    public static String keyOf(String entry) {
        return entry.substring(entry.indexOf('=') + 1);
    }
}
