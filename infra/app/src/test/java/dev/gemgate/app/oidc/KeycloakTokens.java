package dev.gemgate.app.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Access tokens from the test Keycloak ({@link KeycloakServer}) through the password grant, as an admin client would
 * get them. Users of realm {@code gemgate} (password {@code <name>-password}): {@code alice} ({@code gemgate-admin}),
 * {@code victor} ({@code gemgate-viewer}), {@code nobody} (no role). Realm {@code other} has an {@code alice} with
 * {@code gemgate-admin} too, whose tokens Gemgate must refuse (another issuer, other keys).
 *
 * <p>Tokens are for the audience {@code gemgate-api} and carry the realm roles both in {@code realm_access.roles}
 * and in {@code groups}. {@code Authorization: Bearer} + {@link #accessToken(String)} is all a test needs.
 */
public final class KeycloakTokens {
    public static final String ADMIN = "alice";
    public static final String VIEWER = "victor";
    public static final String NO_ROLE = "nobody";
    public static final String REALM = "gemgate";
    public static final String OTHER_REALM = "other";

    /** The test client: public, password grant, audience and groups mappers. */
    static final String CLIENT = "gemgate-tests";
    /** The same, with access tokens that live one second. */
    static final String SHORT_LIVED_CLIENT = "gemgate-tests-short-lived";
    /** A client of the same realm without the audience mapper: its tokens are not meant for Gemgate. */
    static final String FOREIGN_AUDIENCE_CLIENT = "another-app";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeycloakTokens() {
    }

    /** A fresh access token of {@code user} in realm {@code gemgate}. */
    public static String accessToken(String user) {
        return fetch(REALM, CLIENT, user);
    }

    /** A token of {@code user} from realm {@code other}: same role names, another issuer. */
    public static String accessTokenFromOtherRealm(String user) {
        return fetch(OTHER_REALM, CLIENT, user);
    }

    /** A token of {@code user} whose audience is another application of the same realm. */
    public static String accessTokenForAnotherAudience(String user) {
        return fetch(REALM, FOREIGN_AUDIENCE_CLIENT, user);
    }

    /**
     * A token of {@code user} that has expired: issued with a one-second lifespan, then waited out (at most about two
     * seconds; Keycloak and the gateway share the machine's real clock, which no test can move).
     */
    public static String expiredAccessToken(String user) {
        String token = fetch(REALM, SHORT_LIVED_CLIENT, user);
        Instant expiry = Instant.ofEpochSecond(claims(token).path("exp").asLong());
        // a token is refused from its exp second on; wait until the clock has passed it
        Duration left = Duration.between(Instant.now(), expiry.plusMillis(100));
        if (!left.isNegative()) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return token;
    }

    /** The token's payload (not verified: for assertions on what Keycloak issued). */
    public static JsonNode claims(String token) {
        String[] parts = token.split("\\.");
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fetch(String realm, String client, String user) {
        String base = KeycloakServer.awaitReady();
        Map<String, String> form = Map.of("grant_type", "password", "client_id", client, "username", user,
                "password", user + "-password", "scope", "openid");
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(base + "/realms/" + realm + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncoded(form)))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused a token for " + user + " in realm " + realm
                        + " (client " + client + "): " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String formEncoded(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
