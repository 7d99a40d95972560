package dev.webhookpipeline.dispatcher.engine;

import dev.webhookpipeline.schema.WebhookConfig;
import java.util.Optional;

/** Every tenant's current webhook config, as this instance has read it. */
public interface TenantConfigs {

    Optional<WebhookConfig> get(String tenantId);

    /** The next tenant whose config changed since the last call, or null. */
    String nextChange();
}
