package dev.webhookpipeline.event;

import dev.webhookpipeline.payload.WebhookPayload;
import dev.webhookpipeline.schema.DomainEvent;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a domain event must satisfy to enter the pipeline. The producer refuses events that break
 * these rules; the router dead-letters any that reach the events topic anyway (written by another
 * client).
 */
public final class DomainEventRules {

    /** Largest event data accepted, in UTF-8 bytes: keeps a batch of 100 webhooks under ~6.5 MB. */
    public static final int MAX_DATA_BYTES = 64 * 1024;

    private DomainEventRules() {}

    /** Every problem of the event, empty when it is valid. Never throws for an event's content. */
    public static List<String> problems(DomainEvent event) {
        List<String> problems = new ArrayList<>();
        WebhookConfigRules.tenantIdProblem(event.getTenantId()).ifPresent(problems::add);
        if (event.getType() == null) {
            problems.add("event type is missing");
        }
        String data = event.getData();
        int size = data == null ? 0 : data.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_DATA_BYTES) {
            problems.add("event data is " + size + " bytes, more than the limit of " + MAX_DATA_BYTES);
        } else {
            try {
                WebhookPayload.parseObject(data);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            } catch (RuntimeException e) {
                // Never let the content of an event make the check itself fail: that is a problem too.
                problems.add("event data cannot be read: " + e.getClass().getSimpleName());
            }
        }
        return problems;
    }
}
