package dev.webhookpipeline.webhookctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code config import} and {@code config list} against the real broker and registry. */
@ExtendWith(RealServicesExtension.class)
class ConfigImportIT {

    static final String SECRET = "bulk-import-secret-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    static CliRunner cli;

    @BeforeAll
    static void ensureTopics(TestServices services) {
        cli = new CliRunner(services, TestServices.uniquePrefix("import"));
        assertThat(cli.run("topics", "ensure").exit()).isZero();
    }

    @Test
    void importsThousandsOfTenantsInOneRunReportingEachBadLineByNumber(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        IntStream.rangeClosed(1, 2_000).forEach(n -> lines.add(config("bulk-" + n, "https://93.184.216." + (n % 200 + 1)
                + "/hooks/" + n)));
        lines.set(9, "{\"tenant_id\":\"bulk-10\",\"endpoint\":\"http://10.0.0.1/x\",\"secret\":\"" + SECRET
                + "\",\"events\":[\"TASK_CREATED\"]}"); // line 10: private address over http
        lines.set(99, "{\"tenant_id\":\"bulk-100\",\"secret\":\"" + SECRET + "\" broken");            // line 100: not JSON
        lines.set(499, config("bulk-1", "https://93.184.216.34/again"));                               // line 500: repeated tenant
        lines.set(999, "{\"tenant_id\":\"bulk-1000\",\"endpoint\":\"https://93.184.216.34/h\",\"secret\":\"short\","
                + "\"events\":[\"TASK_CREATED\"]}");                                                      // line 1000: short secret
        Path file = Files.write(dir.resolve("tenants.jsonl"), lines);

        CliRunner.Result result = cli.run("config", "import", "--file", file.toString(), "--quiet");

        assertThat(result.exit()).as(result.err()).isEqualTo(3);
        assertThat(result.err()).contains("line 10: rejected: endpoint must use https")
                .contains("line 100: rejected: not valid JSON")
                .contains("line 500: rejected: tenant bulk-1 was already given on line 1")
                .contains("line 1000: rejected: secret is too short")
                .contains("imported 1996 tenant configs (1996 new, 0 replaced), rejected 4")
                .doesNotContain(SECRET).doesNotContain("short\"");

        CliRunner.Result listed = cli.run("config", "list");
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.err()).contains("1996 tenants");
        List<JsonNode> configs = new ArrayList<>();
        for (String line : listed.lines()) {
            configs.add(JSON.readTree(line));
        }
        assertThat(configs).hasSize(1996).allSatisfy(c -> assertThat(c.get("secret").asText()).isEqualTo("********"));
        assertThat(configs).extracting(c -> c.get("tenant_id").asText()).doesNotContain("bulk-10", "bulk-100", "bulk-1000")
                .contains("bulk-1", "bulk-2000").isSorted();
        assertThat(configs.stream().filter(c -> c.get("tenant_id").asText().equals("bulk-1")).findFirst().orElseThrow()
                .get("endpoint").asText()).isEqualTo("https://93.184.216.2/hooks/1");
        assertThat(listed.out()).doesNotContain(SECRET);
    }

    @Test
    void reimportingReplacesConfigsAndADryRunWritesNothing(@TempDir Path dir) throws Exception {
        Path first = Files.write(dir.resolve("a.jsonl"), List.of(config("re-1", "https://93.184.216.34/one")));
        assertThat(cli.run("config", "import", "--file", first.toString()).exit()).isZero();
        String createdAt = JSON.readTree(cli.run("config", "show", "--tenant", "re-1").out()).get("created_at").asText();

        Path second = Files.write(dir.resolve("b.jsonl"), List.of(config("re-1", "https://93.184.216.34/two"),
                config("re-2", "https://93.184.216.34/three")));
        CliRunner.Result dry = cli.run("config", "import", "--file", second.toString(), "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.err()).contains("dry run: would import 2 tenant configs (1 new, 1 replaced)");
        assertThat(cli.run("config", "show", "--tenant", "re-2").exit()).isEqualTo(1);

        CliRunner.Result applied = cli.run("config", "import", "--file", second.toString());
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.lines()).containsExactly("{\"line\":1,\"tenant_id\":\"re-1\",\"result\":\"updated\"}",
                "{\"line\":2,\"tenant_id\":\"re-2\",\"result\":\"created\"}");
        JsonNode shown = JSON.readTree(cli.run("config", "show", "--tenant", "re-1").out());
        assertThat(shown.get("endpoint").asText()).isEqualTo("https://93.184.216.34/two");
        assertThat(shown.get("created_at").asText()).isEqualTo(createdAt);
    }

    @Test
    void helpAndUsageErrors() {
        assertThat(cli.run("config", "import", "--help").out()).contains("Usage:").contains("--dry-run");
        assertThat(cli.run("config", "list", "--help").out()).contains("Usage:");
        CliRunner.Result noFile = cli.run("config", "import");
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("Missing required option: '--file=FILE'");
        CliRunner.Result missingFile = cli.run("config", "import", "--file", "/no/such/tenants.jsonl");
        assertThat(missingFile.exit()).isEqualTo(1);
        assertThat(missingFile.err()).contains("/no/such/tenants.jsonl");
    }

    static String config(String tenant, String endpoint) {
        return "{\"tenant_id\":\"" + tenant + "\",\"endpoint\":\"" + endpoint + "\",\"secret\":\"" + SECRET
                + "\",\"events\":[\"RISK_LEVEL_CHANGED\",\"TASK_CREATED\"],\"batching\":true}";
    }
}
