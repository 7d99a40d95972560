package dev.webhookpipeline.tenant;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The header a tenant may have its secret sent in instead of {@code Authorization: Bearer}. It must
 * be an RFC 9110 token, and not a header that frames or routes the request, describes its body, or
 * belongs to the signature: a secret sent as {@code Host}, {@code Content-Length},
 * {@code Transfer-Encoding} or {@code Connection} would corrupt or smuggle requests, and one sent as
 * {@code webhook-signature} would replace the signature.
 */
public final class SecretHeaderName {

    public static final int MAX_LENGTH = 64;

    /** RFC 9110 section 5.6.2: {@code token = 1*tchar}. */
    private static final String TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]{1," + MAX_LENGTH + "}";
    private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "upgrade", "te", "trailer", "expect", "content-type", "content-encoding", "user-agent");
    /** Headers of the egress proxy and of the Standard Webhooks signature. */
    private static final Set<String> RESERVED_PREFIXES = Set.of("proxy-", "webhook-");

    private SecretHeaderName() {}

    /** Empty when the name may carry the secret; otherwise why not, without any control character of the name. */
    public static Optional<String> problem(String name) {
        if (!name.matches(TOKEN)) {
            return Optional.of("secret header must be an HTTP header name (an RFC 9110 token of at most " + MAX_LENGTH
                    + " letters, digits and !#$%&'*+-.^_`|~), got '" + name.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower) || RESERVED_PREFIXES.stream().anyMatch(lower::startsWith)) {
            return Optional.of("secret header '" + name + "' is reserved: it frames or routes the request,"
                    + " describes its body, or belongs to the signature; choose another, e.g. X-Webhook-Secret");
        }
        return Optional.empty();
    }
}
