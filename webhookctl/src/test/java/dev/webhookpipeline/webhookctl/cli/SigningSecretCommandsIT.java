package dev.webhookpipeline.webhookctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.producer.TenantConfigClient;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.signing.SigningSecret;
import dev.webhookpipeline.tenant.EndpointPolicy;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestServices;
import dev.webhookpipeline.topics.PipelineTopics;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code webhookctl config set} generating {@code whsec_} secrets, and {@code config rotate-secret}, against the real broker and registry. */
@ExtendWith(RealServicesExtension.class)
class SigningSecretCommandsIT {

    static final String LEGACY = "legacy-secret-of-the-cli-test-42";
    static final String ENDPOINT = "https://93.184.216.34/hooks";
    static TestServices services;
    static String prefix;

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", services.bootstrapServers(),
                "--schema-registry-url", services.schemaRegistryUrl(), "--topic-prefix", prefix));
        all.addAll(List.of(args));
        int exit = WebhookCtl.run(all.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void ensureTopics(TestServices testServices) {
        services = testServices;
        prefix = TestServices.uniquePrefix("cli-secrets");
        Result ensure = run("topics", "ensure");
        assertThat(ensure.exit()).as(ensure.err()).isZero();
    }

    static WebhookConfig stored(String tenant) {
        try (TenantConfigClient client = new TenantConfigClient(Map.of("bootstrap.servers", services.bootstrapServers()),
                SchemaRegistryClient.builder(services.schemaRegistryUrl()).build(),
                PipelineTopics.builder().prefix(prefix).build(), new WebhookConfigRules(EndpointPolicy.localDevelopment()))) {
            return client.get(tenant).orElseThrow();
        }
    }

    @Test
    void aNewTenantWithoutASecretGetsAGeneratedWhsecSecretInAnOwnerOnlyFile(@TempDir Path dir) throws Exception {
        String tenant = "gen-" + UUID.randomUUID();
        Result nowhere = run("config", "set", "--tenant", tenant, "--endpoint", ENDPOINT, "--events", "TASK_CREATED");
        assertThat(nowhere.exit()).isEqualTo(1);
        assertThat(nowhere.err()).contains("--secret-out FILE");

        Path out = dir.resolve("acme.secret");
        Result set = run("config", "set", "--tenant", tenant, "--endpoint", ENDPOINT, "--events", "TASK_CREATED",
                "--secret-out", out.toString());
        assertThat(set.exit()).as(set.err()).isZero();
        String secret = Files.readString(out).strip();
        assertThat(secret).startsWith("whsec_");
        assertThat(SigningSecret.key(secret)).hasSize(SigningSecret.GENERATED_KEY_BYTES);
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(stored(tenant).getSecret()).isEqualTo(secret);
        assertThat(set.all()).doesNotContain(secret).contains("wrote the new secret to " + out);

        // An existing file is never overwritten: it may hold a secret still in use.
        Result again = run("config", "rotate-secret", "--tenant", tenant, "--secret-out", out.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("already exists");
        assertThat(stored(tenant).getSecret()).isEqualTo(secret);
    }

    @Test
    void rotatingKeepsTheOldSecretSigningForTheOverlapAndRefusesASecondOverlapMeanwhile(@TempDir Path dir) throws Exception {
        String tenant = "rot-" + UUID.randomUUID();
        Result set = run("config", "set", "--tenant", tenant, "--endpoint", ENDPOINT, "--events", "TASK_CREATED",
                "--secret", LEGACY);
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.err()).contains("warning: the secret is not a whsec_ secret");

        Instant before = Instant.now();
        Path next = dir.resolve("next.secret");
        Result rotated = run("config", "rotate-secret", "--tenant", tenant, "--overlap", "2h", "--secret-out", next.toString());
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        String secret = Files.readString(next).strip();
        WebhookConfig config = stored(tenant);
        assertThat(config.getSecret()).isEqualTo(secret).startsWith("whsec_");
        assertThat(config.getPreviousSecret()).isEqualTo(LEGACY);
        assertThat(config.getRotationEndsAt()).isBetween(before.plus(Duration.ofHours(2)).minusSeconds(1),
                Instant.now().plus(Duration.ofHours(2)));
        assertThat(rotated.err()).contains("both secrets sign until " + config.getRotationEndsAt());

        Result shown = run("config", "show", "--tenant", tenant);
        assertThat(shown.out()).contains("\"previous_secret\" : \"********\"")
                .contains("\"rotation_ends_at\" : \"" + config.getRotationEndsAt() + "\"");

        Result second = run("config", "rotate-secret", "--tenant", tenant, "--overlap", "1h", "--secret-out",
                dir.resolve("third.secret").toString());
        assertThat(second.exit()).isEqualTo(1);
        assertThat(second.err()).contains("under way until " + config.getRotationEndsAt()).contains("--overlap 0");
        assertThat(dir.resolve("third.secret")).doesNotExist();
        assertThat(stored(tenant).getSecret()).isEqualTo(secret);

        // After a leak: --overlap 0 drops every old secret at once.
        Path leaked = Files.writeString(dir.resolve("given.secret"), SigningSecret.generate());
        Result cut = run("config", "rotate-secret", "--tenant", tenant, "--overlap", "0", "--secret-file", leaked.toString());
        assertThat(cut.exit()).as(cut.err()).isZero();
        WebhookConfig cutConfig = stored(tenant);
        assertThat(cutConfig.getSecret()).isEqualTo(Files.readString(leaked));
        assertThat(cutConfig.getPreviousSecret()).isNull();
        assertThat(cutConfig.getRotationEndsAt()).isNull();

        for (Result r : List.of(set, rotated, shown, second, cut)) {
            assertThat(r.all()).doesNotContain(LEGACY).doesNotContain(secret).doesNotContain(cutConfig.getSecret());
        }
    }

    @Test
    void setWithANewSecretReplacesItAtOnceAndEndsAnOverlap(@TempDir Path dir) throws Exception {
        String tenant = "replace-" + UUID.randomUUID();
        assertThat(run("config", "set", "--tenant", tenant, "--endpoint", ENDPOINT, "--events", "TASK_CREATED",
                "--secret", LEGACY).exit()).isZero();
        assertThat(run("config", "rotate-secret", "--tenant", tenant, "--secret-out", dir.resolve("s").toString()).exit())
                .isZero();
        assertThat(stored(tenant).getPreviousSecret()).isEqualTo(LEGACY);

        // A change of anything else keeps the overlap.
        assertThat(run("config", "set", "--tenant", tenant, "--batching", "false").exit()).isZero();
        assertThat(stored(tenant).getPreviousSecret()).isEqualTo(LEGACY);

        String replacement = SigningSecret.generate();
        Result replaced = run("config", "set", "--tenant", tenant, "--secret", replacement);
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(replaced.err()).contains("replaced at once").contains("rotate-secret");
        WebhookConfig config = stored(tenant);
        assertThat(config.getSecret()).isEqualTo(replacement);
        assertThat(config.getPreviousSecret()).isNull();
        assertThat(config.getRotationEndsAt()).isNull();
    }

    @Test
    void rotateSecretHasHelpAndNeedsAnExistingTenant() {
        Result help = run("config", "rotate-secret", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--overlap").contains("--secret-out");
        Result none = run("config", "rotate-secret", "--tenant", "nobody-" + UUID.randomUUID(), "--secret", LEGACY);
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("has no webhook config");
    }
}
