package dev.webhookpipeline.producer;

import java.util.UUID;

/** Where a published event landed. */
public record PublishedEvent(UUID eventId, String tenantId, String topic, int partition, long offset) {}
