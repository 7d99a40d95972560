package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.producer.TenantConfigClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Create or replace many tenants' webhook configs in one run, one complete config per JSON line:",
                "  {\"tenant_id\":\"acme\",\"endpoint\":\"https://hooks.acme.example/in\",\"secret\":\"...\","
                        + "\"events\":[\"RISK_LEVEL_CHANGED\",\"TASK_CREATED\"],\"batching\":true}",
                "optional: enabled (default true), batching (default true), secret_header. A line replaces the"
                        + " tenant's config (its created_at is kept).",
                "Every line is checked as `config set` checks one; a bad line is reported on stderr with its number"
                        + " and reason (never its content) and skipped, the others are applied.",
                "Each applied tenant is printed on stdout as a JSON line unless --quiet.",
                "Exit code: 0 every line applied; 3 some lines rejected (the rest applied); 1 Kafka or the schema"
                        + " registry failed."})
final class ConfigImportCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    ConfigCommand config;

    @Spec
    CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "JSON lines to import ('-' = stdin).")
    String file;

    @Option(names = "--dry-run", description = "Check every line and report, but write nothing.")
    boolean dryRun;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary.")
    boolean quiet;

    @Mixin
    EndpointAllowList allowList;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int rejected = 0;
        int failed = 0;
        int created = 0;
        int updated = 0;
        List<Applied> applied = new ArrayList<>();
        try (TenantConfigClient client = config.client(allowList.settings());
             BufferedReader reader = input()) {
            Map<String, WebhookConfig> existing = client.all();
            err.println("read " + existing.size() + " existing tenant configs");
            Map<String, Integer> lineOfTenant = new HashMap<>();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            long lastProgress = System.nanoTime();
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    String tenant = tenantOf(line);
                    WebhookConfig next = TenantConfigLine.parse(line, tenant == null ? null : existing.get(tenant), now);
                    Integer earlier = lineOfTenant.putIfAbsent(next.getTenantId(), number);
                    if (earlier != null) {
                        throw new IllegalArgumentException("tenant " + next.getTenantId() + " was already given on line "
                                + earlier);
                    }
                    CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
                    WebhookConfigRules.Verdict verdict = dryRun ? client.check(next) : client.putAsync(next, written);
                    for (String warning : verdict.warnings()) {
                        err.println("line " + number + ": warning: " + warning);
                    }
                    if (!verdict.ok()) {
                        throw new IllegalArgumentException(String.join("; ", verdict.errors()));
                    }
                    if (dryRun) {
                        written.complete(null);
                    }
                    applied.add(new Applied(number, next.getTenantId(), existing.containsKey(next.getTenantId()), written));
                } catch (IllegalArgumentException e) {
                    err.println("line " + number + ": rejected: " + e.getMessage());
                    rejected++;
                } catch (RuntimeException e) {
                    if (RecordFailure.classify(e) instanceof RecordFailure.Outage) {
                        err.println("line " + number + ": failed: " + e.getMessage() + "; stopped reading (lines after "
                                + (number - 1) + " were not applied)");
                        failed++;
                        break;
                    }
                    err.println("line " + number + ": rejected: " + e);
                    rejected++;
                }
                if (System.nanoTime() - lastProgress > 5_000_000_000L) {
                    err.println("... " + number + " lines read, " + applied.size() + " configs sent");
                    lastProgress = System.nanoTime();
                }
            }
            client.flush();
            for (Applied a : applied) {
                try {
                    a.written().get();
                    if (a.replaced()) {
                        updated++;
                    } else {
                        created++;
                    }
                    if (!quiet) {
                        out.println(JSON.createObjectNode().put("line", a.line()).put("tenant_id", a.tenant())
                                .put("result", dryRun ? "valid" : a.replaced() ? "updated" : "created"));
                    }
                } catch (ExecutionException e) {
                    err.println("line " + a.line() + ": failed: " + e.getCause().getMessage());
                    failed++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka's acknowledgements");
                }
            }
        }
        err.println((dryRun ? "dry run: would import " : "imported ") + (created + updated) + " tenant configs ("
                + created + " new, " + updated + " replaced)" + (rejected > 0 ? ", rejected " + rejected : "")
                + (failed > 0 ? ", failed " + failed : ""));
        return failed > 0 ? WebhookCtl.EXIT_FAILED : rejected > 0 ? WebhookCtl.EXIT_REJECTED : 0;
    }

    /** The line's tenant id when it has one, to find its existing config; the parser reports what is wrong. */
    private static String tenantOf(String line) {
        try {
            var node = JSON.readTree(line);
            return node != null && node.path("tenant_id").isTextual() ? node.get("tenant_id").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private BufferedReader input() throws IOException {
        if (file.equals("-")) {
            return new BufferedReader(new InputStreamReader(config.top.stdin, StandardCharsets.UTF_8));
        }
        return Files.newBufferedReader(Path.of(file));
    }

    private record Applied(int line, String tenant, boolean replaced, CompletableFuture<RecordMetadata> written) {}
}
