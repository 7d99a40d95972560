package dev.webhookpipeline.dispatcher.http;

import java.util.List;

/**
 * One HTTP request to a tenant: the body already holds the secret. {@link #toString()} leaves the
 * secret and body out, so a request can be logged.
 *
 * @param secretHeader header carrying the secret instead of {@code Authorization: Bearer}; null = bearer
 * @param firstId      first webhook id in the body
 * @param lastId       last webhook id in the body (= firstId for a single webhook)
 * @param signingSecrets the secrets that sign it, {@code secret} first (two during a rotation's overlap)
 * @param redelivery     the re-delivery request its webhooks belong to (sent as the {@code webhook-redelivery}
 *                       header); null for first-time webhooks
 */
public record WebhookRequest(String tenantId, String endpoint, String secret, String secretHeader, boolean batch,
                             long firstId, long lastId, String body, List<String> signingSecrets, String redelivery) {

    /** A request of first-time webhooks. */
    public WebhookRequest(String tenantId, String endpoint, String secret, String secretHeader, boolean batch,
                          long firstId, long lastId, String body, List<String> signingSecrets) {
        this(tenantId, endpoint, secret, secretHeader, batch, firstId, lastId, body, signingSecrets, null);
    }

    /** A request signed with its one secret. */
    public WebhookRequest(String tenantId, String endpoint, String secret, String secretHeader, boolean batch,
                          long firstId, long lastId, String body) {
        this(tenantId, endpoint, secret, secretHeader, batch, firstId, lastId, body, List.of(secret));
    }

    @Override
    public String toString() {
        return "WebhookRequest[tenant=" + tenantId + ", ids=" + firstId + (lastId != firstId ? "-" + lastId : "")
                + ", batch=" + batch + (redelivery == null ? "" : ", redelivery=" + redelivery) + "]";
    }
}
