package dev.gemgate.app.oidc;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points Quarkus's OIDC tenant at the test Keycloak's realm {@code gemgate} ({@link KeycloakServer}, one per test JVM):
 * bearer tokens for the audience {@code gemgate-api} (the client id; application.properties makes it the expected
 * audience), roles from Keycloak's realm roles. Returns at once: Keycloak may still be starting while Quarkus boots,
 * and the OIDC tenant connects on its first request. Part of {@code GatewayTestResources}, so every {@code @QuarkusTest}
 * of the app shares it and one Quarkus boot; use it alone with {@code @WithTestResource(KeycloakTestResource.class)}.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String API_CLIENT_ID = "gemgate-api";

    /** The OIDC configuration of a Quarkus boot against the test Keycloak. */
    public static Map<String, String> oidcConfig() {
        return Map.of(
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.auth-server-url", KeycloakServer.realmUrl(KeycloakTokens.REALM),
                "quarkus.oidc.client-id", API_CLIENT_ID,
                "quarkus.oidc.roles.role-claim-path", "realm_access/roles",
                // Keycloak usually starts while Quarkus boots: the warning (with a stack trace) that the OIDC server
                // is not up yet is expected; KeycloakTokens reports a Keycloak that never gets ready
                "quarkus.log.category.\"io.quarkus.oidc.common.runtime.OidcCommonUtils\".level", "ERROR",
                "quarkus.log.category.\"io.quarkus.oidc.runtime.OidcRecorder\".level", "ERROR");
    }

    @Override
    public Map<String, String> start() {
        return oidcConfig();
    }

    /** Keycloak stays up for the next Quarkus boot of this JVM; a shutdown hook stops it. */
    @Override
    public void stop() {
    }
}
