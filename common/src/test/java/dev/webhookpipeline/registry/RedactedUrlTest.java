package dev.webhookpipeline.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactedUrlTest {
    @Test
    void removesCredentialsAndQuery() {
        assertThat(RedactedUrl.of("https://bob:hunter2@registry.example.com:8081/api?token=abc"))
                .isEqualTo("https://***@registry.example.com:8081/api?***")
                .doesNotContain("hunter2").doesNotContain("abc");
        assertThat(RedactedUrl.of("http://localhost:8081")).isEqualTo("http://localhost:8081");
        assertThat(RedactedUrl.of("not a url at all")).isEqualTo("<unparseable url>");
    }
}
