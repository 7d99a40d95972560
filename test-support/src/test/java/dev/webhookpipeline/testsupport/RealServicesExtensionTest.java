package dev.webhookpipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class RealServicesExtensionTest {

    @Test
    void aWrongTestServicesValueFailsWithOneLineAndNoStackTrace() {
        assertThatThrownBy(() -> RealServicesExtension.startServices("kubernetes"))
                .isInstanceOf(RealServicesExtension.ServicesUnavailable.class)
                .hasMessage("-Dtest.services=kubernetes is not a test services source: use local or containers"
                        + " (unset means local)")
                .satisfies(e -> Assertions.assertThat(e.getStackTrace()).isEmpty());
    }
}
