package dev.webhookpipeline.dispatcher.admin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signed-in browsers of this instance. A session id is 256 random bits, known only to the
 * browser's HttpOnly cookie and this map: it holds nothing derived from the operator token, ends on
 * sign-out, after {@link SessionPolicy#idle()} unused or {@link SessionPolicy#lifetime()} after
 * sign-in, and does not survive a restart (the operator signs in again).
 */
final class Sessions {

    /** Beyond this many live sessions, the oldest is ended: sign-ins cannot grow memory without bound. */
    static final int MAX_SESSIONS = 1_000;

    private record Session(Instant created, Instant lastUsed) {}

    private final SessionPolicy policy;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> live = new ConcurrentHashMap<>();

    Sessions(SessionPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** Starts a session; returns its id, the cookie's value. */
    String start() {
        Instant now = clock.instant();
        removeExpired(now);
        while (live.size() >= MAX_SESSIONS) {
            live.entrySet().stream().min(Comparator.comparing(e -> e.getValue().created()))
                    .ifPresent(oldest -> live.remove(oldest.getKey()));
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        live.put(id, new Session(now, now));
        return id;
    }

    /** True, and the session counted as used now, when {@code id} is a live session; an expired one is ended. */
    boolean use(String id) {
        if (id == null) {
            return false;
        }
        Instant now = clock.instant();
        Session session = live.computeIfPresent(id, (key, s) -> expired(s, now) ? null : new Session(s.created(), now));
        return session != null;
    }

    void end(String id) {
        if (id != null) {
            live.remove(id);
        }
    }

    /** How long a new session's cookie should be kept by the browser. */
    long cookieMaxAgeSeconds() {
        return policy.lifetime().toSeconds();
    }

    int size() {
        return live.size();
    }

    private boolean expired(Session s, Instant now) {
        return !now.isBefore(s.lastUsed().plus(policy.idle())) || !now.isBefore(s.created().plus(policy.lifetime()));
    }

    private void removeExpired(Instant now) {
        live.values().removeIf(s -> expired(s, now));
    }
}
