package dev.webhookpipeline.dispatcher.status;

import dev.webhookpipeline.dispatcher.kafka.TopicReader;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.OperatorAction;
import dev.webhookpipeline.schema.OperatorActionType;
import dev.webhookpipeline.serde.AvroDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The re-delivery requests on the operator log ({@code webhookctl redeliver}: who asked, for which
 * range, when), for the status page and API. Keeps the most recent {@link #KEPT} per tenant and
 * over all tenants; other actions on the log are passed over.
 */
public final class RedeliveryLog implements AutoCloseable {

    public static final int KEPT = 20;

    /** One request, as the API shows it. Holds no secret (the operator log never does). */
    public record Request(String requestId, String tenant, String requestedBy, Instant requestedAt, String range,
                          Long firstWebhookId, Long lastWebhookId, Integer webhooks) {}

    private final TopicReader<OperatorAction> reader;
    private final Map<String, Deque<Request>> byTenant = new ConcurrentHashMap<>();
    private final Deque<Request> recent = new ArrayDeque<>();

    public RedeliveryLog(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, String topic) {
        this.reader = new TopicReader<>("re-delivery requests", kafkaProperties,
                new AvroDeserializer<>(OperatorAction.class, registry), topic, "dispatcher-redelivery-log",
                TopicReader.From.BEGINNING, (key, action) -> Optional.empty(), (key, action) -> {
                    if (action != null) {
                        add(action);
                    }
                });
    }

    /** Takes one action of the log (the reader's thread; tests). */
    void add(OperatorAction action) {
        if (action.getAction() != OperatorActionType.REDELIVER || action.getTenantId() == null) {
            return;
        }
        Request request = new Request(action.getRequestId(), action.getTenantId(), action.getRequestedBy(),
                action.getRequestedAt(), action.getRequestedRange(), action.getFirstWebhookId(), action.getLastWebhookId(),
                action.getWebhookCount());
        Deque<Request> tenant = byTenant.computeIfAbsent(request.tenant(), t -> new ArrayDeque<>());
        synchronized (tenant) {
            keep(tenant, request);
        }
        synchronized (recent) {
            keep(recent, request);
        }
    }

    private static void keep(Deque<Request> list, Request request) {
        list.addFirst(request);
        while (list.size() > KEPT) {
            list.removeLast();
        }
    }

    /** The most recent requests, newest first: of one tenant, or of all when {@code tenant} is null. */
    public List<Request> recent(String tenant) {
        Deque<Request> list = tenant == null ? recent : byTenant.get(tenant);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    public void start() {
        reader.start();
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return reader.awaitReady(timeout);
    }

    public boolean isReading() {
        return reader.isReading();
    }

    @Override
    public void close() throws InterruptedException {
        reader.close();
    }
}
