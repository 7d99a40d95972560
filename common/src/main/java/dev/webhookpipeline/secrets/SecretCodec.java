package dev.webhookpipeline.secrets;

import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.settings.PipelineSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The one place tenant secrets are encrypted for the config topic and decrypted from it. A stored
 * secret is either an envelope {@code enc:v1:<key-id>:<base64(nonce | ciphertext | tag)>} (AES-256-GCM,
 * a random 96-bit nonce, the tenant id and key id as associated data, so a ciphertext moved to another
 * tenant does not decrypt) or, as written before encryption or without a key, the plaintext itself.
 * The Avro field stays a string, so old records and old readers keep working.
 */
public final class SecretCodec {

    static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyRing keys;

    public SecretCodec(KeyRing keys) {
        this.keys = keys;
    }

    /** Secrets stay as they are: no key configured. Reads plaintext only. */
    public static SecretCodec plaintext() {
        return new SecretCodec(KeyRing.empty());
    }

    public static SecretCodec from(PipelineSettings settings) {
        return new SecretCodec(KeyRing.from(settings));
    }

    public KeyRing keys() {
        return keys;
    }

    /** One line for a service's start-up log: how secrets are stored (key ids only). */
    public String describe() {
        return keys.currentKeyId()
                .map(id -> "tenant secrets are encrypted at rest under key '" + id + "' (readable keys: " + keys.keyIds() + ")")
                .orElse("no secret key configured (" + KeyRing.KEYS + " / " + KeyRing.KEYS_FILE
                        + "): tenant secrets are written to the config topic unencrypted");
    }

    /** Whether the stored value is an envelope rather than a plaintext secret. */
    public static boolean isEncrypted(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The key id of an envelope; empty for a plaintext (or null) secret. */
    public static Optional<String> keyIdOf(String stored) {
        if (!isEncrypted(stored)) {
            return Optional.empty();
        }
        int end = stored.indexOf(':', PREFIX.length());
        return Optional.of(end < 0 ? stored.substring(PREFIX.length()) : stored.substring(PREFIX.length(), end));
    }

    /** The secret as stored: under the current key, or unchanged when there is none. Null stays null. */
    public String encrypt(String tenantId, String secret) {
        if (secret == null) {
            return null;
        }
        Optional<String> current = keys.currentKeyId();
        if (current.isEmpty()) {
            if (isEncrypted(secret)) {
                // Stored as is, it would later be taken for an envelope.
                throw new IllegalArgumentException("a secret starting with '" + PREFIX + "' cannot be stored unencrypted");
            }
            return secret;
        }
        String keyId = current.get();
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.key(keyId).orElseThrow(), nonce, tenantId, keyId);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The secret from its stored form: a plaintext one passes through.
     *
     * @throws SecretDecryptionException the key id is unknown, the envelope malformed, or the
     *         ciphertext altered or written for another tenant
     */
    public String decrypt(String tenantId, String stored) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        String keyId = keyIdOf(stored).orElseThrow();
        int colon = PREFIX.length() + keyId.length();
        if (colon >= stored.length() || stored.charAt(colon) != ':') {
            throw new SecretDecryptionException(tenantId, keyId, "malformed envelope");
        }
        SecretKey key = keys.key(keyId).orElseThrow(() -> new SecretDecryptionException(tenantId, keyId,
                "the key is not among the configured secret keys " + keys.keyIds()));
        byte[] data;
        try {
            data = Base64.getDecoder().decode(stored.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new SecretDecryptionException(tenantId, keyId, "malformed envelope");
        }
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SecretDecryptionException(tenantId, keyId, "malformed envelope");
        }
        try {
            byte[] nonce = Arrays.copyOf(data, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, tenantId, keyId);
            return new String(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SecretDecryptionException(tenantId, keyId, "altered, or written for another tenant");
        } catch (GeneralSecurityException e) {
            throw new SecretDecryptionException(tenantId, keyId, e.getClass().getSimpleName());
        }
    }

    /** The config with {@code secret} and {@code previous_secret} as they are stored. */
    public WebhookConfig encrypt(WebhookConfig config) {
        String tenant = config.getTenantId();
        return WebhookConfig.newBuilder(config)
                .setSecret(encrypt(tenant, config.getSecret()))
                .setPreviousSecret(encrypt(tenant, config.getPreviousSecret()))
                .build();
    }

    /** The config with {@code secret} and {@code previous_secret} in plaintext. */
    public WebhookConfig decrypt(WebhookConfig config) {
        String tenant = config.getTenantId();
        return WebhookConfig.newBuilder(config)
                .setSecret(decrypt(tenant, config.getSecret()))
                .setPreviousSecret(decrypt(tenant, config.getPreviousSecret()))
                .build();
    }

    /** Whether every secret of the stored config is already under the current key (nothing to re-encrypt). */
    public boolean isCurrent(WebhookConfig stored) {
        return isUnderCurrentKey(stored.getSecret()) && (stored.getPreviousSecret() == null
                || isUnderCurrentKey(stored.getPreviousSecret()));
    }

    private boolean isUnderCurrentKey(String stored) {
        return keys.currentKeyId().equals(keyIdOf(stored));
    }

    private static Cipher cipher(int mode, SecretKey key, byte[] nonce, String tenantId, String keyId)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        // Binds the ciphertext to its tenant and key id: moved elsewhere, it no longer decrypts.
        cipher.updateAAD(("tenant:" + tenantId + "\nkey:" + keyId).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
