package dev.webhookpipeline.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SigningSecretTest {

    @Test
    void generatedSecretsAreWhsecWith32RandomBytesAndValid() {
        Set<String> seen = new HashSet<>();
        IntStream.range(0, 100).forEach(i -> {
            String secret = SigningSecret.generate();
            assertThat(secret).startsWith("whsec_");
            assertThat(SigningSecret.problem(secret)).isEmpty();
            assertThat(SigningSecret.key(secret)).hasSize(32);
            seen.add(secret);
        });
        assertThat(seen).hasSize(100);
    }

    @Test
    void aWhsecSecretIsKeyedWithItsDecodedBytes() {
        byte[] key = new byte[24];
        key[0] = 7;
        assertThat(SigningSecret.key("whsec_" + Base64.getEncoder().encodeToString(key))).isEqualTo(key);
    }

    @Test
    void aLegacySecretIsKeyedWithItsOwnBytesAndHasNoStandardProblem() {
        assertThat(SigningSecret.key("legacy-secret-0123456789")).isEqualTo("legacy-secret-0123456789".getBytes(StandardCharsets.UTF_8));
        assertThat(SigningSecret.problem("legacy-secret-0123456789")).isEmpty();
        assertThat(SigningSecret.isStandard("legacy-secret-0123456789")).isFalse();
    }

    @Test
    void badWhsecSecretsAreRefusedWithoutQuotingThem() {
        String tooShort = "whsec_" + Base64.getEncoder().encodeToString(new byte[23]);
        String tooLong = "whsec_" + Base64.getEncoder().encodeToString(new byte[65]);
        String notBase64 = "whsec_not*base64*at*all*0123456789";
        String unpadded = "whsec_" + Base64.getEncoder().withoutPadding().encodeToString(new byte[25]);
        assertThat(SigningSecret.problem(tooShort)).hasValueSatisfying(p -> assertThat(p).contains("24 to 64 bytes")
                .contains("holds 23").doesNotContain(tooShort.substring(6)));
        assertThat(SigningSecret.problem(tooLong)).hasValueSatisfying(p -> assertThat(p).contains("holds 65"));
        assertThat(SigningSecret.problem(notBase64)).hasValueSatisfying(p -> assertThat(p).contains("base64")
                .doesNotContain("not*base64"));
        assertThat(SigningSecret.problem(unpadded)).isPresent();
        assertThatThrownBy(() -> SigningSecret.key(notBase64)).hasMessageNotContaining("not*base64");
    }
}
