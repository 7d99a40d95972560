package dev.webhookpipeline.admin;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The operator token every admin, status and metrics endpoint requires, as
 * {@code Authorization: Bearer <token>}. Compared in constant time; never logged.
 */
public final class OperatorAuth {

    /** Setting (env {@code PIPELINE_ADMIN_TOKEN}): the operator token, at least {@value #MIN_LENGTH} characters. */
    public static final String TOKEN = "pipeline.admin.token";
    public static final int MIN_LENGTH = 16;

    private final byte[] expectedHeader;
    private final String token;

    public OperatorAuth(String token) {
        if (token == null || token.strip().length() < MIN_LENGTH) {
            throw new SettingsException("the operator token must be at least " + MIN_LENGTH
                    + " characters: set " + TOKEN + " (env PIPELINE_ADMIN_TOKEN)");
        }
        this.token = token.strip();
        this.expectedHeader = ("Bearer " + this.token).getBytes(StandardCharsets.UTF_8);
    }

    /** The token the settings give; fails, saying what to set, when there is none. */
    public static OperatorAuth from(PipelineSettings settings) {
        return new OperatorAuth(settings.require(TOKEN,
                "admin and metrics endpoints need an operator token: set PIPELINE_ADMIN_TOKEN (at least 16 characters)"));
    }

    /** True when the {@code Authorization} header carries the token. */
    public boolean accepts(String authorizationHeader) {
        return authorizationHeader != null
                && MessageDigest.isEqual(expectedHeader, authorizationHeader.getBytes(StandardCharsets.UTF_8));
    }

    /** True when {@code candidate} is the token itself (a sign-in form). */
    public boolean isToken(String candidate) {
        return candidate != null && MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                candidate.strip().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "OperatorAuth[****]";
    }
}
