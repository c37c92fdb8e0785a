package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ServiceUnavailableException;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keeps a database outage from costing every request the pool's full timeout: hot-path reads go through a SmallRye
 * Fault Tolerance circuit breaker that opens after a few connectivity failures, then answers at once with
 * {@link ServiceUnavailableException} (503 with Retry-After) until a trial call succeeds again, by itself, after
 * {@code gemgate.database.retry-after}. Only connectivity failures count (SQLState class 08, server shutdown, pool
 * exhaustion): a bad row is not an outage. An outage is logged as one WARN when it begins and one INFO with the count of
 * refused requests when it ends, never as a stack trace per request.
 */
@ApplicationScoped
public class DatabaseGuard {
    private static final Logger LOG = Logger.getLogger(DatabaseGuard.class);

    private final Guard guard;
    private final Duration retryAfter;
    private final AtomicLong refusedWhileOpen = new AtomicLong();
    private volatile boolean available = true;

    @Inject
    public DatabaseGuard(@ConfigProperty(name = "gemgate.database.retry-after", defaultValue = "2s") Duration retryAfter) {
        this.retryAfter = retryAfter;
        this.guard = Guard.create()
                .withDescription("gemgate-database")
                .withCircuitBreaker()
                .requestVolumeThreshold(4)
                .failureRatio(0.5)
                .delay(retryAfter.toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(DatabaseGuard::isConnectivityFailure)
                .onStateChange(this::stateChanged)
                .onPrevented(refusedWhileOpen::incrementAndGet)
                .done()
                .build();
    }

    /** Runs {@code work} (a blocking database call) unless the database is known to be down. */
    @SuppressWarnings("unchecked")
    public <T> T call(Supplier<T> work) {
        try {
            return (T) guard.get((Supplier<Object>) work, Object.class);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Refuses at once, as {@link #call} would, while the database is known to be down: for work queued to be written
     * later, which must not be accepted when it cannot be.
     */
    public void requireAvailable() {
        if (!available) {
            refusedWhileOpen.incrementAndGet();
            throw unavailable(null);
        }
    }

    /** False while the breaker is open (the database is considered unreachable). */
    public boolean isAvailable() {
        return available;
    }

    private RuntimeException translate(RuntimeException e) {
        if (e instanceof CircuitBreakerOpenException) {
            return unavailable(null);
        }
        if (isConnectivityFailure(e)) {
            refusedWhileOpen.incrementAndGet();
            return unavailable(e);
        }
        return e;
    }

    private ServiceUnavailableException unavailable(Throwable cause) {
        return new ServiceUnavailableException("The gateway's database is unreachable; retry in "
                + Math.max(1, retryAfter.toSeconds()) + "s.", retryAfter, cause);
    }

    private void stateChanged(CircuitBreakerState state) {
        switch (state) {
            case OPEN -> {
                if (available) {
                    available = false;
                    LOG.warnf("database unreachable: requests that need it are answered 503 and retried every %d ms",
                            retryAfter.toMillis());
                }
            }
            case CLOSED -> {
                if (!available) {
                    available = true;
                    LOG.infof("database reachable again; %d request(s) were answered 503 meanwhile",
                            refusedWhileOpen.getAndSet(0));
                }
            }
            case HALF_OPEN -> {
            }
        }
    }

    /**
     * Agroal's pool exhaustion: no connection came free within the acquisition timeout. It throws a plain
     * {@link SQLException} without an SQLState ("Sorry, acquisition timeout!", or "Acquisition timeout while waiting for
     * new connection"), so its message is all there is to tell it by.
     */
    private static boolean isPoolAcquisitionTimeout(SQLException failure) {
        String message = failure.getMessage();
        return message != null && (message.startsWith("Sorry, acquisition timeout")
                || message.startsWith("Acquisition timeout while waiting for new connection"));
    }

    /** Connection-level failures anywhere in the cause chain: the database (or the way to it) is down. */
    static boolean isConnectivityFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null && isPoolAcquisitionTimeout(sql)) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                        || state.equals("53300")) {
                    return true;
                }
            }
            String name = t.getClass().getName();
            if (name.equals("org.hibernate.exception.JDBCConnectionException")
                    || name.equals("java.net.ConnectException")) {
                return true;
            }
            // the pool could hand out no connection (its acquisition timed out while opening one, say): Hibernate
            // reports it as a generic JDBC failure whose cause says little ("Something unusual has occurred")
            if (name.equals("org.hibernate.exception.GenericJDBCException") && t.getMessage() != null
                    && t.getMessage().startsWith("Unable to acquire JDBC Connection")) {
                return true;
            }
        }
        return false;
    }
}
