package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.signing.SigningSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a command takes a tenant's new secret from — or, when none is given and {@code --secret-out}
 * is, the {@code whsec_} secret it generates and the file it hands it over in. A secret is never printed.
 */
final class SecretOptions {

    @Option(names = "--secret", paramLabel = "SECRET",
            description = "Shared secret: whsec_ + base64 of 24-64 bytes (Standard Webhooks), or at least 16 characters.")
    String secret;

    @Option(names = "--secret-file", paramLabel = "FILE", description = "Read the shared secret from this file.")
    Path secretFile;

    @Option(names = "--secret-out", paramLabel = "FILE",
            description = "Give no secret: generate a whsec_ secret (32 random bytes) and write it to this new file,"
                    + " readable by you only (never overwritten).")
    Path secretOut;

    private boolean generated;
    private boolean handedOver;

    /** The secret given (--secret-file, --secret, WEBHOOK_SECRET), a new generated one (--secret-out), or null. */
    String newSecret() throws IOException {
        String given = given();
        if (secretOut == null) {
            return given;
        }
        if (given != null) {
            throw new IllegalArgumentException("--secret-out is for a generated secret: give either a secret or --secret-out");
        }
        if (Files.exists(secretOut)) {
            throw new IllegalArgumentException(secretOut + " already exists: --secret-out writes a new file only,"
                    + " it may hold a secret still in use");
        }
        generated = true;
        return SigningSecret.generate();
    }

    private String given() throws IOException {
        if (secretFile != null) {
            return Files.readString(secretFile, StandardCharsets.UTF_8).strip();
        }
        if (secret != null) {
            return secret;
        }
        String env = System.getenv("WEBHOOK_SECRET");
        return env == null || env.isBlank() ? null : env.strip();
    }

    /** What to tell the user about the new secret, when it is not a Standard Webhooks one. */
    static Optional<String> legacyWarning(String secret) {
        return SigningSecret.isStandard(secret) ? Optional.empty()
                : Optional.of("the secret is not a " + SigningSecret.PREFIX + " secret: receivers verify its signatures"
                        + " with its raw bytes; `webhookctl config rotate-secret --secret-out FILE` makes a "
                        + SigningSecret.PREFIX + " one");
    }

    /** Writes a generated secret to --secret-out, owner-only; a given one needs no handing over. Returns what was done, if anything. */
    Optional<String> handOver(String newSecret) throws IOException {
        if (!generated) {
            return Optional.empty();
        }
        try {
            Files.createFile(secretOut, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) { // not a POSIX file system
            Files.createFile(secretOut);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(secretOut + " already exists: --secret-out writes a new file only");
        }
        handedOver = true;
        Files.writeString(secretOut, newSecret + "\n", StandardCharsets.UTF_8);
        return Optional.of("wrote the new secret to " + secretOut + " (readable by you only): give it to the tenant's receiver");
    }

    /** Removes a handed-over secret that was not saved after all. */
    void withdraw() throws IOException {
        if (handedOver) {
            Files.deleteIfExists(secretOut);
        }
    }
}
