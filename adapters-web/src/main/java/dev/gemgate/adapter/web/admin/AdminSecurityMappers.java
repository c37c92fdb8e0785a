package dev.gemgate.adapter.web.admin;

import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.RecordAdminDenial;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refused admin credentials as problem details, and audited ({@code ADMIN_ACCESS_DENIED}): a role that does not allow
 * the action every time, with the admin's subject; a missing, invalid, expired or foreign token at most once per
 * client address per minute, so a flood cannot fill the audit table. Only the admin API asks Quarkus's security for
 * anything (the tenant surface checks its own keys), so these exceptions never come from anywhere else.
 */
public class AdminSecurityMappers {
    static final Duration UNAUTHENTICATED_AUDIT_WINDOW = Duration.ofMinutes(1);
    private static final int MAX_REMEMBERED_SOURCES = 10_000;

    private final RecordAdminDenial recordDenial;
    private final SecurityIdentity identity;
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> lastAudited = new ConcurrentHashMap<>();

    public AdminSecurityMappers(RecordAdminDenial recordDenial, SecurityIdentity identity, Clock clock) {
        this.recordDenial = recordDenial;
        this.identity = identity;
        this.clock = clock;
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, ContainerRequestContext request, HttpServerRequest http) {
        return unauthenticated(request, http, "no bearer token");
    }

    /** An invalid, expired or foreign token: the same 401, saying nothing about which. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, ContainerRequestContext request,
                                         HttpServerRequest http) {
        return unauthenticated(request, http, "token refused");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request, HttpServerRequest http) {
        recordDenial.execute(new RecordAdminDenial.Command(AdminRequests.actor(identity, http, request),
                action(request), true, "role does not allow it"));
        return new AdminProblem(403, "Forbidden", "Your role does not allow this action.", List.of())
                .toResponse(request);
    }

    private Response unauthenticated(ContainerRequestContext request, HttpServerRequest http, String reason) {
        String source = AdminRequests.source(http);
        Instant now = clock.instant();
        Instant last = lastAudited.get(source);
        if (last == null || !now.isBefore(last.plus(UNAUTHENTICATED_AUDIT_WINDOW))) {
            if (lastAudited.size() >= MAX_REMEMBERED_SOURCES) {
                lastAudited.clear();
            }
            lastAudited.put(source, now);
            recordDenial.execute(new RecordAdminDenial.Command(new AdminActor("anonymous", "anonymous", source,
                    Optional.ofNullable(RequestIdFilter.of(request))), action(request), false, reason));
        }
        return Response.fromResponse(new AdminProblem(401, "Unauthenticated",
                        "A valid bearer token from the configured identity provider is required.", List.of())
                .toResponse(request)).header("WWW-Authenticate", "Bearer").build();
    }

    private static String action(ContainerRequestContext request) {
        return request.getMethod() + " /" + request.getUriInfo().getPath().replaceFirst("^/", "");
    }
}
