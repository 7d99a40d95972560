package dev.webhookpipeline.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The "ensure topics" step: creates missing topics with the layout of their {@link TopicSpec} and
 * checks existing ones. Partition count and cleanup policy must match (a wrong count breaks
 * co-partitioning and per-tenant order; a wrong policy loses configs or keeps garbage), so a
 * difference fails with a {@link TopicMismatchException}; a different retention is reported as a
 * warning, since operators tune it. When nobody chose a partition count
 * ({@link PipelineTopics#partitionsGiven()}), the count of the topics that exist is the count: they
 * need only agree with each other, and missing ones are created with it.
 */
public final class TopicInitializer {

    /** What was created and found, warnings, and the partition count every pipeline topic has. */
    public record Report(List<String> created, List<String> existing, List<String> warnings, int partitions) {}

    private final Admin admin;
    private final long timeoutMs;

    public TopicInitializer(Admin admin) {
        this(admin, 30_000);
    }

    public TopicInitializer(Admin admin, long timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    /** The pipeline's topics; a defaulted partition count gives way to the existing topics' count. */
    public Report ensure(PipelineTopics topics) {
        return ensure(topics.all(), !topics.partitionsGiven());
    }

    /** These topics, with exactly their specs' partition counts. */
    public Report ensure(Collection<? extends TopicSpec<?, ?>> specs) {
        return ensure(specs, false);
    }

    private Report ensure(Collection<? extends TopicSpec<?, ?>> specs, boolean adoptExistingCount) {
        try {
            Set<String> present = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            Map<String, Integer> existingCounts = new LinkedHashMap<>();
            if (adoptExistingCount) {
                List<String> found = specs.stream().map(TopicSpec::name).filter(present::contains).toList();
                if (!found.isEmpty()) {
                    describeOnceVisible(found).forEach((name, d) -> existingCounts.put(name, d.partitions().size()));
                }
            }
            // The count the pipeline's topics must have: the existing ones', when they agree and nobody chose one.
            Set<Integer> counts = Set.copyOf(existingCounts.values());
            OptionalInt adopted = counts.size() == 1 ? OptionalInt.of(counts.iterator().next()) : OptionalInt.empty();
            List<String> created = new ArrayList<>();
            List<NewTopic> toCreate = specs.stream().filter(s -> !present.contains(s.name()))
                    .map(s -> new NewTopic(s.name(), Optional.of(adopted.orElse(s.partitions())), Optional.empty())
                            .configs(s.configs()))
                    .toList();
            for (var entry : admin.createTopics(toCreate).values().entrySet()) {
                try {
                    entry.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // a racing instance creating it too is fine; anything else is not
                    }
                }
            }
            awaitLeaders(created);
            List<String> existing = specs.stream().map(TopicSpec::name).filter(n -> !created.contains(n)).toList();
            List<String> warnings = new ArrayList<>();
            List<String> problems = check(specs, warnings, adoptExistingCount ? adopted : OptionalInt.empty(), existingCounts);
            if (!problems.isEmpty()) {
                throw new TopicMismatchException(problems);
            }
            int partitions = specs.isEmpty() ? 0 : adopted.orElse(specs.iterator().next().partitions());
            return new Report(created, existing, warnings, partitions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw notAnswering(e.getCause()); // the admin client's own timeout: same story as ours
            }
            throw new IllegalStateException("could not create or describe the pipeline's topics: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw notAnswering(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ensuring topics", e);
        }
    }

    private IllegalStateException notAnswering(Throwable cause) {
        return new IllegalStateException("Kafka did not answer within " + timeoutMs
                + " ms while ensuring topics: check bootstrap.servers and that the brokers are up", cause);
    }

    /**
     * @param adopted the existing topics' common count, when it replaces the specs' defaulted one
     * @param existingCounts the counts of the topics that existed, when a defaulted count was to give way
     */
    private List<String> check(Collection<? extends TopicSpec<?, ?>> specs, List<String> warnings, OptionalInt adopted,
                               Map<String, Integer> existingCounts)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions = describeOnceVisible(names);
        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).collect(Collectors.toList()))
                .all().get(timeoutMs, TimeUnit.MILLISECONDS);
        List<String> problems = new ArrayList<>();
        if (Set.copyOf(existingCounts.values()).size() > 1) {
            problems.add("the pipeline's topics have different partition counts (" + existingCounts.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                    + "): they must all have the same count to stay co-partitioned");
            return problems;
        }
        for (TopicSpec<?, ?> spec : specs) {
            int partitions = descriptions.get(spec.name()).partitions().size();
            int needed = adopted.orElse(spec.partitions());
            if (partitions != needed) {
                problems.add(spec.name() + " has " + partitions + " partitions, the pipeline needs " + needed
                        + " (all its topics must have the same count to stay co-partitioned)");
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
            if (!spec.cleanupPolicy().configValue().equals(policy)) {
                problems.add(spec.name() + " has cleanup.policy=" + policy + ", the pipeline needs "
                        + spec.cleanupPolicy().configValue());
            }
            String retention = value(config, TopicConfig.RETENTION_MS_CONFIG);
            String wanted = spec.configs().get(TopicConfig.RETENTION_MS_CONFIG);
            if (!wanted.equals(retention)) {
                warnings.add(spec.name() + " has retention.ms=" + retention + " where the pipeline's setting is " + wanted
                        + "; left as it is");
            }
        }
        return problems;
    }

    /**
     * A topic just created may take a moment to reach every broker's metadata and to get a leader
     * for each partition; writing before that fails over to retries (and, on some brokers, upsets
     * idempotent producers' sequence numbers). Retry until every partition has a leader.
     */
    private Map<String, TopicDescription> describeOnceVisible(List<String> names)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try {
                Map<String, TopicDescription> found = admin.describeTopics(names).allTopicNames()
                        .get(timeoutMs, TimeUnit.MILLISECONDS);
                boolean led = found.values().stream().flatMap(d -> d.partitions().stream()).allMatch(p -> p.leader() != null
                        && !p.leader().isEmpty());
                if (led || System.currentTimeMillis() > deadline) {
                    return found;
                }
                Thread.sleep(50); // waiting for leader election, bounded by the deadline
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50); // waiting out metadata propagation, bounded by the deadline
            }
        }
    }

    /**
     * Waits until the leader of every partition of the new topics serves requests. A ListOffsets
     * goes to the partition's leader and fails until that broker has taken the role; producing
     * before then gets NOT_LEADER retries, which can leave an idempotent producer's sequence
     * numbers out of step with the broker's.
     */
    private void awaitLeaders(List<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> described = describeOnceVisible(topics);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        described.forEach((name, d) -> d.partitions().forEach(p -> request.put(
                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            try {
                admin.listOffsets(request).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)
                        || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(50); // leader election in progress, bounded by the deadline
            }
        }
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }
}
