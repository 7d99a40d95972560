package dev.webhookpipeline.dispatcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SameOriginTest {

    @ParameterizedTest(name = "Origin {0}, Sec-Fetch-Site {1}, Host {2}: {3}")
    @CsvSource(nullValues = "-", value = {
            "http://127.0.0.1:8090,     same-origin, 127.0.0.1:8090,       true",
            "http://127.0.0.1:8090,     -,           127.0.0.1:8090,       true",
            "https://status.example,    same-origin, status.example,       true",
            "https://status.example,    -,           status.example:443,   true",
            "https://Status.Example,    -,           status.example,       true",
            "http://status.example,     -,           status.example:80,    true",
            "-,                         same-origin, 127.0.0.1:8090,       false",
            "-,                         -,           127.0.0.1:8090,       false",
            "http://127.0.0.1:8090,     cross-site,  127.0.0.1:8090,       false",
            "http://127.0.0.1:8090,     same-site,   127.0.0.1:8090,       false",
            "http://127.0.0.1:8091,     -,           127.0.0.1:8090,       false",
            "https://evil.example,      -,           127.0.0.1:8090,       false",
            "https://status.example.evil.example, -, status.example,       false",
            "null,                      -,           127.0.0.1:8090,       false",
            "file://,                   -,           127.0.0.1:8090,       false",
            "http://127.0.0.1:8090,     -,           -,                    false"})
    void onlyThePagesOwnOriginMayChangeSomething(String origin, String secFetchSite, String host, boolean allowed) {
        assertThat(SameOrigin.allows(origin, secFetchSite, host)).isEqualTo(allowed);
    }
}
