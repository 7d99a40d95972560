package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.producer.EventPublisher;
import dev.webhookpipeline.producer.NewEvent;
import dev.webhookpipeline.producer.PublishedEvent;
import dev.webhookpipeline.schema.EventSubject;
import dev.webhookpipeline.settings.Connectivity;
import dev.webhookpipeline.settings.PipelineSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish domain events to the events topic.",
                "With --tenant and --type: one event from the options. Otherwise: one event per JSON line from"
                        + " --file or stdin, e.g.",
                "  {\"tenant_id\":\"acme\",\"type\":\"RISK_LEVEL_CHANGED\",\"data\":{\"new_risk_level\":\"HIGH\"}}",
                "optionally with event_id (UUID), occurred_at (ISO-8601 or epoch ms) and subject ({\"profile_id\":...}).",
                "Bad lines are reported on stderr with their line number and reason and skipped; the rest are sent.",
                "Each published event is printed on stdout as a JSON line (topic, partition, offset) unless --quiet.",
                "Exit code: 0 every event published; 3 some input rejected (the rest published); 1 Kafka or the"
                        + " schema registry failed (the events acknowledged before are still reported)."})
final class PublishCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    WebhookCtl top;

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", paramLabel = "ID", description = "Tenant of the single event to publish.")
    String tenant;

    @Option(names = "--type", paramLabel = "EVENT_TYPE", description = "Type of the single event, e.g. RISK_LEVEL_CHANGED.")
    String type;

    @Option(names = "--data", paramLabel = "JSON", defaultValue = "{}", description = "Data of the single event (a JSON object).")
    String data;

    @Option(names = "--event-id", paramLabel = "UUID", description = "Id of the single event (default: a new UUID).")
    UUID eventId;

    @Option(names = "--profile-id", paramLabel = "ID", description = "Profile the single event is about.")
    String profileId;

    @Option(names = "--file", paramLabel = "FILE", description = "Read JSON lines from this file instead of stdin ('-' = stdin).")
    String file;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PipelineSettings settings = top.settings(Map.of());
        Connectivity.requireKafka(settings.kafkaProperties(), Duration.ofSeconds(15));
        Connectivity.requireRegistry(settings.registryClient());

        int rejected = 0;
        int failed = 0;
        int published = 0;
        List<Pending> pending = new ArrayList<>();
        try (EventPublisher publisher = EventPublisher.fromSettings(settings)) {
            if (tenant != null || type != null) {
                try {
                    pending.add(new Pending(0, publisher.publish(singleEvent())));
                } catch (RuntimeException e) {
                    if (RecordFailure.classify(e) instanceof RecordFailure.Outage) {
                        err.println("failed: " + e.getMessage());
                        failed++;
                    } else {
                        err.println("rejected: " + reason(e));
                        rejected++;
                    }
                }
            } else {
                long lastProgress = System.nanoTime();
                try (BufferedReader reader = input()) {
                    String line;
                    int number = 0;
                    while ((line = reader.readLine()) != null) {
                        number++;
                        if (line.isBlank()) {
                            continue;
                        }
                        try {
                            pending.add(new Pending(number, publisher.publish(EventLineParser.parse(line))));
                        } catch (RuntimeException e) {
                            // The one rule (RecordFailure): a bad line is reported and skipped; only an
                            // outage (Kafka or the registry unavailable) stops reading.
                            if (RecordFailure.classify(e) instanceof RecordFailure.Outage) {
                                err.println("line " + number + ": failed: " + e.getMessage()
                                        + "; stopped reading (lines after " + (number - 1) + " were not sent)");
                                failed++;
                                break;
                            }
                            err.println("line " + number + ": rejected: " + reason(e));
                            rejected++;
                        }
                        if (System.nanoTime() - lastProgress > 5_000_000_000L) {
                            err.println("... " + pending.size() + " events sent so far");
                            lastProgress = System.nanoTime();
                        }
                    }
                }
            }
            publisher.flush();
            for (Pending p : pending) {
                try {
                    PublishedEvent event = p.result().get();
                    published++;
                    if (!quiet) {
                        out.println(JSON.createObjectNode().put("line", p.line()).put("event_id", event.eventId().toString())
                                .put("tenant_id", event.tenantId()).put("topic", event.topic())
                                .put("partition", event.partition()).put("offset", event.offset()));
                    }
                } catch (ExecutionException e) {
                    err.println((p.line() > 0 ? "line " + p.line() + ": " : "") + "failed: " + e.getCause().getMessage());
                    failed++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka's acknowledgements");
                }
            }
        }
        err.println("published " + published + " event" + (published == 1 ? "" : "s")
                + (rejected > 0 ? ", rejected " + rejected : "") + (failed > 0 ? ", failed " + failed : ""));
        return failed > 0 ? WebhookCtl.EXIT_FAILED : rejected > 0 ? WebhookCtl.EXIT_REJECTED : 0;
    }

    /** Why a line was refused, in one line: a rule's own message, else the exception and its message. */
    private static String reason(RuntimeException e) {
        if (e instanceof IllegalArgumentException && e.getMessage() != null) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return root == e ? message : message + " (" + root.getClass().getSimpleName() + ")";
    }

    private NewEvent singleEvent() {
        if (tenant == null || type == null) {
            throw new IllegalArgumentException("a single event needs both --tenant and --type");
        }
        NewEvent event = NewEvent.of(tenant, EventLineParser.eventType(type), data).withOccurredAt(Instant.now());
        if (eventId != null) {
            event = event.withEventId(eventId);
        }
        if (profileId != null) {
            event = event.withSubject(EventSubject.newBuilder().setProfileId(profileId).build());
        }
        return event;
    }

    private BufferedReader input() throws IOException {
        if (file == null || file.equals("-")) {
            return new BufferedReader(new InputStreamReader(top.stdin, StandardCharsets.UTF_8));
        }
        return Files.newBufferedReader(Path.of(file));
    }

    private record Pending(int line, CompletableFuture<PublishedEvent> result) {}
}
