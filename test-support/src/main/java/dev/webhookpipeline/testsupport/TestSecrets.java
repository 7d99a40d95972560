package dev.webhookpipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets the tests configure (tenant secrets, operator tokens), written down so that
 * {@link LogSecretScan} can later look for each of them in every log the suite wrote. Every fixture
 * that makes up a secret passes it through {@link #remember}; the list goes to
 * {@code target/test-secrets/<pid>.txt} of the module under test (one {@code label<TAB>secret} per
 * line: test data, never a log, and never scanned itself).
 */
public final class TestSecrets {

    static final Path DIR = Path.of("target", "test-secrets");
    private static final Set<String> written = ConcurrentHashMap.newKeySet();

    private TestSecrets() {}

    /** Records {@code secret} (described by {@code label}, e.g. "tenant acme", in a finding) and returns it. */
    public static String remember(String label, String secret) {
        if (secret != null && !secret.isEmpty() && written.add(secret)) {
            String line = label.replace('\t', ' ').replace('\n', ' ') + "\t" + secret + "\n";
            try {
                Files.createDirectories(DIR);
                Files.writeString(DIR.resolve(ProcessHandle.current().pid() + ".txt"), line, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record a test secret under " + DIR.toAbsolutePath(), e);
            }
        }
        return secret;
    }
}
