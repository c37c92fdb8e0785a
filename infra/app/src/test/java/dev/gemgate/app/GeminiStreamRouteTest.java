package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * streamGenerateContent's route in front of the REST layer ({@code GeminiStreamRoute}): a plain stream request with its
 * key in a header, with {@code ?alt=sse} or without a query, is served by the route with the same framing, headers,
 * trailer, refusals and metrics template as the REST layer gives a request it leaves to it (a key in the query).
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class GeminiStreamRouteTest {
    private static final String PROBE = RouteProbe.HEADER;
    private static final String COST = "x-gemgate-cost-usd";
    private static final String PATH = "v1beta/models/gemini-2.5-flash:streamGenerateContent";
    private static final String BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\""
            + GeminiStreamingTest.LONG_PROMPT + "\"}]}]}";

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
    void anSseStreamAndAJsonArrayAreServedByTheRouteAsByTheRestLayer() throws Exception {
        String key = newKey("stream");
        for (String alt : new String[] {"?alt=sse", ""}) {
            String routedProbe = UUID.randomUUID().toString();
            String restProbe = UUID.randomUUID().toString();
            Streamed routed = post(base + PATH + alt, BODY, key, routedProbe);
            Streamed rest = post(base + PATH + (alt.isEmpty() ? "?" : alt + "&") + "key=" + key, BODY, null,
                    restProbe);

            assertThat(RouteProbe.PASSED_ON).as(alt).contains(restProbe).doesNotContain(routedProbe);
            for (Streamed response : List.of(routed, rest)) {
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.headers()).containsEntry("content-type",
                                alt.isEmpty() ? "application/json; charset=UTF-8" : "text/event-stream")
                        .containsEntry("trailer", COST).containsEntry("cache-control", "no-cache")
                        .containsEntry("x-gemgate-served-model", "gemini-2.5-flash");
                assertThat(new BigDecimal(response.costTrailer())).isPositive();
            }
            assertThat(routed.headers().keySet()).isEqualTo(rest.headers().keySet());
            assertThat(routed.costTrailer()).isEqualTo(rest.costTrailer());
            if (alt.isEmpty()) {
                assertThat(routed.body()).startsWith("[{").endsWith("}]");
                assertThat(routed.body().split(",\r\n\\{")).hasSameSizeAs(rest.body().split(",\r\n\\{"));
            } else {
                assertThat(routed.body()).startsWith("data: {").endsWith("\r\n\r\n");
                assertThat(routed.body().split("\r\n\r\n")).hasSizeGreaterThan(1)
                        .hasSameSizeAs(rest.body().split("\r\n\r\n"));
            }
        }
    }

    @Test
    void theRoutesRefusalsAreTheRestLayersRefusals() throws Exception {
        String key = newKey("refusals");
        post(base + PATH + "?alt=sse", BODY, key, "remember-stream-key");
        String[][] calls = {{PATH, "{\"contents\":["}, {"v1beta/models/no-such-model:streamGenerateContent", BODY}};
        for (String[] call : calls) {
            String routedProbe = UUID.randomUUID().toString();
            Streamed routed = post(base + call[0] + "?alt=sse", call[1], key, routedProbe);
            Streamed rest = post(base + call[0] + "?alt=sse&key=" + key, call[1], null, UUID.randomUUID().toString());

            assertThat(RouteProbe.PASSED_ON).doesNotContain(routedProbe);
            assertThat(routed.status()).isEqualTo(rest.status()).isIn(400, 404);
            assertThat(routed.headers()).containsEntry("content-type", "application/json")
                    .containsEntry(COST, "0.000000");
            assertThat(routed.body()).isEqualTo(rest.body()
                    .replace(rest.headers().get("x-gemgate-request-id"), routed.headers().get("x-gemgate-request-id")));
        }
    }

    @Test
    void routedStreamsAreCountedUnderTheRestLayersTemplate() throws Exception {
        String key = newKey("metrics");
        post(base + PATH + "?alt=sse&key=" + key, BODY, null, "rest-template");
        Map<String, Double> before = streamCounts();
        assertThat(before).as("the REST layer's template of a stream").isNotEmpty();

        post(base + PATH + "?alt=sse", BODY, key, "route-template");

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (streamCounts().equals(before) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        Map<String, Double> after = streamCounts();
        assertThat(after.keySet()).isEqualTo(before.keySet()); // no raw path among them
        assertThat(after.values().stream().mapToDouble(Double::doubleValue).sum())
                .isGreaterThanOrEqualTo(before.values().stream().mapToDouble(Double::doubleValue).sum() + 1);
        assertThat(RouteProbe.PASSED_ON).contains("rest-template").doesNotContain("route-template");
    }

    private record Streamed(int status, Map<String, String> headers, String body, String costTrailer) {
    }

    private Streamed post(String url, String body, String headerKey, String probe) throws Exception {
        Request.Builder request = new Request.Builder().url(url).header(PROBE, probe)
                .post(RequestBody.create(body, MediaType.get("application/json")));
        if (headerKey != null) {
            request.header("x-goog-api-key", headerKey);
        }
        try (okhttp3.Response response = okhttp.newCall(request.build()).execute()) {
            Map<String, String> headers = new TreeMap<>();
            response.headers().forEach(h -> headers.put(h.getFirst().toLowerCase(), h.getSecond()));
            headers.remove("content-length");
            headers.remove("transfer-encoding");
            String text = response.body().string();
            return new Streamed(response.code(), headers, text, response.trailers().get(COST));
        }
    }

    /** The request timers of streams, by their uri tag. */
    private Map<String, Double> streamCounts() {
        Map<String, Double> counts = new TreeMap<>();
        for (Timer timer : registry.find("http.server.requests").tag("method", "POST").timers()) {
            String uri = timer.getId().getTag("uri");
            if (uri != null && uri.contains("streamGenerateContent")) {
                counts.merge(uri, (double) timer.count(), Double::sum);
            }
        }
        return counts;
    }

    private String newKey(String label) {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("stream-route-" + label + "-" + UUID.randomUUID()));
        return issueApiKey.execute(new IssueApiKey.Command(tenant.id(), label)).secret().reveal();
    }
}
