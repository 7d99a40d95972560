package dev.webhookpipeline.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webhookpipeline.e2e.Ledger.ConfigChange;
import dev.webhookpipeline.e2e.Ledger.Produced;
import dev.webhookpipeline.testsupport.Await;
import dev.webhookpipeline.testsupport.RecordingReceiver;
import dev.webhookpipeline.testsupport.RecordingReceiver.Received;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The delivery promises, checked for every tenant of a scenario from two independent records: the
 * {@link Ledger} (what was produced and configured, and when) and the {@link RecordingReceiver}
 * (every request each tenant's endpoint got, in arrival order, and how it was answered). Each tenant's
 * endpoint is the receiver path named after the tenant.
 *
 * <ol>
 *   <li>No loss: every kept event (enabled type, enabled tenant, when produced) was accepted with a 200.</li>
 *   <li>Order: the sequence of first acceptances, by event id, is exactly the kept events' production
 *       order; their webhook ids are 1, 2, 3… (only grow, no gap); no request starts beyond the next
 *       undelivered id (a later webhook never goes before an earlier one was answered 200), and a
 *       batch holds consecutive ids.</li>
 *   <li>Duplicates repeat only what was already sent: every webhook names a produced event of the
 *       tenant, and an event always travels under the same id.</li>
 *   <li>Filtering and secrets: no event that was not kept reaches the endpoint; every request carries
 *       one secret in the bearer header and in each webhook, with a valid Standard Webhooks HMAC
 *       signature; that secret is the one in force, or one replaced less than {@link #GRACE} ago; and
 *       a disabled tenant gets no request from {@link #GRACE} after the disable until it is re-enabled.</li>
 *   <li>Isolation (optional): each listed healthy tenant got every kept event within a bound of its
 *       production, however stuck the other tenants were.</li>
 * </ol>
 * Messages name the scenario's seed, the tenant and the ids involved.
 */
final class DeliveryChecker {

    /** How long a config change may take to reach the dispatchers (they read the compacted config topic). */
    static final Duration GRACE = Duration.ofSeconds(3);

    private final Ledger ledger;
    private final RecordingReceiver receiver;
    private final long seed;

    DeliveryChecker(Ledger ledger, RecordingReceiver receiver, long seed) {
        this.ledger = ledger;
        this.receiver = receiver;
        this.seed = seed;
    }

    private static boolean accepted(Received r) {
        return "200".equals(r.header("X-Test-Answered"));
    }

    private static UUID eventId(JsonNode webhook) {
        return UUID.fromString(webhook.get("event_id").asText());
    }

    /** Kept events not yet accepted, over all tenants (for polling until done). */
    int missing() {
        int missing = 0;
        for (String tenant : ledger.tenants()) {
            Set<UUID> got = new HashSet<>();
            for (Received r : receiver.received(tenant)) {
                if (accepted(r)) {
                    r.webhooks().forEach(w -> got.add(eventId(w)));
                }
            }
            missing += (int) ledger.events(tenant).stream().filter(Produced::kept).filter(e -> !got.contains(e.eventId())).count();
        }
        return missing;
    }

    /** Polls until every kept event is accepted; at the deadline it returns and {@link #check} reports the loss. */
    void awaitAllDelivered(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (missing() > 0 && System.nanoTime() < deadline) {
            Await.pause();
        }
    }

    /** Checks 1–4 for every tenant and 5 for {@code healthy}; throws one AssertionError listing every violation. */
    void check(Set<String> healthy, Duration isolationBound) {
        List<String> problems = new ArrayList<>();
        for (String tenant : ledger.tenants()) {
            checkTenant(tenant, healthy.contains(tenant) ? isolationBound : null, problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("[seed=" + seed + "] " + problems.size() + " delivery promise(s) broken:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(problems.size(), 40))));
        }
    }

    private void checkTenant(String tenant, Duration isolationBound, List<String> problems) {
        List<Produced> produced = ledger.events(tenant);
        List<ConfigChange> configs = ledger.configs(tenant);
        Map<UUID, Produced> byEventId = new HashMap<>();
        produced.forEach(p -> byEventId.put(p.eventId(), p));
        List<UUID> expected = produced.stream().filter(Produced::kept).map(Produced::eventId).toList();

        Map<UUID, Long> idOfEvent = new HashMap<>();
        Map<Long, UUID> eventOfId = new HashMap<>();
        LinkedHashSet<UUID> firstReceipts = new LinkedHashSet<>();
        List<Long> firstIds = new ArrayList<>();
        Map<UUID, Long> acceptedAt = new HashMap<>();
        long highestAccepted = 0;
        int duplicates = 0;

        for (Received r : receiver.received(tenant)) {
            List<JsonNode> webhooks = r.webhooks();
            if (webhooks.isEmpty()) {
                problems.add(tenant + ": an empty request");
                continue;
            }
            // 2: a request never starts beyond the next undelivered webhook, and a batch is consecutive.
            long firstId = webhooks.get(0).get("id").asLong();
            if (firstId > highestAccepted + 1) {
                problems.add(String.format("%s: a request starts at id %d while only ids up to %d were accepted (skips ahead)",
                        tenant, firstId, highestAccepted));
            }
            for (int i = 1; i < webhooks.size(); i++) {
                if (webhooks.get(i).get("id").asLong() != firstId + i) {
                    problems.add(String.format("%s: batch starting at id %d is not consecutive: %s", tenant, firstId,
                            webhooks.stream().map(w -> w.get("id").asLong()).toList()));
                    break;
                }
            }
            checkSecret(tenant, r, webhooks, configs, problems);
            for (JsonNode w : webhooks) {
                long id = w.get("id").asLong();
                UUID event = eventId(w);
                Produced p = byEventId.get(event);
                // 3: nothing invented, an event keeps its id.
                if (p == null) {
                    problems.add(String.format("%s: webhook id %d carries event %s that was never produced for this tenant",
                            tenant, id, event));
                    continue;
                }
                // 4: nothing that was filtered out.
                if (!p.kept()) {
                    problems.add(String.format("%s: webhook id %d delivers event %s (%s) produced while the tenant %s",
                            tenant, id, event, p.type(), configAt(configs, p.producedAtNanos()) == null ? "had no config"
                                    : configAt(configs, p.producedAtNanos()).enabled() ? "had not enabled that type" : "was disabled"));
                }
                Long earlierId = idOfEvent.putIfAbsent(event, id);
                UUID earlierEvent = eventOfId.putIfAbsent(id, event);
                if ((earlierId != null && earlierId != id) || (earlierEvent != null && !earlierEvent.equals(event))) {
                    problems.add(String.format("%s: event %s sent as id %d, earlier as id %s (id %d earlier carried %s)",
                            tenant, event, id, earlierId, id, earlierEvent));
                }
                if (accepted(r)) {
                    if (firstReceipts.add(event)) {
                        firstIds.add(id);
                        acceptedAt.put(event, r.receivedAtNanos());
                    } else {
                        duplicates++;
                    }
                    highestAccepted = Math.max(highestAccepted, id);
                }
            }
        }

        // 1 and 2: exactly the kept events, in production order, ids 1..n.
        List<UUID> got = List.copyOf(firstReceipts);
        if (!got.equals(expected)) {
            Set<UUID> lost = new LinkedHashSet<>(expected);
            got.forEach(lost::remove);
            if (!lost.isEmpty()) {
                // The n-th kept event is the one the router numbers n: these are the lost webhook ids.
                List<Integer> positions = lost.stream().map(e -> expected.indexOf(e) + 1).toList();
                problems.add(String.format("%s: LOSS: %d of %d kept events never accepted: kept #%s (= their webhook ids),"
                        + " first of them %s", tenant, lost.size(), expected.size(), ranges(positions), lost.iterator().next()));
            }
            for (int i = 0; i < Math.min(got.size(), expected.size()); i++) {
                if (!got.get(i).equals(expected.get(i))) {
                    problems.add(String.format("%s: ORDER: first receipt #%d is event %s (id %d) but production order wants %s",
                            tenant, i + 1, got.get(i), firstIds.get(i), expected.get(i)));
                    break;
                }
            }
        }
        for (int i = 0; i < firstIds.size(); i++) {
            if (firstIds.get(i) != i + 1) {
                problems.add(String.format("%s: first receipts' ids are not 1, 2, 3…: #%d has id %d (ids %s…)", tenant, i + 1,
                        firstIds.get(i), firstIds.subList(Math.max(0, i - 3), Math.min(firstIds.size(), i + 3))));
                break;
            }
        }
        checkPausedWhileDisabled(tenant, configs, problems);
        // 5: isolation.
        if (isolationBound != null) {
            long worst = 0;
            UUID worstEvent = null;
            for (Produced p : produced) {
                Long at = acceptedAt.get(p.eventId());
                if (p.kept() && at != null && at - p.producedAtNanos() > worst) {
                    worst = at - p.producedAtNanos();
                    worstEvent = p.eventId();
                }
            }
            if (worst > isolationBound.toNanos()) {
                problems.add(String.format("%s: ISOLATION: healthy tenant waited %d ms from produce to receipt of %s (bound %d ms)",
                        tenant, worst / 1_000_000, worstEvent, isolationBound.toMillis()));
            }
        }
        if (duplicates > 0) {
            System.out.printf("[seed=%d] %s: %d duplicate receipt(s), all repeating ids already received%n", seed, tenant,
                    duplicates);
        }
    }

    /** Ascending numbers as {@code 3, 7-9, 12}. */
    static String ranges(List<? extends Number> sorted) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sorted.size(); i++) {
            long start = sorted.get(i).longValue();
            long end = start;
            while (i + 1 < sorted.size() && sorted.get(i + 1).longValue() == end + 1) {
                end = sorted.get(++i).longValue();
            }
            out.append(out.length() > 0 ? ", " : "").append(start).append(end > start ? "-" + end : "");
        }
        return out.toString();
    }

    /** The config in force at {@code nanos} (the last one whose write began by then). */
    private static ConfigChange configAt(List<ConfigChange> configs, long nanos) {
        ConfigChange in = null;
        for (ConfigChange c : configs) {
            if (c.startNanos() <= nanos) {
                in = c;
            }
        }
        return in;
    }

    private void checkSecret(String tenant, Received r, List<JsonNode> webhooks, List<ConfigChange> configs,
                             List<String> problems) {
        String auth = r.header("Authorization");
        String secret = auth != null && auth.startsWith("Bearer ") ? auth.substring("Bearer ".length()) : null;
        String ids = webhooks.get(0).get("id").asLong() + (webhooks.size() > 1 ? "-" + webhooks.get(webhooks.size() - 1).get("id").asLong() : "");
        if (secret == null) {
            problems.add(tenant + ": request for ids " + ids + " has no bearer secret");
            return;
        }
        for (JsonNode w : webhooks) {
            if (w.get("secret") == null || !secret.equals(w.get("secret").asText())) {
                problems.add(tenant + ": webhook id " + w.get("id").asLong() + " carries a body secret other than its bearer header's");
            }
        }
        // Allowed: the secret of any config written before the request arrived and replaced less than GRACE before it.
        boolean allowed = false;
        for (int i = 0; i < configs.size(); i++) {
            ConfigChange c = configs.get(i);
            boolean started = c.startNanos() <= r.receivedAtNanos();
            boolean recent = i == configs.size() - 1 || configs.get(i + 1).doneNanos() + GRACE.toNanos() >= r.receivedAtNanos();
            if (started && recent && c.secret().equals(secret)) {
                allowed = true;
            }
        }
        if (!allowed) {
            int version = -1;
            for (int i = 0; i < configs.size(); i++) {
                if (configs.get(i).secret().equals(secret)) {
                    version = i + 1;
                }
            }
            // The secret itself is never printed: only which version of the tenant's config it belongs to.
            problems.add(version < 0
                    ? String.format("%s: WRONG SECRET: request for ids %s carries a secret none of the tenant's %d configs had",
                            tenant, ids, configs.size())
                    : String.format("%s: STALE SECRET: request for ids %s carries the secret of config #%d (of %d) "
                            + "after its replacement had %d ms to be seen", tenant, ids, version, configs.size(), GRACE.toMillis()));
            return;
        }
        String signature = r.header("webhook-signature");
        String expected = "v1," + hmac(secret, r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + r.body());
        if (!expected.equals(signature) || !ids.equals(r.header("webhook-id"))) {
            problems.add(String.format("%s: request for ids %s: webhook-id %s / signature does not verify with the tenant's secret",
                    tenant, ids, r.header("webhook-id")));
        }
    }

    private void checkPausedWhileDisabled(String tenant, List<ConfigChange> configs, List<String> problems) {
        for (int i = 0; i < configs.size(); i++) {
            if (configs.get(i).enabled()) {
                continue;
            }
            long from = configs.get(i).doneNanos() + GRACE.toNanos();
            long to = i + 1 < configs.size() ? configs.get(i + 1).startNanos() : Long.MAX_VALUE;
            long during = receiver.received(tenant).stream().filter(r -> r.receivedAtNanos() > from && r.receivedAtNanos() < to).count();
            if (during > 0) {
                problems.add(String.format("%s: NOT PAUSED: %d request(s) while disabled (from %d ms after the disable until re-enabled)",
                        tenant, during, GRACE.toMillis()));
            }
        }
    }

    private static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
