package dev.gemgate.app.oidc;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Points Quarkus's OIDC tenant at the test Keycloak's realm {@code gemgate} ({@link KeycloakServer}, one per test JVM):
 * bearer tokens for the audience {@code gemgate-api} (the client id; application.properties makes it the expected
 * audience), roles from Keycloak's realm roles. It returns once Keycloak is ready, so that any request of any test
 * meets a working provider. Part of {@code GatewayTestResources}, so every {@code @QuarkusTest} of the app shares it
 * and one Quarkus boot; use it alone with {@code @WithTestResource(KeycloakTestResource.class)}.
 *
 * <p>A second tenant, {@value #UNREACHABLE_TENANT}, guards only {@link WhoAmIResource#UNREACHABLE_IDP_PATH} and points
 * at a port where nothing listens: what an identity-provider outage looks like to the gateway.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String API_CLIENT_ID = "gemgate-api";
    /** The portal's client (authorization code, realm roles in the ID token's {@code groups}). */
    public static final String PORTAL_CLIENT_ID = "gemgate-portal";
    static final String PORTAL_CLIENT_SECRET = "gemgate-portal-secret";
    static final String UNREACHABLE_TENANT = "unreachable";

    /** The OIDC configuration of a Quarkus boot against the test Keycloak; waits until Keycloak is ready. */
    public static Map<String, String> oidcConfig() {
        KeycloakServer.awaitReady();
        Map<String, String> config = new HashMap<>(Map.of(
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.auth-server-url", KeycloakServer.realmUrl(KeycloakTokens.REALM),
                "quarkus.oidc.client-id", API_CLIENT_ID,
                "quarkus.oidc.roles.role-claim-path", "realm_access/roles",
                "quarkus.oidc." + UNREACHABLE_TENANT + ".auth-server-url", "http://127.0.0.1:9/realms/unreachable",
                "quarkus.oidc." + UNREACHABLE_TENANT + ".client-id", API_CLIENT_ID,
                "quarkus.oidc." + UNREACHABLE_TENANT + ".tenant-paths", WhoAmIResource.UNREACHABLE_IDP_PATH,
                // the unreachable tenant's failed connection at start is expected (logged with a stack trace)
                "quarkus.log.category.\"io.quarkus.oidc.common.runtime.OidcCommonUtils\".level", "ERROR",
                "quarkus.log.category.\"io.quarkus.oidc.runtime.OidcRecorder\".level", "ERROR"));
        // the portal's sign-in: the authorization-code flow against the same realm, as a confidential client
        config.put("quarkus.oidc.portal.tenant-enabled", "true");
        config.put("quarkus.oidc.portal.auth-server-url", KeycloakServer.realmUrl(KeycloakTokens.REALM));
        config.put("quarkus.oidc.portal.client-id", PORTAL_CLIENT_ID);
        config.put("quarkus.oidc.portal.credentials.secret", PORTAL_CLIENT_SECRET);
        return config;
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
