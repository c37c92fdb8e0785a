package dev.gemgate.application.tenant;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a brute-force attempt visible without letting it flood the audit table: every refused authentication is
 * counted in a metric, and audited at most once per (source, reason) per window (the first one; the rest of the
 * window is in the metric). The set of sources remembered per window is bounded; past it, sources share one entry.
 */
public final class AuthenticationFailures {
    static final int MAX_SOURCES_PER_WINDOW = 10_000;
    static final String OTHER_SOURCES = "other-sources";

    private record Source(String address, String reason) {
    }

    private final AuditLog audit;
    private final RequestMetrics metrics;
    private final IdGenerator ids;
    private final Clock clock;
    private final Duration window;
    private volatile Window current;

    private static final class Window {
        final Instant start;
        final ConcurrentHashMap<Source, AtomicLong> counts = new ConcurrentHashMap<>();

        Window(Instant start) {
            this.start = start;
        }
    }

    public AuthenticationFailures(AuditLog audit, RequestMetrics metrics, IdGenerator ids, Clock clock,
                                  Duration window) {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the sampling window must be positive");
        }
        this.audit = audit;
        this.metrics = metrics;
        this.ids = ids;
        this.clock = clock;
        this.window = window;
        this.current = new Window(clock.instant());
    }

    /**
     * @param reason    a fixed word: missing, malformed, unknown, revoked, expired, suspended, deleted, orphaned,
     *                  scope-surface, scope-address
     * @param source    the client's address (as the web layer sees it)
     * @param keyPrefix the visible prefix of the presented key when it has Gemgate's shape, never the secret
     */
    public void record(String reason, String source, RequestId requestId, Optional<String> correlationId,
                       Optional<TenantId> tenant, Optional<ApiKeyId> key, Optional<String> keyPrefix) {
        metrics.authenticationFailed(reason);
        Instant now = clock.instant();
        Window w = windowAt(now);
        Source s = new Source(w.counts.size() < MAX_SOURCES_PER_WINDOW ? source : OTHER_SOURCES, reason);
        long n = w.counts.computeIfAbsent(s, k -> new AtomicLong()).incrementAndGet();
        if (n != 1) {
            return;
        }
        audit.append(new AuditEvent(ids.newUuid(), now, AuditEventType.AUTHENTICATION_FAILED, requestId,
                correlationId, tenant, key, "client:" + s.address(), Optional.empty(), Usage.NONE, Money.ZERO,
                Duration.ZERO, outcomeOf(reason), Optional.empty(), "authentication refused (" + reason + ")" + keyPrefix.map(p -> ", key " + p + "…")
                .orElse("") + "; further refusals from this source for this reason are counted, not audited, until "
                + w.start.plus(window)));
    }

    /** Failures counted (audited or not) in the current window, for tests and the portal. */
    public long countInWindow(String source, String reason) {
        AtomicLong n = windowAt(clock.instant()).counts.get(new Source(source, reason));
        return n == null ? 0 : n.get();
    }

    private static Outcome outcomeOf(String reason) {
        return switch (reason) {
            case "missing", "malformed", "unknown" -> Outcome.UNAUTHENTICATED;
            default -> Outcome.PERMISSION_DENIED;
        };
    }

    private Window windowAt(Instant now) {
        Window w = current;
        if (!now.isBefore(w.start.plus(window))) {
            synchronized (this) {
                w = current;
                if (!now.isBefore(w.start.plus(window))) {
                    w = new Window(now);
                    current = w;
                }
            }
        }
        return w;
    }
}
