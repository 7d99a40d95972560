package dev.webhookpipeline.dispatcher.engine;

import org.apache.kafka.common.TopicPartition;

/** A tenant on a partition: the unit of scheduling. */
public record TenantRef(TopicPartition partition, String tenantId) {}
