package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.math.BigDecimal;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * generateContent's route in front of the REST layer ({@code GeminiGenerateRoute}): it serves a plain request whose key
 * is remembered, with the same body, headers, refusals and metrics as the REST layer, and leaves every other request to
 * the REST layer. A probe route just after it records the requests it passed on.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiGenerateRouteTest {
    private static final String PROBE = RouteProbe.HEADER;
    private static final String MODEL = "gemini-2.5-flash";
    private static final String PATH = "/v1beta/models/" + MODEL + ":generateContent";
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello route\"}]}]}";

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    PrometheusMeterRegistry registry;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aRememberedKeyIsServedByTheRouteAsTheRestLayerServesIt() {
        String key = newKey("route");
        Response first = post(client().header("x-goog-api-key", key), "first");
        Response routed = post(client().header("x-goog-api-key", key).header("x-request-id", "caller-corr-0001"),
                "routed");
        Response viaQuery = post(client().queryParam("key", key), "query");
        Response bearer = post(client().header("Authorization", "Bearer " + key), "bearer");

        assertThat(RouteProbe.PASSED_ON).as("a key in the query goes to the REST layer, a header's to the route")
                .contains("query").doesNotContain("first", "routed", "bearer");
        for (Response response : new Response[] {first, routed, viaQuery, bearer}) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.contentType()).isEqualTo("application/json");
            assertThat(response.jsonPath().getString("candidates[0].content.role")).isEqualTo("model");
        }
        assertThat(headerNames(routed)).isEqualTo(headerNames(first)).isEqualTo(headerNames(viaQuery))
                .isEqualTo(headerNames(bearer))
                .contains("x-gemgate-cost-usd", "x-gemgate-cache", "x-gemgate-served-model", "x-gemgate-request-id",
                        "x-request-id");
        assertThat(routed.header("x-request-id")).isEqualTo("caller-corr-0001");
        assertThat(routed.header("x-gemgate-request-id")).isNotBlank().isNotEqualTo(first.header("x-gemgate-request-id"));
        assertThat(routed.header("x-gemgate-served-model")).isEqualTo(MODEL);
        assertThat(new BigDecimal(routed.header("x-gemgate-cost-usd"))).as("priced as the REST layer prices it")
                .isPositive().isEqualByComparingTo(new BigDecimal(viaQuery.header("x-gemgate-cost-usd")));
        assertThat(routed.header("x-gemgate-cache")).isEqualTo(viaQuery.header("x-gemgate-cache"));
    }

    @Test
    void theRoutesRefusalsAreTheRestLayersRefusals() {
        String key = newKey("refusals");
        post(client().header("x-goog-api-key", key), "warm");
        for (String[] call : new String[][] {{"{\"contents\":[", PATH}, {BODY, "/v1beta/models/no-such-model:generateContent"}}) {
            String routedProbe = UUID.randomUUID().toString();
            String restProbe = UUID.randomUUID().toString();
            Response routed = client().header("x-goog-api-key", key).header(PROBE, routedProbe)
                    .contentType(ContentType.JSON).body(call[0]).post(call[1]);
            Response rest = client().queryParam("key", key).header(PROBE, restProbe)
                    .contentType(ContentType.JSON).body(call[0]).post(call[1]);

            assertThat(RouteProbe.PASSED_ON).contains(restProbe).doesNotContain(routedProbe);
            assertThat(routed.statusCode()).isEqualTo(rest.statusCode()).isIn(400, 404);
            assertThat(headerNames(routed)).isEqualTo(headerNames(rest)).contains("x-gemgate-cost-usd");
            assertThat(routed.jsonPath().getString("error.status")).isEqualTo(rest.jsonPath().getString("error.status"));
            assertThat(routed.jsonPath().getString("error.message"))
                    .isEqualTo(rest.jsonPath().getString("error.message"));
            assertThat(routed.jsonPath().getString("error.details[0].requestId"))
                    .isEqualTo(routed.header("x-gemgate-request-id"));
        }
    }

    @Test
    void aRefusedKeyIsRefusedByTheRouteAsByTheRestLayer() {
        for (String key : new String[] {"not-a-gemgate-key", "gmg_" + "A".repeat(40)}) {
            String probe = UUID.randomUUID().toString();
            Response routed = client().header("x-goog-api-key", key).header(PROBE, probe)
                    .contentType(ContentType.JSON).body(BODY).post(PATH);
            Response rest = client().queryParam("key", key).contentType(ContentType.JSON).body(BODY).post(PATH);

            assertThat(RouteProbe.PASSED_ON).doesNotContain(probe);
            assertThat(routed.statusCode()).isEqualTo(rest.statusCode()).isIn(400, 401);
            assertThat(routed.header("x-gemgate-cost-usd")).isEqualTo("0.000000");
            assertThat(routed.header("x-gemgate-request-id")).isNotBlank();
            assertThat(routed.jsonPath().getString("error.status")).isEqualTo(rest.jsonPath().getString("error.status"));
            assertThat(routed.jsonPath().getString("error.message"))
                    .isEqualTo(rest.jsonPath().getString("error.message"));
        }
    }

    @Test
    void routedCallsAreCountedUnderTheTemplate() {
        String key = newKey("metrics");
        post(client().header("x-goog-api-key", key), "remember");
        double before = templatedCount();

        post(client().header("x-goog-api-key", key), UUID.randomUUID().toString());

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (templatedCount() < before + 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        // at least: the timer of the call before may be recorded just after its client read the answer
        assertThat(templatedCount()).isGreaterThanOrEqualTo(before + 1);
        assertThat(registry.find("http.server.requests").tag("uri", PATH).timers()).isEmpty();
    }

    /** A client that waits for {@code 100 Continue} before it sends the body gets it, then the answer. */
    @Test
    void expectContinueIsAnswered() throws Exception {
        String key = newKey("continue");
        post(client().header("x-goog-api-key", key), "remember-continue");
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);

        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            out.write(("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nx-goog-api-key: " + key
                    + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + body.length
                    + "\r\n" + PROBE + ": continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(in.readLine()).isEmpty();
            out.write(body);
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(RouteProbe.PASSED_ON).doesNotContain("continue");
    }

    /** As the SDKs send it: the colon before the method unencoded (RestAssured would send %3A, which the route leaves
     * to the REST layer). */
    private static io.restassured.specification.RequestSpecification client() {
        return given().urlEncodingEnabled(false);
    }

    private String newKey(String label) {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("route-" + label + "-" + UUID.randomUUID()));
        return issueApiKey.execute(new IssueApiKey.Command(tenant.id(), label)).secret().reveal();
    }

    private static Response post(io.restassured.specification.RequestSpecification request, String probe) {
        return request.header(PROBE, probe).contentType(ContentType.JSON).body(BODY).post(PATH);
    }

    private static Set<String> headerNames(Response response) {
        Set<String> names = new TreeSet<>();
        response.headers().forEach(h -> names.add(h.getName().toLowerCase()));
        names.remove("content-length");
        return names;
    }

    private double templatedCount() {
        return registry.find("http.server.requests").tag("uri", "/v1beta/models/{target}").tag("method", "POST")
                .timers().stream().mapToDouble(t -> t.count()).sum();
    }
}
