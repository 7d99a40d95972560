package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.dispatcher.delivery.QueuedWebhook;
import dev.webhookpipeline.schema.DeliveryProgress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

    /** The truth about one record of the log. */
    record Truth(String tenant, long webhookId, String body, boolean bad) {}

    private final int partitionCount;
    private final List<List<ConsumerRecord<String, byte[]>>> logs = new ArrayList<>();
    private final List<List<Truth>> truths = new ArrayList<>();
    private final long[] committed;
    private final int[] owner;
    /** How far each partition's committed prefix has been checked to be resolved. */
    private final long[] checkedUpTo;
    private final Map<String, DeliveryProgress> progress = new HashMap<>();
    private final Set<String> deadLettered = new HashSet<>();
    private final Map<String, Long> maxDelivered = new HashMap<>();
    private final Map<String, Long> nextId = new HashMap<>();

    SimCluster(int partitionCount) {
        this.partitionCount = partitionCount;
        this.committed = new long[partitionCount];
        this.owner = new int[partitionCount];
        this.checkedUpTo = new long[partitionCount];
        java.util.Arrays.fill(owner, -1);
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
        append(tenant, (v2 ? "v2|" : "v1|") + tenant + "|" + id + "|" + body, new Truth(tenant, id, body, false));
    }

    /** Appends a record that no decoder can read (it takes no webhook id: the router never numbered it). */
    void produceGarbage(String tenant) {
        append(tenant, "garbage", new Truth(tenant, -1, null, true));
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
                : maxDelivered.getOrDefault(truth.tenant(), 0L) >= truth.webhookId();
    }

    private static String describe(Truth truth) {
        return truth.bad() ? "a bad record of " + truth.tenant() : truth.tenant() + " #" + truth.webhookId();
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
        progress.put(state.getTenantId(), state);
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

    /** A request of the tenant's was answered 200: its webhooks are processed by the receiver, in this order. */
    void received(String tenant, List<QueuedWebhook> webhooks) {
        long max = maxDelivered.getOrDefault(tenant, 0L);
        long expected = webhooks.get(0).webhookId();
        if (expected > max + 1) {
            throw new Violation(tenant + " received #" + expected + " after #" + max + ": a gap (lost or reordered)");
        }
        for (QueuedWebhook webhook : webhooks) {
            if (webhook.webhookId() != expected) {
                throw new Violation(tenant + " received a request with ids out of sequence: "
                        + webhooks.stream().map(QueuedWebhook::webhookId).toList());
            }
            String truth = bodyOf(tenant, webhook.webhookId());
            if (!webhook.body().equals(truth)) {
                throw new Violation(tenant + " #" + webhook.webhookId() + " arrived with another webhook's body");
            }
            expected++;
        }
        maxDelivered.put(tenant, Math.max(max, expected - 1));
    }

    private final Map<String, String> bodies = new HashMap<>();

    private String bodyOf(String tenant, long id) {
        if (bodies.isEmpty() || !bodies.containsKey(tenant + "#" + id)) {
            for (List<Truth> partition : truths) {
                for (Truth t : partition) {
                    if (!t.bad()) {
                        bodies.putIfAbsent(t.tenant() + "#" + t.webhookId(), t.body());
                    }
                }
            }
        }
        return bodies.get(tenant + "#" + id);
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
        for (var e : nextId.entrySet()) {
            if (maxDelivered(e.getKey()) < e.getValue()) {
                return e.getKey() + " got up to #" + maxDelivered(e.getKey()) + " of " + e.getValue();
            }
        }
        return null;
    }
}
