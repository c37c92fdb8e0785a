package dev.gemgate.adapter.web.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The local-only bootstrap admin credential: a bearer token that the embedded default run prints at its first start,
 * so the admin API works without an identity provider. The prod profile refuses to start with one configured; there
 * the first admin comes from the identity provider's role mapping.
 */
public record BootstrapAdmin(Optional<String> token) {
    public static final String SUBJECT = "bootstrap-admin";
    /** Long enough that guessing is hopeless; the launcher generates 32 random bytes. */
    public static final int MIN_TOKEN_LENGTH = 32;

    public BootstrapAdmin {
        if (token == null || token.isPresent() && token.get().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("a bootstrap admin token has at least " + MIN_TOKEN_LENGTH
                    + " characters");
        }
    }

    /** Constant-time comparison: the time taken says nothing about how much of a guess was right. */
    public boolean matches(String presented) {
        return token.isPresent() && presented != null && MessageDigest.isEqual(
                token.get().getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
