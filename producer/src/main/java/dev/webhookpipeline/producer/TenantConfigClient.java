package dev.webhookpipeline.producer;

import dev.webhookpipeline.kafka.Acknowledgement;
import dev.webhookpipeline.registry.SchemaRegistryClient;
import dev.webhookpipeline.schema.WebhookConfig;
import dev.webhookpipeline.secrets.KeyRing;
import dev.webhookpipeline.secrets.SecretCodec;
import dev.webhookpipeline.secrets.SecretDecryptionException;
import dev.webhookpipeline.failure.RecordFailure;
import dev.webhookpipeline.serde.AvroDeserializer;
import dev.webhookpipeline.serde.AvroSerializer;
import dev.webhookpipeline.settings.PipelineSettings;
import dev.webhookpipeline.tenant.WebhookConfigRules;
import dev.webhookpipeline.topics.PipelineTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads and writes tenants' webhook configs on the compacted config topic. A tenant's config is
 * the latest record under its key; deleting writes a tombstone. Configs are checked with
 * {@link WebhookConfigRules} before they are written. Secrets are encrypted on the way in and
 * decrypted on the way out by the {@link SecretCodec} (see docs/security.md, Secrets at rest), so
 * every command built on this client stores them encrypted when a key is configured.
 */
public final class TenantConfigClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> kafkaProperties;
    private final SchemaRegistryClient registry;
    private final String topic;
    private final WebhookConfigRules rules;
    private final SecretCodec secrets;
    private KafkaProducer<String, WebhookConfig> producer;

    /** A client that stores secrets unencrypted (no key): for tests and tools that configure none. */
    public TenantConfigClient(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, PipelineTopics topics,
                              WebhookConfigRules rules) {
        this(kafkaProperties, registry, topics, rules, SecretCodec.plaintext());
    }

    /** @param secrets encrypts secrets on every write and decrypts them on every read */
    public TenantConfigClient(Map<String, Object> kafkaProperties, SchemaRegistryClient registry, PipelineTopics topics,
                              WebhookConfigRules rules, SecretCodec secrets) {
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.registry = registry;
        this.topic = topics.tenantConfig().name();
        this.rules = rules;
        this.secrets = secrets;
    }

    public static TenantConfigClient fromSettings(PipelineSettings settings, WebhookConfigRules rules) {
        return new TenantConfigClient(settings.kafkaProperties(), settings.registryClient(), settings.topics(), rules,
                SecretCodec.from(settings));
    }

    /** How secrets are stored: the current key id, or that they stay unencrypted (no key configured). */
    public String secretStorage() {
        return secrets.describe();
    }

    /** Whether secrets are written encrypted (a key is configured). */
    public boolean encryptsSecrets() {
        return currentKeyId().isPresent();
    }

    /** The id of the key secrets are written under; empty when they stay unencrypted. */
    public Optional<String> currentKeyId() {
        return secrets.keys().currentKeyId();
    }

    /**
     * The tenant's current config, read from the config topic up to its end, its secrets decrypted.
     *
     * @throws SecretDecryptionException its secret is under a key this client does not have, or altered
     */
    public Optional<WebhookConfig> get(String tenantId) {
        return Optional.ofNullable(scan(tenantId).get(tenantId)).map(secrets::decrypt);
    }

    /**
     * Every tenant's current config as stored, by tenant id: secrets still encrypted, so no keys are
     * needed to list tenants (mask the secrets all the same: a legacy one is plaintext).
     */
    public SortedMap<String, WebhookConfig> all() {
        return scan(null);
    }

    /** What {@link #reEncrypt} did: counts, and the tenants left as they were because their secret could not be read. */
    public record ReEncryption(int reEncrypted, int alreadyCurrent, Map<String, String> unreadableKeyIdByTenant) {}

    /**
     * Rewrites every tenant's config whose secrets are not under the current key (plaintext ones
     * included) with them encrypted under it; nothing else changes, so the rules are not applied again.
     * A config written meanwhile by someone else may be overwritten by the one read here: run it while
     * nobody changes configs.
     */
    public ReEncryption reEncrypt() {
        secrets.keys().currentKeyId().orElseThrow(() -> new IllegalStateException(
                "no secret key configured: set " + KeyRing.KEYS_FILE + " (or " + KeyRing.KEYS + ") to re-encrypt"));
        int reEncrypted = 0;
        int alreadyCurrent = 0;
        Map<String, String> unreadable = new TreeMap<>();
        for (Map.Entry<String, WebhookConfig> entry : all().entrySet()) {
            WebhookConfig stored = entry.getValue();
            if (secrets.isCurrent(stored)) {
                alreadyCurrent++;
                continue;
            }
            WebhookConfig plain;
            try {
                plain = secrets.decrypt(stored);
            } catch (SecretDecryptionException e) {
                unreadable.put(entry.getKey(), e.keyId());
                continue;
            }
            send(entry.getKey(), secrets.encrypt(plain));
            reEncrypted++;
        }
        return new ReEncryption(reEncrypted, alreadyCurrent, unreadable);
    }

    /**
     * The latest good config per key as stored, reading the config topic to its end: only the
     * tenant's own partition when {@code onlyTenant} is given, else every partition.
     */
    private SortedMap<String, WebhookConfig> scan(String onlyTenant) {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed: no group
        AvroDeserializer<WebhookConfig> deserializer = new AvroDeserializer<>(WebhookConfig.class, registry);
        SortedMap<String, WebhookConfig> latest = new TreeMap<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(topic, TIMEOUT).size();
            if (partitions == 0) {
                throw new IllegalStateException("topic " + topic + " does not exist: run `webhookctl topics ensure` first");
            }
            List<TopicPartition> assigned = onlyTenant == null
                    ? IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList()
                    // The default partitioner's choice, so only the tenant's own partition is read.
                    : List.of(new TopicPartition(topic,
                            BuiltInPartitioner.partitionForKey(onlyTenant.getBytes(StandardCharsets.UTF_8), partitions)));
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, TIMEOUT);
            // The deadline is for progress, not the whole read: a topic of many tenants takes longer.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!atEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end: no progress within " + TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    deadline = System.nanoTime() + TIMEOUT.toNanos();
                    if (record.key() == null || onlyTenant != null && !onlyTenant.equals(record.key())) {
                        continue; // other tenants' records are not decoded: one of theirs being bad is not ours to fail on
                    }
                    if (record.value() == null) {
                        latest.remove(record.key()); // deleted
                        continue;
                    }
                    try {
                        WebhookConfig config = deserializer.deserialize(record.topic(), record.value());
                        if (record.key().equals(config.getTenantId())) {
                            latest.put(record.key(), config); // as the router and dispatcher do: a config naming another tenant is refused
                        }
                    } catch (RuntimeException e) {
                        if (RecordFailure.isOutage(e)) {
                            throw e;
                        }
                        // Bad input: the router dead-lettered it and kept the previous config; so does this.
                    }
                }
            }
            return latest;
        }
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), TIMEOUT) >= e.getValue());
    }

    /**
     * Checks and writes the config.
     *
     * @return the rules' verdict (warnings included); nothing is written when it has errors
     */
    public WebhookConfigRules.Verdict put(WebhookConfig config) {
        WebhookConfigRules.Verdict verdict = rules.check(config); // on the plaintext: the rules judge the secret itself
        if (verdict.ok()) {
            send(config.getTenantId(), secrets.encrypt(config));
        }
        return verdict;
    }

    /** The rules' verdict on the config, writing nothing. */
    public WebhookConfigRules.Verdict check(WebhookConfig config) {
        return rules.check(config);
    }

    /**
     * Checks the config and, when it passes, sends it without waiting for Kafka's acknowledgement:
     * for writing many configs in one run. {@link #flush()} then waits for all of them.
     *
     * @param written completes when Kafka acknowledged the write (or failed to); not used when the verdict has errors
     */
    public WebhookConfigRules.Verdict putAsync(WebhookConfig config, CompletableFuture<RecordMetadata> written) {
        WebhookConfigRules.Verdict verdict = rules.check(config);
        if (verdict.ok()) {
            producer().send(new ProducerRecord<>(topic, config.getTenantId(), secrets.encrypt(config)), (metadata, error) -> {
                if (error != null) {
                    written.completeExceptionally(error);
                } else {
                    written.complete(metadata);
                }
            });
        }
        return verdict;
    }

    /** Waits until every config sent with {@link #putAsync} is acknowledged or failed. */
    public void flush() {
        if (producer != null) {
            producer.flush();
        }
    }

    /** Deletes the tenant's config (a tombstone): its webhooks pause, as if disabled. */
    public RecordMetadata delete(String tenantId) {
        return send(tenantId, null);
    }

    private KafkaProducer<String, WebhookConfig> producer() {
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(kafkaProperties);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
            producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, true));
        }
        return producer;
    }

    private RecordMetadata send(String tenantId, WebhookConfig value) {
        return Acknowledgement.await(producer().send(new ProducerRecord<>(topic, tenantId, value)), topic, TIMEOUT);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
