package dev.webhookpipeline.dispatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.testsupport.RecordingReceiver.Received;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Verifies a captured request as a receiver would, with the official Standard Webhooks library for
 * JavaScript ({@code src/test/js/verify-webhook.js}, run by Node.js). Its node_modules are installed
 * by {@code .ci/run}; without them every check fails saying what to run.
 */
final class StandardWebhooksVerifier {

    static final Path SCRIPT_DIR = Path.of("src", "test", "js");
    static final String INSTALL = "npm ci --prefix dispatcher/src/test/js";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the library said: verified, or its error message. */
    record Verdict(boolean verified, String error) {}

    private StandardWebhooksVerifier() {}

    /** As a receiver with {@code secret} would check {@code request}, {@code receivedAfterSeconds} after it was sent. */
    static Verdict verify(String secret, Received request, String body, long receivedAfterSeconds) {
        requireInstalled();
        ObjectNode input = JSON.createObjectNode();
        input.put("secret", secret);
        input.put("raw", !secret.startsWith("whsec_")); // a legacy secret is a raw key
        ObjectNode headers = input.putObject("headers");
        for (String name : new String[] {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
            if (request.header(name) != null) {
                headers.put(name, request.header(name));
            }
        }
        input.put("body", body);
        input.put("receivedAfterSeconds", receivedAfterSeconds);
        try {
            Process node = new ProcessBuilder("node", "verify-webhook.js").directory(SCRIPT_DIR.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (OutputStream in = node.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(input));
            }
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
                node.destroyForcibly();
                throw new AssertionError("verify-webhook.js failed: " + out);
            }
            JsonNode verdict = JSON.readTree(out);
            return new Verdict(verdict.get("verified").asBoolean(), verdict.path("error").asText(null));
        } catch (IOException e) {
            throw new AssertionError("could not run node (Node.js 18+ is needed for this test): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Fails, saying what to run, when the library is not installed: a check that cannot run must not pass. */
    static void requireInstalled() {
        if (!Files.isDirectory(SCRIPT_DIR.resolve("node_modules").resolve("standardwebhooks"))) {
            throw new AssertionError("the official Standard Webhooks library is not installed in "
                    + SCRIPT_DIR.toAbsolutePath() + ": run `" + INSTALL + "` from the repository root (.ci/run does)");
        }
    }

    static Verdict verify(String secret, Received request) {
        return verify(secret, request, request.body(), 0);
    }
}
