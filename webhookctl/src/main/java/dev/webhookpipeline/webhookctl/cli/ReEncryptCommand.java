package dev.webhookpipeline.webhookctl.cli;

import dev.webhookpipeline.producer.TenantConfigClient;
import dev.webhookpipeline.producer.TenantConfigClient.ReEncryption;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code webhookctl config re-encrypt}: every tenant's secrets rewritten under the current key. */
@Command(name = "re-encrypt", mixinStandardHelpOptions = true,
        description = {"Rewrite every tenant's config whose secrets are not under the current secret key"
                + " (pipeline.secrets.current-key, by default the last key listed) with them encrypted under it;"
                + " plaintext (legacy) secrets are encrypted too. Needs every key still in use in"
                + " pipeline.secrets.keys-file / pipeline.secrets.keys. Prints counts, never a secret.",
                "Run it while nobody changes configs: a change written meanwhile can be overwritten."
                        + " Exit 3 when some configs could not be decrypted (each is named with its key id)."})
final class ReEncryptCommand implements Callable<Integer> {

    @ParentCommand
    ConfigCommand config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try (TenantConfigClient client = config.client(Map.of())) {
            if (!client.encryptsSecrets()) {
                err.println("error: " + client.secretStorage());
                return WebhookCtl.EXIT_FAILED;
            }
            ReEncryption done = client.reEncrypt();
            done.unreadableKeyIdByTenant().forEach((tenant, keyId) -> err.println("not re-encrypted: tenant " + tenant
                    + ": its secret is under key '" + keyId + "', which is not configured or does not decrypt it"));
            spec.commandLine().getOut().println("re-encrypted " + done.reEncrypted() + " tenant configs under key '"
                    + client.currentKeyId().orElseThrow() + "'; " + done.alreadyCurrent() + " already under key '"
                    + client.currentKeyId().orElseThrow() + "'; " + done.unreadableKeyIdByTenant().size() + " could not be read");
            return done.unreadableKeyIdByTenant().isEmpty() ? 0 : WebhookCtl.EXIT_REJECTED;
        }
    }
}
