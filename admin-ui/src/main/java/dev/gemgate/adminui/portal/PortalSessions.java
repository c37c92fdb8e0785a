package dev.gemgate.adminui.portal;

import jakarta.enterprise.context.ApplicationScoped;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions of the local bootstrap admin login: an unguessable random id in the cookie, the session itself only in this
 * process's memory. That is enough for what it serves (one local, single-instance run; the prod profile has no
 * bootstrap admin), needs no signing key, and a restart signs everybody out. Only someone holding the bootstrap token
 * can create one, so the map cannot be filled by strangers.
 */
@ApplicationScoped
public class PortalSessions {
    public static final String COOKIE = "gemgate-portal-session";
    static final Duration LIFETIME = Duration.ofHours(8);

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Instant> expiries = new ConcurrentHashMap<>();
    private final Clock clock;

    public PortalSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session of the bootstrap admin; returns its id, for the cookie. */
    public String open() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        expiries.entrySet().removeIf(e -> !now.isBefore(e.getValue()));
        expiries.put(id, now.plus(LIFETIME));
        return id;
    }

    /** Whether {@code id} names a live session. */
    public boolean isLive(String id) {
        if (id == null) {
            return false;
        }
        Instant expiry = expiries.get(id);
        if (expiry == null) {
            return false;
        }
        if (!clock.instant().isBefore(expiry)) {
            expiries.remove(id);
            return false;
        }
        return true;
    }

    public void close(String id) {
        Optional.ofNullable(id).ifPresent(expiries::remove);
    }
}
