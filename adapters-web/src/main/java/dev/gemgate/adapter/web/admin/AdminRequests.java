package dev.gemgate.adapter.web.admin;

import dev.gemgate.adapter.web.RequestIdFilter;
import dev.gemgate.application.admin.AdminActor;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;

import java.security.Principal;
import java.util.Optional;

/** Who is acting on the admin API, read from the verified identity and the connection. */
final class AdminRequests {
    private AdminRequests() {
    }

    static AdminActor actor(SecurityIdentity identity, HttpServerRequest http, ContainerRequestContext request) {
        Principal principal = identity.getPrincipal();
        return new AdminActor(principal.getName(), displayName(identity).orElse(principal.getName()), source(http),
                Optional.ofNullable(RequestIdFilter.of(request)));
    }

    /** The token's {@code name} claim, when the identity carries one (OIDC puts the claims in the attributes). */
    private static Optional<String> displayName(SecurityIdentity identity) {
        Object name = identity.getAttribute("name");
        return name instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    static String source(HttpServerRequest http) {
        return http == null || http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }
}
