package dev.webhookpipeline.dispatcher.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signer against the Standard Webhooks reference vector and the rules for legacy secrets and rotation. */
class SignatureTest {

    /** The example of the Standard Webhooks specification and of its official libraries' tests. */
    static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long SPEC_TIMESTAMP = 1614265330;
    static final String SPEC_BODY = "{\"test\": 2432232314}";
    static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void aWhsecSecretIsKeyedWithItsBase64DecodedBytesAsTheSpecificationSays() {
        assertThat(Signature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void aLegacySecretIsKeyedWithItsOwnBytes() {
        // HMAC-SHA256 keyed with the ASCII bytes of "legacy-secret-0123456789", computed independently
        // (printf '1.1614265330.{}' | openssl dgst -sha256 -hmac legacy-secret-0123456789 -binary | base64).
        assertThat(Signature.sign("legacy-secret-0123456789", "1", SPEC_TIMESTAMP, "{}"))
                .isEqualTo("v1,oxRcX/UH3GdRJ25ocKHG0Cy6E0BKppsWhpvCBQefHl4=");
    }

    @Test
    void severalSecretsGiveSpaceSeparatedSignaturesCurrentFirst() {
        String current = Signature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        String previous = Signature.sign("legacy-secret-0123456789", SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        assertThat(Signature.sign(List.of(SPEC_SECRET, "legacy-secret-0123456789"), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
                .isEqualTo(current + " " + previous);
    }

    @Test
    void anEchoOfEitherSigningSecretIsMaskedInTheResponseExcerpt() {
        byte[] echo = "expected whsec_new-secret-000 or legacy-secret-0123456789".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSender.excerpt(echo, echo.length, "whsec_new-secret-000", "legacy-secret-0123456789"))
                .isEqualTo("expected **** or ****");
    }
}
