package dev.webhookpipeline.dispatcher.admin;

import java.time.Duration;

/**
 * How long a signed-in browser stays signed in, and whether its cookie is {@code Secure}.
 *
 * @param idle         a session unused this long ends (the open page's polling counts as use)
 * @param lifetime     a session ends this long after sign-in, however busy
 * @param secureCookie the page is served over https (directly or behind a TLS proxy): the cookie is
 *                     then only ever sent over https
 */
public record SessionPolicy(Duration idle, Duration lifetime, boolean secureCookie) {

    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(8);
    public static final SessionPolicy DEFAULT = new SessionPolicy(DEFAULT_IDLE, DEFAULT_LIFETIME, false);

    public SessionPolicy {
        if (idle.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("session idle timeout and lifetime must be at least 1 s, got "
                    + idle + " and " + lifetime);
        }
        if (idle.compareTo(lifetime) > 0) {
            throw new IllegalArgumentException("session idle timeout (" + idle + ") must not exceed its lifetime ("
                    + lifetime + ")");
        }
    }
}
