package dev.gemgate.app;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.InFlight;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * The order of a graceful shutdown (SIGTERM), and the one step Quarkus does not take by itself.
 *
 * <ol>
 *   <li>Quarkus reports readiness DOWN and keeps serving for {@code quarkus.shutdown.delay};</li>
 *   <li>then new requests get 503 ({@code ShutdownDrain} in adapters-web) and Quarkus waits up to
 *       {@code quarkus.shutdown.timeout} for the HTTP requests in flight;</li>
 *   <li>then it fires {@link ShutdownEvent}. This observer runs first and waits, within the same deadline, for the
 *       requests whose HTTP exchange already ended because the client went away: their use case still runs, the
 *       upstream call is billed, and the settlement and audit event must still come. It waits for every
 *       {@link Admission#openTickets() open ticket} (closing the ticket is what settles and audits, after the upstream
 *       call has returned), then for upstream calls made outside a request ({@link UpstreamCallsInFlight});</li>
 *   <li>the later observers stop the in-process emulator and drain the audit writer into PostgreSQL;</li>
 *   <li>then the beans are destroyed: the SDK clients, the connection pool; then {@code GemgateMain} stops the embedded
 *       PostgreSQL.</li>
 * </ol>
 */
@ApplicationScoped
public class GracefulShutdown {
    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);

    private final InFlight openTickets;
    private final UpstreamCallsInFlight upstreamCalls;
    private final Duration delay;
    private final Duration drainTimeout;
    private volatile long beganNanos;
    private volatile boolean began;

    public GracefulShutdown(Admission admission, UpstreamCallsInFlight upstreamCalls,
                            @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
                            @ConfigProperty(name = "quarkus.shutdown.timeout") Optional<Duration> drainTimeout) {
        this.openTickets = admission.openTickets();
        this.upstreamCalls = upstreamCalls;
        this.delay = delay.filter(d -> !d.isNegative()).orElse(Duration.ZERO);
        this.drainTimeout = drainTimeout.filter(d -> !d.isNegative()).orElse(Duration.ZERO);
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        beganNanos = System.nanoTime();
        began = true;
    }

    void beforeAnythingCloses(@Observes @Priority(1) ShutdownEvent event) {
        long deadline = (began ? beganNanos + delay.toNanos() : System.nanoTime()) + drainTimeout.toNanos();
        Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        try {
            if (openTickets.current() > 0) {
                LOG.infof("Waiting up to %d ms for %d request(s) whose client went away", remaining.toMillis(),
                        openTickets.current());
            }
            if (!openTickets.awaitNone(remaining)) {
                LOG.warnf("%d request(s) still unsettled after quarkus.shutdown.timeout; closing anyway",
                        openTickets.current());
                return;
            }
            remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!upstreamCalls.awaitIdle(remaining)) {
                LOG.warnf("%d upstream call(s) still in progress after quarkus.shutdown.timeout; closing anyway",
                        upstreamCalls.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
