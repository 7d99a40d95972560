package dev.webhookpipeline.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The dispatcher's command line: the endpoint options webhookctl has mean the same here. */
class DispatcherMainTest {

    @Test
    void unsetSettingsTakeTheDefaultsTheHelpLists() {
        DispatcherMain main = new DispatcherMain();
        new CommandLine(main).parseArgs("--bootstrap-servers", "b:9092", "--schema-registry-url", "http://r:8081");
        DispatcherConfig config = DispatcherMain.config(main.connection.settings(Map.of()), new SimpleMeterRegistry());
        assertThat(config.batchWindow()).isEqualTo(DispatcherSetting.BATCH_WINDOW.defaultDuration());
        assertThat(config.maxInFlight()).isEqualTo(DispatcherSetting.MAX_IN_FLIGHT.defaultInt());
        assertThat(String.join("\n", DispatcherSetting.help())).contains("pipeline.dispatcher.max-in-flight = 256");

        DispatcherMain set = new DispatcherMain();
        new CommandLine(set).parseArgs("--bootstrap-servers", "b:9092", "--schema-registry-url", "http://r:8081",
                "--batch-window", "250ms", "-X", "pipeline.dispatcher.max-in-flight=17");
        DispatcherConfig given = DispatcherMain.config(set.connection.settings(Map.of(DispatcherSetting.BATCH_WINDOW.key,
                set.batchWindow)), new SimpleMeterRegistry());
        assertThat(given.batchWindow()).hasMillis(250);
        assertThat(given.maxInFlight()).isEqualTo(17);
    }

    @Test
    void allowHttpAndAllowCidrOpenTheEndpointPolicyLikeTheirSettings() {
        DispatcherMain main = new DispatcherMain();
        new CommandLine(main).parseArgs("--bootstrap-servers", "b:9092", "--schema-registry-url", "http://r:8081",
                "--allow-http", "--allow-cidr", "127.0.0.0/8");
        DispatcherConfig config = DispatcherMain.config(main.connection.settings(main.endpoints.settings()),
                new SimpleMeterRegistry());
        assertThat(config.endpointPolicy().checkForm("http://127.0.0.1:8080/hook")).isEmpty();
        assertThat(config.endpointPolicy().check("http://127.0.0.1:8080/hook")).isEmpty();

        DispatcherMain strict = new DispatcherMain();
        new CommandLine(strict).parseArgs("--bootstrap-servers", "b:9092", "--schema-registry-url", "http://r:8081");
        DispatcherConfig strictConfig = DispatcherMain.config(strict.connection.settings(Map.of()), new SimpleMeterRegistry());
        assertThat(strictConfig.endpointPolicy().check("http://127.0.0.1:8080/hook")).isPresent();
    }
}
