package dev.gemgate.app;

import dev.gemgate.adapter.web.admin.AdminProblem;
import io.quarkus.oidc.OIDCException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bearer token that cannot be checked because the identity provider is unreachable (Quarkus connects to it at start
 * and, when that failed, again on each request that needs it) is answered 503 with {@code Retry-After}, never 500, and
 * nothing is said about the token. Only the admin API asks for an OIDC identity, so this is its problem-details body.
 * The outage is logged once a minute at most: a flood of admin calls must not flood the log.
 */
public class IdentityProviderUnavailableMapper {
    static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(IdentityProviderUnavailableMapper.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    @ServerExceptionMapper
    public Response unavailable(OIDCException e, ContainerRequestContext request) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warnf("the identity provider is unreachable; bearer tokens get 503 until it answers: %s",
                    e.getMessage());
        }
        Response problem = new AdminProblem(503, "Unavailable",
                "The identity provider cannot be reached to check the bearer token; try again shortly.", List.of())
                .toResponse(request);
        return Response.fromResponse(problem).header("Retry-After", RETRY_AFTER_SECONDS).build();
    }
}
