package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.schema.DeliveryProgress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the simulated instances share: the outbound log, the group's committed offsets and who
 * owns which partition, the delivery-state and dead-letter topics, and the receivers. It checks
 * the delivery contract at every write it sees and throws {@link Violation} at the first breach.
 */
final class SimCluster {

    static final String TOPIC = "sim.outbound";

    static final class Violation extends RuntimeException {
        Violation(String message) {
            super(message);
        }
    }

    /**
     * The truth about one record of the log. {@code seq} numbers a tenant's good records (first-time
     * and re-delivered) in log order: the order its receiver must see them in.
     */
    record Truth(String tenant, long webhookId, String body, boolean bad, long seq, String redelivery) {}

    private final int partitionCount;
    private final List<List<ConsumerRecord<String, byte[]>>> logs = new ArrayList<>();
    private final List<List<Truth>> truths = new ArrayList<>();
    private final long[] committed;
    private final int[] owner;
    /** How far each partition's committed prefix has been checked to be resolved. */
    private final long[] checkedUpTo;
    private final Map<String, DeliveryProgress> progress = new HashMap<>();
    private final Set<String> deadLettered = new HashSet<>();
    /** Highest first-time webhook id each receiver has processed. */
    private final Map<String, Long> maxDelivered = new HashMap<>();
    /** Highest seq each receiver has processed (first-time and re-delivered webhooks). */
    private final Map<String, Long> maxSeq = new HashMap<>();
    private final Map<String, Long> nextId = new HashMap<>();
    private final Map<String, Long> nextSeq = new HashMap<>();
    /** Offset of each of a tenant's good records, by seq - 1. */
    private final Map<String, List<Long>> offsetsBySeq = new HashMap<>();

    SimCluster(int partitionCount) {
        this.partitionCount = partitionCount;
        this.committed = new long[partitionCount];
        this.owner = new int[partitionCount];
        this.checkedUpTo = new long[partitionCount];
        Arrays.fill(owner, -1);
        for (int p = 0; p < partitionCount; p++) {
            logs.add(new ArrayList<>());
            truths.add(new ArrayList<>());
        }
    }

