package dev.gemgate.adminui.portal;

import java.util.Optional;

/**
 * How people sign in to the portal, wired by the app: through the identity provider's login page (OIDC authorization
 * code, Quarkus's OIDC tenant {@code portal}) when one is configured, and with the local bootstrap admin token where
 * the run has one (never in the prod profile, which has no bootstrap admin).
 */
public interface PortalSignIn {
    /** Whether the OIDC tenant {@code portal} is on: anonymous visitors are then sent to the provider's login page. */
    boolean identityProviderEnabled();

    /** Whether this run has a bootstrap admin token that may sign in on {@code /admin/ui/login}. */
    boolean bootstrapEnabled();

    /** Whether {@code presented} is the bootstrap admin token (constant time; false when there is none). */
    boolean bootstrapTokenMatches(String presented);

    /**
     * The identity provider's origin ({@code https://idp.example.com}) when one is on: signing out posts a form whose
     * answer redirects there (RP-initiated logout), so the portal's Content-Security-Policy lets forms lead to it.
     */
    default Optional<String> identityProviderOrigin() {
        return Optional.empty();
    }
}
