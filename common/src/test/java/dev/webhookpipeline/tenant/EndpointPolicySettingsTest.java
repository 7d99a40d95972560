package dev.webhookpipeline.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointPolicySettingsTest {

    @Test
    void strictUnlessTheSettingsOpenIt() {
        assertThat(EndpointPolicy.from(PipelineSettings.of(Map.of())).check("http://127.0.0.1:8080/x")).isPresent();
        var open = EndpointPolicy.from(PipelineSettings.of(Map.of(
                EndpointPolicy.ALLOW_HTTP, "true", EndpointPolicy.ALLOW_CIDRS, "127.0.0.0/8, ::1/128")));
        assertThat(open.check("http://127.0.0.1:8080/x")).isEmpty();
        assertThat(open.check("http://[::1]:8080/x")).isEmpty();
    }

    @Test
    void aBadAllowListNamesTheSetting() {
        assertThatThrownBy(() -> EndpointPolicy.from(PipelineSettings.of(Map.of(EndpointPolicy.ALLOW_CIDRS, "10.0.0.0/99"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("pipeline.endpoints.allow-cidrs");
    }
}