    List<TopicPartition> partitions() {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitionCount; p++) {
            all.add(new TopicPartition(TOPIC, p));
        }
        return all;
    }

    int partitionOf(String tenant) {
        return Math.floorMod(tenant.hashCode(), partitionCount);
    }

    List<ConsumerRecord<String, byte[]>> log(int partition) {
        return logs.get(partition);
    }

    long committed(int partition) {
        return committed[partition];
    }

    int owner(int partition) {
        return owner[partition];
    }

    void owner(int partition, int instance) {
        owner[partition] = instance;
    }

    // ---- writing the log ----

    /** Appends the tenant's next webhook, encoded under schema v1 or v2 (v2 must be fetched from the registry). */
    void produce(String tenant, String body, boolean v2) {
        long id = nextId.merge(tenant, 1L, Long::sum);
        appendGood(tenant, (v2 ? "v2|" : "v1|") + tenant + "|" + id + "|" + body, id, body, null);
    }

    /**
     * Appends copies of the tenant's first-time webhooks {@code fromId..toId} (those produced so
     * far), marked as re-delivery {@code request} and with the body a re-delivery has.
     */
    void redeliver(String tenant, long fromId, long toId, String request) {
        int p = partitionOf(tenant);
        List<Truth> originals = truths.get(p).stream().filter(t -> !t.bad() && t.redelivery() == null
                && t.tenant().equals(tenant) && t.webhookId() >= fromId && t.webhookId() <= toId).toList();
        for (Truth original : originals) {
            String body = original.body() + "+redelivery:" + request;
            appendGood(tenant, "v1+r" + request + "|" + tenant + "|" + original.webhookId() + "|" + body,
                    original.webhookId(), body, request);
        }
    }

    private void appendGood(String tenant, String value, long id, String body, String redelivery) {
        long seq = nextSeq.merge(tenant, 1L, Long::sum);
        offsetsBySeq.computeIfAbsent(tenant, t -> new ArrayList<>()).add((long) logs.get(partitionOf(tenant)).size());
        append(tenant, value, new Truth(tenant, id, body, false, seq, redelivery));
    }

    /** Appends a record that no decoder can read (it takes no webhook id: the router never numbered it). */
    void produceGarbage(String tenant) {
        append(tenant, "garbage", new Truth(tenant, -1, null, true, -1, null));
    }

    private void append(String tenant, String value, Truth truth) {
        int p = partitionOf(tenant);
        List<ConsumerRecord<String, byte[]>> log = logs.get(p);
        log.add(new ConsumerRecord<>(TOPIC, p, log.size(), tenant, value.getBytes(StandardCharsets.UTF_8)));
        truths.get(p).add(truth);
    }

    Map<String, Long> producedIds() {
        return nextId;
    }

    // ---- the group's offsets ----

    void commit(SimConsumer by, Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (var e : offsets.entrySet()) {
            int p = e.getKey().partition();
            long offset = e.getValue().offset();
            if (owner[p] != by.instance) {
                throw new Violation("instance " + by.instance + " committed " + p + "@" + offset + " while instance "
                        + owner[p] + " owns it");
            }
            if (offset < committed[p]) {
                throw new Violation("commit of partition " + p + " went backwards: " + committed[p] + " -> " + offset);
            }
            committed[p] = offset;
            checkCommittedPrefix(p);
        }
    }

    /** Every record below the committed offset was answered 200 or is in the dead-letter topic. */
    private void checkCommittedPrefix(int p) {
        List<Truth> truth = truths.get(p);
        while (checkedUpTo[p] < committed[p]) {
            int offset = (int) checkedUpTo[p];
            if (!resolved(p, offset, truth.get(offset))) {
                throw new Violation("partition " + p + " committed to " + committed[p] + " past offset " + offset
                        + " (" + describe(truth.get(offset)) + "), which was neither delivered nor dead-lettered");
            }
            checkedUpTo[p]++;
        }
    }

    private boolean resolved(int p, int offset, Truth truth) {
        return truth.bad() ? deadLettered.contains(p + "@" + offset)
                : maxSeq.getOrDefault(truth.tenant(), 0L) >= truth.seq();
    }

    private static String describe(Truth truth) {
        return truth.bad() ? "a bad record of " + truth.tenant() : truth.tenant() + " #" + truth.webhookId()
                + (truth.redelivery() == null ? "" : " (re-delivery " + truth.redelivery() + ")") + " seq " + truth.seq();
    }

    // ---- the dead-letter topic ----

    void deadLetter(ConsumerRecord<String, byte[]> record) {
        Truth truth = truths.get(record.partition()).get((int) record.offset());
        if (!truth.bad()) {
            throw new Violation("a good webhook was dead-lettered: " + describe(truth) + " at " + record.partition()
                    + "@" + record.offset());
        }
        deadLettered.add(record.partition() + "@" + record.offset());
    }

    // ---- the delivery-state topic ----

    void writeProgress(int writer, int partition, DeliveryProgress state) {
        if (owner[partition] != writer) {
            throw new Violation("instance " + writer + " wrote the delivery state of " + state.getTenantId()
                    + " (partition " + partition + ") owned by instance " + owner[partition]);
        }
        long delivered = maxDelivered.getOrDefault(state.getTenantId(), 0L);
        if (state.getLastDeliveredWebhookId() > delivered) {
            throw new Violation("delivery state of " + state.getTenantId() + " claims #" + state.getLastDeliveredWebhookId()
                    + " delivered; the receiver has up to #" + delivered);
        }
        long seq = maxSeq.getOrDefault(state.getTenantId(), 0L);
        long receivedOffset = seq == 0 ? -1 : offsetsBySeq.get(state.getTenantId()).get((int) seq - 1);
        if (state.getLastDeliveredOffset() > receivedOffset) {
            throw new Violation("delivery state of " + state.getTenantId() + " claims offset " + state.getLastDeliveredOffset()
                    + " delivered; the receiver has up to offset " + receivedOffset + ": a new owner would skip re-deliveries");
        }
        progress.put(state.getTenantId(), state);
    }

    long recordedDeliveredOffset(String tenant) {
        DeliveryProgress state = progress.get(tenant);
        return state == null ? -1 : state.getLastDeliveredOffset();
    }

    long recordedDelivered(String tenant) {
        DeliveryProgress state = progress.get(tenant);
        return state == null ? 0 : state.getLastDeliveredWebhookId();
    }

    Map<String, DeliveryProgress> progressOf(int partition) {
        Map<String, DeliveryProgress> out = new HashMap<>();
        progress.forEach((tenant, state) -> {
            if (partitionOf(tenant) == partition) {
                out.put(tenant, state);
            }
        });
        return out;
    }

    // ---- the receivers ----

    /**
     * A request of the tenant's was answered 200: its webhooks are processed by the receiver, in
     * this order. They must continue the tenant's log order (a repeat of what came before is
     * at-least-once; a gap is a loss), with their own id and body, and one request holds
     * first-time webhooks or one re-delivery's, never a mix.
     */
    void received(String tenant, List<QueuedWebhook> webhooks) {
        List<Truth> log = truths.get(partitionOf(tenant));
        long max = maxSeq.getOrDefault(tenant, 0L);
        long expected = -1;
        for (QueuedWebhook webhook : webhooks) {
            Truth truth = log.get((int) webhook.offset());
            if (truth.bad() || !truth.tenant().equals(tenant) || truth.webhookId() != webhook.webhookId()
                    || !truth.body().equals(webhook.body())
                    || !Objects.equals(truth.redelivery(), webhook.redelivery())) {
                throw new Violation(tenant + " received offset " + webhook.offset() + " as #" + webhook.webhookId()
                        + " but it is " + describe(truth) + " (or its body or marker differs)");
            }
            if (expected < 0 && truth.seq() > max + 1) {
                throw new Violation(tenant + " received " + describe(truth) + " after seq " + max + ": a gap (lost or reordered)");
            }
            if (expected >= 0 && truth.seq() != expected) {
                throw new Violation(tenant + " received a request out of log order: " + webhooks.stream()
                        .map(w -> describe(log.get((int) w.offset()))).toList());
            }
            if (!webhook.sameRequestAs(webhooks.get(0))) {
                throw new Violation(tenant + " received a request mixing first-time webhooks and re-deliveries: "
                        + webhooks.stream().map(w -> describe(log.get((int) w.offset()))).toList());
            }
            if (truth.redelivery() == null) {
                maxDelivered.merge(tenant, truth.webhookId(), Math::max);
            }
            expected = truth.seq() + 1;
        }
        maxSeq.put(tenant, Math.max(max, expected - 1));
    }

    long maxDelivered(String tenant) {
        return maxDelivered.getOrDefault(tenant, 0L);
    }

    /** Everything is delivered or dead-lettered, and every partition is committed to its end. */
    String unfinished() {
        for (int p = 0; p < partitionCount; p++) {
            if (committed[p] < logs.get(p).size()) {
                int offset = (int) committed[p];
                return "partition " + p + " committed to " + committed[p] + " of " + logs.get(p).size() + " (next: "
                        + describe(truths.get(p).get(offset)) + ", resolved: " + resolved(p, offset, truths.get(p).get(offset))
                        + ", owner " + owner[p] + ")";
            }
        }
        for (var e : nextSeq.entrySet()) {
            if (maxSeq.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return e.getKey() + " got up to seq " + maxSeq.getOrDefault(e.getKey(), 0L) + " of " + e.getValue();
            }
        }
        return null;
    }
}
