package dev.gemgate.adapter.web.admin;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/**
 * Refused admin credentials as problem details. Only the admin API asks Quarkus's security for anything (the tenant
 * surface checks its own keys), so these exceptions never come from anywhere else.
 */
public class AdminSecurityMappers {
    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, ContainerRequestContext request) {
        return unauthenticated(request);
    }

    /** An invalid, expired or foreign token: the same 401, saying nothing about which. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, ContainerRequestContext request) {
        return unauthenticated(request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ContainerRequestContext request) {
        return new AdminProblem(403, "Forbidden", "Your role does not allow this action.", List.of())
                .toResponse(request);
    }

    private static Response unauthenticated(ContainerRequestContext request) {
        return Response.fromResponse(new AdminProblem(401, "Unauthenticated",
                        "A valid bearer token from the configured identity provider is required.", List.of())
                .toResponse(request)).header("WWW-Authenticate", "Bearer").build();
    }
}
