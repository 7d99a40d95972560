package dev.webhookpipeline.secrets;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys tenant secrets are encrypted with: every key that may still be read, by id, and the
 * current one new secrets are written under. Empty when none is configured (secrets then stay
 * plaintext). Never shows a key: not in {@link #toString()}, not in an exception message.
 */
public final class KeyRing {

    /** Inline keys, {@code id=base64} separated by commas or white space ({@code PIPELINE_SECRETS_KEYS}). */
    public static final String KEYS = "pipeline.secrets.keys";
    /** A file of keys, one {@code id=base64} a line, {@code #} comments ({@code PIPELINE_SECRETS_KEYS_FILE}). */
    public static final String KEYS_FILE = "pipeline.secrets.keys-file";
    /** The id new secrets are encrypted under; by default the last key listed. */
    public static final String CURRENT_KEY = "pipeline.secrets.current-key";

    static final int KEY_BYTES = 32;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<String, SecretKey> keys;
    private final String currentKeyId;

    private KeyRing(Map<String, SecretKey> keys, String currentKeyId) {
        this.keys = Map.copyOf(keys);
        this.currentKeyId = currentKeyId;
    }

    public static KeyRing empty() {
        return new KeyRing(Map.of(), null);
    }

    /** The keys the settings name, from {@link #KEYS} and the {@link #KEYS_FILE} together. */
    public static KeyRing from(PipelineSettings settings) {
        List<String> entries = new ArrayList<>();
        settings.get(KEYS).ifPresent(v -> entries.addAll(List.of(v.split("[,\\s]+"))));
        Optional<String> file = settings.get(KEYS_FILE);
        if (file.isPresent()) {
            try {
                for (String line : Files.readAllLines(Path.of(file.get()))) {
                    entries.add(line);
                }
            } catch (IOException e) {
                throw new SettingsException("cannot read the key file " + file.get() + " (" + KEYS_FILE + "): "
                        + e.getClass().getSimpleName());
            }
        }
        try {
            return parse(entries, settings.get(CURRENT_KEY));
        } catch (IllegalArgumentException e) {
            throw new SettingsException(e.getMessage());
        }
    }

    /** Keys from {@code id=base64} entries (blank ones and {@code #} comments skipped). */
    public static KeyRing parse(List<String> entries, Optional<String> currentKeyId) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String last = null;
        int number = 0;
        for (String raw : entries) {
            number++;
            String entry = raw.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int eq = entry.indexOf('=');
            String id = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (!KEY_ID.matcher(id).matches()) {
                // The entry itself is never quoted: it may be a key.
                throw new IllegalArgumentException("secret key entry " + number
                        + " is not id=base64 with an id of letters, digits and ._- (at most 64)");
            }
            if (keys.containsKey(id)) {
                throw new IllegalArgumentException("secret key id '" + id + "' is listed twice");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(entry.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret key '" + id + "' is not base64");
            }
            if (bytes.length != KEY_BYTES) {
                throw new IllegalArgumentException("secret key '" + id + "' must be " + KEY_BYTES
                        + " bytes (AES-256), got " + bytes.length);
            }
            keys.put(id, new SecretKeySpec(bytes, "AES"));
            last = id;
        }
        String current = currentKeyId.orElse(last);
        if (current != null && !keys.containsKey(current)) {
            throw new IllegalArgumentException(CURRENT_KEY + " '" + current + "' is not among the configured secret keys");
        }
        return new KeyRing(keys, current);
    }

    /** The id new secrets are encrypted under; empty when no key is configured. */
    public Optional<String> currentKeyId() {
        return Optional.ofNullable(currentKeyId);
    }

    Optional<SecretKey> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    public Set<String> keyIds() {
        return keys.keySet();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    @Override
    public String toString() {
        return "KeyRing" + keyIds() + (currentKeyId == null ? "" : ", current " + currentKeyId);
    }
}
