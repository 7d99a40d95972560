package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.schema.SchemaClasses;
import dev.webhookpipeline.settings.ConnectionOptions;
import dev.webhookpipeline.settings.JarVersion;
import dev.webhookpipeline.settings.KafkaConnectionWarnings;
import dev.webhookpipeline.settings.PipelineSettings;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/** {@code webhookctl}: publish events and manage tenants' webhook configs from the command line. */
@Command(name = "webhookctl", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = "Publish domain events and manage tenants' webhook configs on the pipeline's Kafka topics; read"
                + " any topic as JSON; re-deliver webhooks; inspect and requeue dead letters.",
        subcommands = {PublishCommand.class, ConfigCommand.class, TopicsCommand.class, ReadCommand.class,
                DeadLettersCommand.class, RedeliverCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failed: Kafka or the schema registry could not be used, a config was refused,"
                + " or a named record does not exist (see stderr)", "2:invalid command line (also an unknown topic or a bad"
                + " time)",
                "3:publish, config import, dead-letters requeue: some input was rejected (each is reported on stderr"
                        + " with its line number or id and reason); the rest was applied; config re-encrypt: some configs"
                        + " could not be decrypted (each named on stderr with its key id), the others were re-encrypted"},
        footer = {"", "Settings come, highest first, from options, environment (KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL,"
                + " KAFKA_<PROPERTY>, PIPELINE_<SETTING>) and the --config file (Kafka client properties plus pipeline.* keys)."})
public final class WebhookCtl {

    /** Something failed: Kafka or the registry, or a refused config. */
    static final int EXIT_FAILED = 1;
    /** {@code publish}, {@code config import}, {@code dead-letters requeue}: some input was rejected, the rest applied. */
    static final int EXIT_REJECTED = 3;

    @Mixin
    ConnectionOptions connection;

    /** Where {@code publish} reads JSON lines from; replaceable for tests. */
    InputStream stdin = System.in;

    /** Settings of this invocation; {@code extra} holds command-specific overrides. */
    PipelineSettings settings(Map<String, String> extra) {
        return connection.settings(extra);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "webhookctl-logback.xml");
            // A command's own error is the whole story: no reconnect warnings at any point of its run.
            KafkaConnectionWarnings.muteForThisRun();
        }
        SchemaClasses.trust();
        WebhookCtl top = new WebhookCtl();
        top.stdin = in;
        CommandLine cli = new CommandLine(top);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // One clear line; an exception without a message keeps its type for the bug report.
            String message = e.getMessage() != null && !(e instanceof NullPointerException) ? e.getMessage() : e.toString();
            commandLine.getErr().println("error: " + message);
            return 1;
        });
        return cli.execute(args);
    }
}
