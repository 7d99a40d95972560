package dev.webhookpipeline.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConnectionOptionsTest {

    /** A command that uses the mixin the way the pipeline's mains do, with one subcommand. */
    @Command(name = "tool", subcommands = Tool.Sub.class)
    static final class Tool implements Callable<Integer> {
        @Mixin
        ConnectionOptions connection;

        PipelineSettings settings;

        @Override
        public Integer call() {
            settings = connection.settings(Map.of("pipeline.partitions", "6"));
            return 0;
        }

        @Command(name = "sub")
        static final class Sub implements Callable<Integer> {
            @CommandLine.ParentCommand
            Tool top;

            @Override
            public Integer call() {
                top.settings = top.connection.settings(Map.of());
                return 0;
            }
        }
    }

    record Run(int exit, Tool tool, String out, String err) {}

    static Run run(String... args) {
        Tool tool = new Tool();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(tool).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, tool, out.toString(), err.toString());
    }

    @Test
    void optionsReachTheSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(file, """
                bootstrap.servers=file:9092
                security.protocol=SASL_SSL
                pipeline.topic.prefix=file.
                """);
        Run run = run("--bootstrap-servers", "cli:9092", "--schema-registry-url", "http://registry:8081",
                "--topic-prefix", "staging.", "--config", file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        PipelineSettings settings = run.tool().settings;
        assertThat(settings.bootstrapServers()).isEqualTo("cli:9092");
        assertThat(settings.schemaRegistryUrl()).isEqualTo("http://registry:8081");
        assertThat(settings.topics().events().name()).isEqualTo("staging.events");
        assertThat(settings.topics().events().partitions()).isEqualTo(6); // the command's own extra
        assertThat(settings.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL"); // from the file
    }

    @Test
    void propertyPairsAreSettingsAndNamedOptionsWinOverThem() {
        Run run = run("-X", "security.protocol=SSL", "--property", "pipeline.topic.prefix=x.",
                "-X", "bootstrap.servers=x:9092", "-X", "pipeline.partitions=3", "--bootstrap-servers", "cli:9092");

        assertThat(run.exit()).as(run.err()).isZero();
        PipelineSettings settings = run.tool().settings;
        assertThat(settings.kafkaProperties()).containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "cli:9092");
        assertThat(settings.topics().events().name()).isEqualTo("x.events"); // no --topic-prefix: -X stays
        assertThat(settings.topics().events().partitions()).isEqualTo(6); // the command's extra beats -X
    }

    @Test
    void overridesLeaveOutOptionsNotGiven() {
        Run run = run("-X", "schema.registry.url=http://x:8081");
        assertThat(run.tool().connection.overrides(Map.of()))
                .isEqualTo(Map.of("schema.registry.url", "http://x:8081"));
    }

    @Test
    void subcommandsInheritTheOptions() {
        Run run = run("sub", "--bootstrap-servers", "sub:9092", "-X", "client.id=c1");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.tool().settings.kafkaProperties()).containsEntry("bootstrap.servers", "sub:9092")
                .containsEntry("client.id", "c1");
    }

    @Test
    void malformedPropertyIsAUsageError() {
        Run run = run("-X", "ssl.key.password:hunter2-secret");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.tool().settings).isNull();
        assertThat(run.err()).contains("-X/--property expects KEY=VALUE").contains("Usage: tool")
                .doesNotContain("hunter2-secret"); // a mistyped pair may hold a secret: never echoed
        assertThat(run("-X", "=value").err()).contains("-X/--property expects KEY=VALUE");
    }

    @Test
    void usageListsEveryOptionWithItsHelp() {
        String usage = new CommandLine(new Tool()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertThat(usage).contains("--bootstrap-servers=HOST:PORT[,...]", "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS).",
                "--schema-registry-url=URL", "--topic-prefix=PREFIX", "(default", "--config=FILE",
                "-X, --property=KEY=VALUE", "-X security.protocol=SSL.");
    }
}
