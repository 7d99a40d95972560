package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webhookpipeline.producer.TenantConfigClient;
import dev.webhookpipeline.schema.EventType;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.settings.Connectivity;
import dev.webhookpipeline.settings.EndpointAllowOptions;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.signing.SecretRotation;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Set, show or delete a tenant's webhook config; rotate its secret; list every tenant, import many at once.",
        subcommands = {ConfigCommand.Set.class, ConfigCommand.Show.class, ConfigCommand.Delete.class,
                RotateSecretCommand.class, ConfigListCommand.class, ConfigImportCommand.class, ReEncryptCommand.class})
final class ConfigCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    WebhookCtl top;

    TenantConfigClient client(Map<String, String> extra) {
        PipelineSettings settings = top.settings(extra);
        Connectivity.requireKafka(settings.kafkaProperties(), Duration.ofSeconds(15));
        Connectivity.requireRegistry(settings.registryClient());
        return TenantConfigClient.fromSettings(settings, new WebhookConfigRules(EndpointPolicy.from(settings)));
    }

    /** The config as JSON, with the secret masked: safe to print. */
    static ObjectNode describe(WebhookConfig config) {
        ObjectNode node = JSON.createObjectNode();
        node.put("tenant_id", config.getTenantId());
        node.put("enabled", config.getEnabled());
        node.put("batching", config.getBatching());
        node.put("endpoint", config.getEndpoint());
        node.put("secret", "********");
        ArrayNode events = node.putArray("enabled_events");
        config.getEnabledEvents().forEach(t -> events.add(t.name()));
        if (config.getSecretHeader() != null) {
            node.put("secret_header", config.getSecretHeader());
        }
        if (config.getPreviousSecret() != null) {
            node.put("previous_secret", "********");
            node.put("rotation_ends_at", String.valueOf(config.getRotationEndsAt()));
        }
        node.put("created_at", config.getCreatedAt().toString());
        node.put("updated_at", config.getUpdatedAt().toString());
        return node;
    }

    /**
     * Hands a generated secret over, then checks and writes the config and prints it (masked); on a
     * refusal prints every reason and withdraws the handed-over secret.
     */
    static boolean save(TenantConfigClient client, WebhookConfig config, SecretOptions secrets, CommandSpec spec)
            throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> handedOver = secrets.handOver(config.getSecret());
        WebhookConfigRules.Verdict verdict;
        try {
            verdict = client.put(config);
        } catch (RuntimeException e) {
            secrets.withdraw();
            throw e;
        }
        verdict.warnings().forEach(w -> err.println("warning: " + w));
        if (verdict.ok() && !client.encryptsSecrets()) {
            err.println("warning: " + client.secretStorage());
        }
        if (!verdict.ok()) {
            verdict.errors().forEach(e -> err.println("invalid: " + e));
            err.println("config not saved");
            secrets.withdraw();
            return false;
        }
        handedOver.ifPresent(err::println);
        spec.commandLine().getOut().println(describe(config).toPrettyString());
        return true;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Create or change a tenant's webhook config. Options left out keep their current value;"
                    + " a new tenant needs --endpoint, a secret and --events.",
                    "The secret comes from --secret-file, the WEBHOOK_SECRET environment variable or --secret"
                    + " (which other users of the machine can see in the process list); with --secret-out instead,"
                    + " a whsec_ secret is generated into that file. It is never printed. A new secret replaces the"
                    + " old one at once: `config rotate-secret` keeps the old one signing for an overlap."})
    static final class Set implements Callable<Integer> {
        @ParentCommand
        ConfigCommand config;

        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "ID", description = "Tenant whose config to set.")
        String tenant;

        @Option(names = "--endpoint", paramLabel = "URL", description = "Absolute https URL to POST webhooks to.")
        String endpoint;

        @Mixin
        SecretOptions secrets;

        @Option(names = "--events", split = ",", splitSynopsisLabel = ",", paramLabel = "TYPE",
                description = "Event types to deliver, e.g. RISK_LEVEL_CHANGED,TASK_CREATED.")
        List<String> events;

        @Option(names = "--enabled", arity = "1", paramLabel = "true|false", description = "Webhooks on or off.")
        Boolean enabled;

        @Option(names = "--batching", arity = "1", paramLabel = "true|false",
                description = "Up to 100 webhooks per request (recommended).")
        Boolean batching;

        @Option(names = "--secret-header", paramLabel = "HEADER",
                description = "Send the secret in this header instead of Authorization: Bearer ('' to reset).")
        String secretHeader;

        @Mixin
        EndpointAllowOptions endpointRules;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            WebhookConfigRules.tenantIdProblem(tenant).ifPresent(p -> {
                throw new IllegalArgumentException(p);
            });
            List<EventType> types = events == null ? null : parseTypes(events);
            String newSecret = secrets.newSecret();
            try (TenantConfigClient client = config.client(endpointRules.settings())) {
                Optional<WebhookConfig> current = client.get(tenant);
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                WebhookConfig.Builder next = current.map(WebhookConfig::newBuilder).orElseGet(() -> {
                    List<String> missing = new ArrayList<>();
                    if (endpoint == null) {
                        missing.add("--endpoint");
                    }
                    if (newSecret == null) {
                        missing.add("a secret (--secret-file, WEBHOOK_SECRET or --secret; or --secret-out FILE"
                                + " to have a whsec_ one generated)");
                    }
                    if (types == null) {
                        missing.add("--events");
                    }
                    if (!missing.isEmpty()) {
                        throw new IllegalArgumentException("tenant " + tenant + " has no config yet: give "
                                + String.join(", ", missing));
                    }
                    return WebhookConfig.newBuilder().setTenantId(tenant).setEnabled(true).setBatching(true)
                            .setCreatedAt(now).setSecretHeader(null);
                });
                if (endpoint != null) {
                    next.setEndpoint(endpoint.strip());
                }
                SecretRotation.forgetEnded(next, now);
                if (newSecret != null) {
                    SecretRotation.replace(next, newSecret);
                    SecretOptions.legacyWarning(newSecret).ifPresent(w -> err.println("warning: " + w));
                    if (current.isPresent()) {
                        err.println("note: the secret was replaced at once; `webhookctl config rotate-secret` keeps"
                                + " the old one signing for an overlap");
                    }
                }
                if (types != null) {
                    next.setEnabledEvents(types);
                }
                if (enabled != null) {
                    next.setEnabled(enabled);
                }
                if (batching != null) {
                    next.setBatching(batching);
                }
                if (secretHeader != null) {
                    next.setSecretHeader(secretHeader.isBlank() ? null : secretHeader.strip());
                }
                next.setUpdatedAt(now);
                WebhookConfig saved = next.build();
                if (!save(client, saved, secrets, spec)) {
                    return 1;
                }
                err.println((current.isPresent() ? "updated" : "created") + " webhook config of tenant " + tenant);
                return 0;
            }
        }

        static List<EventType> parseTypes(List<String> names) {
            List<EventType> types = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (String name : names) {
                if (name.isBlank()) {
                    continue;
                }
                try {
                    types.add(EventLineParser.eventType(name));
                } catch (IllegalArgumentException e) {
                    unknown.add(name.strip());
                }
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown event type" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown) + " (known: " + String.join(", ",
                        Arrays.stream(EventType.values()).map(Enum::name).toList()) + ")");
            }
            return types.stream().distinct().toList();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a tenant's current webhook config as JSON (the secret masked).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ConfigCommand config;

        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "ID")
        String tenant;

        @Override
        public Integer call() {
            try (TenantConfigClient client = config.client(Map.of())) {
                Optional<WebhookConfig> current = client.get(tenant);
                if (current.isEmpty()) {
                    spec.commandLine().getErr().println("tenant " + tenant + " has no webhook config");
                    return 1;
                }
                spec.commandLine().getOut().println(describe(current.get()).toPrettyString());
                return 0;
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a tenant's webhook config. Its queued webhooks pause, as when disabled;",
                    "setting a config again resumes them."})
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        ConfigCommand config;

        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, paramLabel = "ID")
        String tenant;

        @Override
        public Integer call() {
            try (TenantConfigClient client = config.client(Map.of())) {
                if (client.get(tenant).isEmpty()) {
                    spec.commandLine().getErr().println("tenant " + tenant + " has no webhook config: nothing to delete");
                    return 0;
                }
                client.delete(tenant);
                spec.commandLine().getErr().println("deleted webhook config of tenant " + tenant);
                return 0;
            }
        }
    }
}
