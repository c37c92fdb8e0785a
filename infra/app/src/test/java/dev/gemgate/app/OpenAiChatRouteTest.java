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
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * chat/completions' route in front of the REST layer ({@code OpenAiChatRoute}): a request with its key in one header
 * is served by the route, with the same body, headers, stream framing, trailer, refusals and metrics as the REST layer
 * gives a request it leaves to it (here: a key in the query). {@link RouteProbe} records what was passed on.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class OpenAiChatRouteTest {
    private static final String PROBE = RouteProbe.HEADER;
    private static final String COST = "x-gemgate-cost-usd";
    private static final String BODY = """
            {"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hello chat route"}]}""";
    private static final String STREAM_BODY = """
            {"model":"gemini-2.5-flash","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"one two three four five six seven eight nine ten"}]}""";

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    PrometheusMeterRegistry registry;

    @TestHTTPResource("/")
    URI base;

    private final OkHttpClient okhttp = new OkHttpClient.Builder().readTimeout(30, TimeUnit.SECONDS).build();

    @Test
    void aCompletionIsServedByTheRouteAsTheRestLayerServesIt() {
        String key = newKey("complete");
        for (String path : new String[] {"/v1/chat/completions", "/v1beta/openai/chat/completions"}) {
            String routedProbe = UUID.randomUUID().toString();
            String restProbe = UUID.randomUUID().toString();
            Response routed = given().header("Authorization", "Bearer " + key).header("x-request-id", "caller-corr-0002")
                    .header(PROBE, routedProbe).contentType(ContentType.JSON).body(BODY).post(path);
            Response rest = given().queryParam("key", key).header(PROBE, restProbe)
                    .contentType(ContentType.JSON).body(BODY).post(path);

            assertThat(RouteProbe.PASSED_ON).contains(restProbe).doesNotContain(routedProbe);
            for (Response response : new Response[] {routed, rest}) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.contentType()).isEqualTo("application/json");
                assertThat(response.jsonPath().getString("object")).isEqualTo("chat.completion");
                assertThat(response.jsonPath().getString("choices[0].message.role")).isEqualTo("assistant");
                assertThat(response.jsonPath().getString("id"))
                        .isEqualTo("chatcmpl-" + response.header("x-gemgate-request-id"));
            }
            assertThat(headerNames(routed)).isEqualTo(headerNames(rest))
                    .contains(COST, "x-gemgate-cache", "x-gemgate-served-model", "x-gemgate-request-id",
                            "x-request-id");
            assertThat(routed.header("x-request-id")).isEqualTo("caller-corr-0002");
            assertThat(routed.header("x-gemgate-served-model")).isEqualTo("gemini-2.5-flash");
            assertThat(new BigDecimal(routed.header(COST))).isPositive()
                    .isEqualByComparingTo(new BigDecimal(rest.header(COST)));
            assertThat(routed.jsonPath().getString("choices[0].message.content"))
                    .isEqualTo(rest.jsonPath().getString("choices[0].message.content"));
        }
    }

    @Test
    void aStreamIsServedByTheRouteWithTheRestLayersFramingHeadersAndTrailer() throws Exception {
        String key = newKey("stream");
        String routedProbe = UUID.randomUUID().toString();
        String restProbe = UUID.randomUUID().toString();
        Streamed routed = stream(new Request.Builder().url(base + "v1/chat/completions")
                .header("Authorization", "Bearer " + key).header(PROBE, routedProbe));
        Streamed rest = stream(new Request.Builder().url(base + "v1/chat/completions?key=" + key)
                .header(PROBE, restProbe));

        assertThat(RouteProbe.PASSED_ON).contains(restProbe).doesNotContain(routedProbe);
        for (Streamed response : List.of(routed, rest)) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers()).contains("content-type: text/event-stream", "cache-control: no-cache",
                    "trailer: " + COST, "x-gemgate-served-model: gemini-2.5-flash");
            assertThat(response.events().getFirst()).contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
            assertThat(response.events().get(response.events().size() - 2)).contains("\"usage\":{");
            assertThat(response.events().getLast()).isEqualTo("data: [DONE]");
            assertThat(new BigDecimal(response.costTrailer())).isPositive();
        }
        assertThat(names(routed.headers())).isEqualTo(names(rest.headers()));
        assertThat(routed.events()).hasSameSizeAs(rest.events());
        assertThat(routed.costTrailer()).isEqualTo(rest.costTrailer());
    }

    @Test
    void theRoutesRefusalsAreTheRestLayersRefusals() {
        String key = newKey("refusals");
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(BODY)
                .post("/v1/chat/completions"); // remembers the key
        String[] bodies = {
                "{\"model\":",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"bogus\":1}",
                "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "{\"model\":\"gemini-2.5-flash\",\"stream\":true,\"messages\":[]}"};
        for (String body : bodies) {
            String routedProbe = UUID.randomUUID().toString();
            Response routed = given().header("Authorization", "Bearer " + key).header(PROBE, routedProbe)
                    .contentType(ContentType.JSON).body(body).post("/v1/chat/completions");
            Response rest = given().queryParam("key", key).contentType(ContentType.JSON).body(body)
                    .post("/v1/chat/completions");

            assertThat(RouteProbe.PASSED_ON).doesNotContain(routedProbe);
            assertThat(routed.statusCode()).as(body).isEqualTo(rest.statusCode()).isIn(400, 404);
            assertThat(routed.contentType()).isEqualTo("application/json");
            assertThat(routed.header(COST)).isEqualTo("0.000000");
            assertThat(routed.header("x-gemgate-request-id")).isNotBlank();
            for (String field : new String[] {"error.message", "error.type", "error.param", "error.code"}) {
                assertThat(routed.jsonPath().getString(field)).as(body + " " + field)
                        .isEqualTo(rest.jsonPath().getString(field));
            }
        }
        for (String bad : new String[] {"not-a-gemgate-key", "gmg_" + "B".repeat(40)}) {
            Response routed = given().header("Authorization", "Bearer " + bad).contentType(ContentType.JSON)
                    .body(BODY).post("/v1/chat/completions");
            Response rest = given().queryParam("key", bad).contentType(ContentType.JSON).body(BODY)
                    .post("/v1/chat/completions");
            assertThat(routed.statusCode()).isEqualTo(rest.statusCode()).isIn(400, 401);
            assertThat(routed.jsonPath().getString("error.code")).isEqualTo(rest.jsonPath().getString("error.code"));
            assertThat(routed.jsonPath().getString("error.message"))
                    .isEqualTo(rest.jsonPath().getString("error.message"));
        }
    }

    @Test
    void routedCallsAreCountedUnderTheirPath() {
        String key = newKey("metrics");
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(BODY)
                .post("/v1/chat/completions");
        double before = count();

        given().header("Authorization", "Bearer " + key).header(PROBE, "metrics-route").contentType(ContentType.JSON)
                .body(BODY).post("/v1/chat/completions").then().statusCode(200);

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (count() < before + 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(count()).isGreaterThanOrEqualTo(before + 1);
        assertThat(RouteProbe.PASSED_ON).doesNotContain("metrics-route");
    }

    private record Streamed(int status, List<String> headers, List<String> events, String costTrailer) {
    }

    private Streamed stream(Request.Builder request) throws Exception {
        try (okhttp3.Response response = okhttp.newCall(request.post(RequestBody.create(STREAM_BODY,
                MediaType.get("application/json"))).build()).execute()) {
            List<String> headers = new ArrayList<>();
            response.headers().forEach(h -> headers.add(h.getFirst().toLowerCase() + ": " + h.getSecond()));
            List<String> events = List.of(response.body().string().split("\n\n"));
            return new Streamed(response.code(), headers, events, response.trailers().get(COST));
        }
    }

    private String newKey(String label) {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("chat-route-" + label + "-" + UUID.randomUUID()));
        return issueApiKey.execute(new IssueApiKey.Command(tenant.id(), label)).secret().reveal();
    }

    private static Set<String> headerNames(Response response) {
        Set<String> names = new TreeSet<>();
        response.headers().forEach(h -> names.add(h.getName().toLowerCase()));
        names.remove("content-length"); // the route knows the length; the REST layer sends its one item chunked
        names.remove("transfer-encoding");
        return names;
    }

    private static Set<String> names(List<String> headers) {
        Set<String> names = new TreeSet<>();
        headers.forEach(h -> names.add(h.substring(0, h.indexOf(':'))));
        return names;
    }

    private double count() {
        return registry.find("http.server.requests").tag("uri", "/v1/chat/completions").tag("method", "POST")
                .timers().stream().mapToDouble(t -> t.count()).sum();
    }
}
