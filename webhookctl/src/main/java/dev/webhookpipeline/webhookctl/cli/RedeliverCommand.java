package dev.webhookpipeline.webhookctl.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.webhookpipeline.webhookctl.audit.OperatorLog;
import dev.webhookpipeline.webhookctl.inspect.RangeBound;
import dev.webhookpipeline.webhookctl.redeliver.WebhookRedelivery;
import dev.webhookpipeline.settings.PipelineSettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "redeliver", mixinStandardHelpOptions = true,
        description = {"Send a tenant again webhooks it already received (answered 200), in order, with their original"
                + " ids and bodies and the current secret, marked as re-deliveries: the header webhook-redelivery and the"
                + " body field \"redelivery\" carry the request's id.",
                "They are delivered after the tenant's webhooks already on their way and before any routed later;"
                        + " no request mixes them with first-time webhooks. The request is recorded on the operator log"
                        + " (who, range, when) and shown by the status page and API.",
                "Prints the request as one JSON line: request_id, tenant, count, first_id, last_id, written_to."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:re-deliveries written", "1:nothing to re-deliver (nothing delivered in the range, or deleted"
                + " by retention), or Kafka or the schema registry could not be used", "2:invalid command line"})
final class RedeliverCommand implements Callable<Integer> {

    @ParentCommand
    WebhookCtl top;

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true, paramLabel = "ID", description = "The tenant.")
    String tenant;

    @Option(names = "--from-id", paramLabel = "ID", description = "First webhook id to send again.")
    Long fromId;

    @Option(names = "--to-id", paramLabel = "ID",
            description = "Last webhook id to send again (default: the last one delivered). With --from-id.")
    Long toId;

    @Option(names = "--since", paramLabel = "TIME", description = "Webhooks routed at or after this time: a time"
            + " (2026-12-02T10:00:00Z, 2026-12-02) or a duration ago (30m, 1h, 7d).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Webhooks routed before this time. With --since.")
    String until;

    @Option(names = "--requested-by", paramLabel = "NAME",
            description = "Who asks, for the operator log (default: the operating-system user).")
    String requestedBy = System.getProperty("user.name", "unknown");

    @Override
    public Integer call() {
        WebhookRedelivery.Request request = request(Clock.systemUTC());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PipelineSettings settings = top.settings(Map.of());
        AnalystSession session = AnalystSession.open(settings);
        try (OperatorLog log = new OperatorLog(settings.kafkaProperties(), session.registry(), settings.topics())) {
            WebhookRedelivery.Result done = new WebhookRedelivery(settings.kafkaProperties(), session.registry(),
                    settings.topics(), log, Clock.systemUTC()).redeliver(request, err::println);
            out.println(JsonNodeFactory.instance.objectNode().put("request_id", done.requestId()).put("tenant", tenant)
                    .put("count", done.count()).put("first_id", done.firstId()).put("last_id", done.lastId())
                    .put("written_to", done.writtenTo()).toString());
            err.println("re-delivery " + done.requestId() + " written: " + done.count() + " webhook"
                    + (done.count() == 1 ? "" : "s") + "; follow it on the status page");
            return 0;
        } catch (WebhookRedelivery.NothingToRedeliver nothing) {
            err.println("error: " + nothing.getMessage());
            return WebhookCtl.EXIT_FAILED;
        }
    }

    /** The request as asked; a usage error (exit 2) when the options do not make one range. */
    WebhookRedelivery.Request request(Clock clock) {
        if ((fromId == null) == (since == null)) {
            throw new ParameterException(spec.commandLine(), "give either --from-id (with an optional --to-id) or --since"
                    + " (with an optional --until)");
        }
        if (toId != null && fromId == null || until != null && since == null) {
            throw new ParameterException(spec.commandLine(), toId != null && fromId == null
                    ? "--to-id goes with --from-id" : "--until goes with --since");
        }
        if (fromId != null && fromId < 1) {
            throw new ParameterException(spec.commandLine(), "--from-id " + fromId + ": webhook ids start at 1");
        }
        if (toId != null && toId < fromId) {
            throw new ParameterException(spec.commandLine(), "--to-id " + toId + " is before --from-id " + fromId);
        }
        Instant from = since == null ? null : time("--since", since, clock);
        Instant to = until == null ? null : time("--until", until, clock);
        if (to != null && !to.isAfter(from)) {
            throw new ParameterException(spec.commandLine(), "--until " + until + " is not after --since " + since);
        }
        if (requestedBy == null || requestedBy.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--requested-by must name someone");
        }
        return new WebhookRedelivery.Request(tenant, fromId, toId, from, to, requestedBy.strip());
    }

    private Instant time(String option, String text, Clock clock) {
        RangeBound bound = AnalystSession.usage(spec, () -> RangeBound.parse(option, text, clock));
        if (bound.time() == null) {
            throw new ParameterException(spec.commandLine(), option + " '" + text + "' is not a time: give a time"
                    + " (2026-12-02T10:00:00Z, 2026-12-02T11:00+01:00, 2026-12-02) or a duration ago (30m, 1h, 7d)");
        }
        return bound.time();
    }
}
