package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.producer.TenantConfigClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.settings.Durations;
import dev.webhookpipeline.settings.EndpointAllowOptions;
import dev.webhookpipeline.signing.SecretRotation;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code webhookctl config rotate-secret}: a new secret, with the old one still signing for an overlap. */
@Command(name = "rotate-secret", mixinStandardHelpOptions = true,
        description = {"Give a tenant a new secret. It is used at once (payload, bearer header, first signature);"
                + " the old one keeps signing too, as a second webhook-signature, until the overlap ends, so the"
                + " receiver can switch at any moment of it.",
                "Give the new secret with --secret-file, WEBHOOK_SECRET or --secret, or let --secret-out FILE"
                        + " receive a generated whsec_ one. --overlap 0 drops every old secret at once (after a leak)."})
final class RotateSecretCommand implements Callable<Integer> {

    @ParentCommand
    ConfigCommand config;

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true, paramLabel = "ID")
    String tenant;

    @Option(names = "--overlap", paramLabel = "DURATION", defaultValue = "24h",
            description = "How long the old secret keeps signing, e.g. 24h, 7d, 0 (default: ${DEFAULT-VALUE}).")
    String overlap;

    @Mixin
    SecretOptions secrets;

    @Mixin
    EndpointAllowOptions endpointRules;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Duration overlapLength = overlap.strip().equals("0") ? Duration.ZERO : Durations.parse("--overlap", overlap);
        if (overlapLength.isNegative()) {
            throw new IllegalArgumentException("--overlap must not be negative");
        }
        try (TenantConfigClient client = config.client(endpointRules.settings())) {
            Optional<WebhookConfig> current = client.get(tenant);
            if (current.isEmpty()) {
                err.println("tenant " + tenant + " has no webhook config: create it with `webhookctl config set`");
                return 1;
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            WebhookConfig old = current.get();
            if (!overlapLength.isZero() && SecretRotation.inOverlap(old, now)) {
                err.println("a rotation of tenant " + tenant + " is under way until " + old.getRotationEndsAt()
                        + ": another would stop signing with the secret its receiver may still use. Wait until then,"
                        + " or rotate with --overlap 0 to drop every old secret at once");
                return 1;
            }
            String newSecret = secrets.newSecret();
            if (newSecret == null) {
                throw new IllegalArgumentException("give the new secret (--secret-file, WEBHOOK_SECRET or --secret),"
                        + " or --secret-out FILE to have a whsec_ one generated");
            }
            if (newSecret.equals(old.getSecret())) {
                throw new IllegalArgumentException("the new secret is the tenant's current one");
            }
            SecretOptions.legacyWarning(newSecret).ifPresent(w -> err.println("warning: " + w));
            WebhookConfig rotated = SecretRotation.rotate(old, newSecret, overlapLength, now).setUpdatedAt(now).build();
            if (!ConfigCommand.save(client, rotated, secrets, spec)) {
                return 1;
            }
            err.println(overlapLength.isZero() ? "replaced the secret of tenant " + tenant + " at once: old secrets no longer sign"
                    : "rotated the secret of tenant " + tenant + ": both secrets sign until " + rotated.getRotationEndsAt());
            return 0;
        }
    }
}
