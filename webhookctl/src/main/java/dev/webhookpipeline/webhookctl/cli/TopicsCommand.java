package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.settings.Connectivity;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.topics.PipelineTopics;
import dev.webhookpipeline.topics.SubjectInitializer;
import dev.webhookpipeline.topics.TopicInitializer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manage the pipeline's topics.",
        subcommands = TopicsCommand.Ensure.class)
final class TopicsCommand {

    @ParentCommand
    WebhookCtl top;

    @Command(name = "ensure", mixinStandardHelpOptions = true,
            description = {"Create missing topics and schema subjects; fail if existing topics have another layout.",
                    "Existing topics are never changed."})
    static final class Ensure implements Callable<Integer> {
        @ParentCommand
        TopicsCommand topics;

        @Spec
        CommandSpec spec;

        @Option(names = "--partitions", paramLabel = "N", description = "Partitions of every topic (default 12).")
        Integer partitions;

        @Option(names = "--events-retention", paramLabel = "DURATION",
                description = "How long events are kept for replay, e.g. 30d (default 30d).")
        String eventsRetention;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> extra = new HashMap<>();
            if (partitions != null) {
                extra.put(PipelineSettings.PARTITIONS, partitions.toString());
            }
            if (eventsRetention != null) {
                extra.put(PipelineSettings.EVENTS_RETENTION, eventsRetention);
            }
            PipelineSettings settings = topics.top.settings(extra);
            PipelineTopics layout = settings.topics();
            Connectivity.requireKafka(settings.kafkaProperties(), Duration.ofSeconds(15));
            try (Admin admin = Admin.create(settings.kafkaProperties())) {
                var report = new TopicInitializer(admin).ensure(layout);
                report.created().forEach(t -> out.println("created " + t + " (" + report.partitions() + " partitions)"));
                report.existing().forEach(t -> out.println("ok      " + t));
                report.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            }
            new SubjectInitializer(settings.registryClient()).ensure(layout.all())
                    .forEach(s -> out.println("subject " + s));
            return 0;
        }
    }
}
