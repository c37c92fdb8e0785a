package dev.gemgate.adminui.portal;

import dev.gemgate.application.admin.AdminActor;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/** The acting admin of a portal request, for the use cases' audit: the same shape as the admin API's. */
final class PortalActors {
    private PortalActors() {
    }

    static AdminActor actor(SecurityIdentity identity, HttpServerRequest http) {
        String subject = identity.getPrincipal().getName();
        return new AdminActor(subject, displayName(identity), source(http), Optional.empty());
    }

    /** The identity's display name (OidcDisplayNameAugmentor's {@code name} attribute), else its subject. */
    static String displayName(SecurityIdentity identity) {
        Object name = identity.getAttribute("name");
        return name instanceof String s && !s.isBlank() ? s : identity.getPrincipal().getName();
    }

    private static String source(HttpServerRequest http) {
        return http == null || http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }
}
