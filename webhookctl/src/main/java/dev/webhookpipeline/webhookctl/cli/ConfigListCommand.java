package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.producer.TenantConfigClient;
import dev.webhookpipeline.schema.WebhookConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Print every tenant's current webhook config as one JSON line each, by tenant id, secrets masked.",
                "The number of tenants goes to stderr."})
final class ConfigListCommand implements Callable<Integer> {

    @ParentCommand
    ConfigCommand config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (TenantConfigClient client = config.client(Map.of())) {
            Map<String, WebhookConfig> all = client.all();
            all.values().forEach(c -> out.println(ConfigCommand.describe(c).toString()));
            spec.commandLine().getErr().println(all.size() + " tenant" + (all.size() == 1 ? "" : "s"));
            return 0;
        }
    }
}
