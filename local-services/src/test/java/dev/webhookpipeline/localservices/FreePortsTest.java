package dev.webhookpipeline.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Ports for child processes: distinct within one call, and never one the caller already chose. */
class FreePortsTest {

    @Test
    void portsPickedTogetherAreAllDifferent() {
        for (int round = 0; round < 200; round++) {
            int[] ports = FreePorts.pick(4);
            assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(4);
            assertThat(Arrays.stream(ports).allMatch(p -> p > 0 && p <= 65_535)).isTrue();
        }
    }

    @Test
    void aPortTheCallerChoseIsNeverPickedAgain() {
        int chosen = FreePorts.one();
        for (int round = 0; round < 200; round++) {
            assertThat(FreePorts.one(chosen)).isNotEqualTo(chosen);
        }
    }
}
