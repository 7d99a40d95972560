package dev.webhookpipeline.dispatcher.http;

/**
 * One HTTP request to a tenant: the body already holds the secret. {@link #toString()} leaves the
 * secret and body out, so a request can be logged.
 *
 * @param secretHeader header carrying the secret instead of {@code Authorization: Bearer}; null = bearer
 * @param firstId      first webhook id in the body
 * @param lastId       last webhook id in the body (= firstId for a single webhook)
 */
public record WebhookRequest(String tenantId, String endpoint, String secret, String secretHeader, boolean batch,
                             long firstId, long lastId, String body) {

    @Override
    public String toString() {
        return "WebhookRequest[tenant=" + tenantId + ", ids=" + firstId + (lastId != firstId ? "-" + lastId : "")
                + ", batch=" + batch + "]";
    }
}
