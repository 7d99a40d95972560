package dev.webhookpipeline.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.settings.SettingsException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorAuthTest {

    @Test
    void acceptsOnlyTheExactBearerToken() {
        OperatorAuth auth = new OperatorAuth("operator-token-0123456789");
        assertThat(auth.accepts("Bearer operator-token-0123456789")).isTrue();
        assertThat(auth.accepts(null)).isFalse();
        assertThat(auth.accepts("Bearer operator-token-012345678")).isFalse();
        assertThat(auth.accepts("operator-token-0123456789")).isFalse();
        assertThat(auth.isToken("operator-token-0123456789")).isTrue();
        assertThat(auth.toString()).doesNotContain("operator-token");
    }

    @Test
    void aMissingOrShortTokenSaysWhatToSet() {
        assertThatThrownBy(() -> OperatorAuth.from(PipelineSettings.of(Map.of())))
                .isInstanceOf(SettingsException.class).hasMessageContaining("PIPELINE_ADMIN_TOKEN");
        assertThatThrownBy(() -> new OperatorAuth("short")).hasMessageContaining("at least 16 characters")
                .hasMessageNotContaining("short\"");
    }
}
