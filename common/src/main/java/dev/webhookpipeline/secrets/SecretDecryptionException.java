package dev.webhookpipeline.secrets;

/**
 * A stored secret that cannot be turned back into the secret: its key is unknown or it was altered.
 * An {@link IllegalArgumentException} so readers treat the record as bad input (the record is at
 * fault, not a dependency). The message names the tenant and the key id, never a key or a secret.
 */
public final class SecretDecryptionException extends IllegalArgumentException {

    private final String tenantId;
    private final String keyId;

    SecretDecryptionException(String tenantId, String keyId, String why) {
        super("the secret of tenant '" + tenantId + "' (key id '" + keyId + "') cannot be decrypted: " + why);
        this.tenantId = tenantId;
        this.keyId = keyId;
    }

    public String tenantId() {
        return tenantId;
    }

    public String keyId() {
        return keyId;
    }
}
