package dev.gemgate.app;

import dev.gemgate.adapter.web.TenantAuthFailureHandler;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.restassured.http.ContentType;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The tenant API's requests carry the REST layer's failing auth-failure handler before the REST layer's own filter
 * looks (so it skips Quarkus 3.33's per-request URI-template matching, issue 21's profile 3), other paths keep
 * Quarkus's order, and a tenant request's HTTP metrics still carry its URI template, not its raw path: a stream's its
 * own, apart from the unary methods'.
 *
 * <p>A probe route (below), after both handlers, records which auth-failure handler a request ended up with.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class TenantAuthFailureHandlerTest {
    private static final String PROBE = "x-gemgate-test-probe";
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String STREAM_TEMPLATE = "/v1beta/models/{model}:streamGenerateContent";

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    PrometheusMeterRegistry registry;

    /** Records, for requests that carry the probe header, the auth-failure handler they carry after the filters. */
    @ApplicationScoped
    static class Probe {
        static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

        void install(@Observes Router router) {
            router.route().order(-(199 - 1)).handler(context -> {
                String probe = context.request().getHeader(PROBE);
                if (probe != null) {
                    SEEN.put(probe, context.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER));
                }
                context.next();
            });
        }
    }

    @Test
    void aTenantRequestCarriesTheFailingHandlerAndItsMetricsKeepTheTemplate() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("auth-failure-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "probe")).secret().reveal();
        String probe = UUID.randomUUID().toString();
        double before = templatedCount();

        given().header("x-goog-api-key", key).header(PROBE, probe).contentType(ContentType.JSON)
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}")
                .post("/v1beta/models/" + MODEL + ":generateContent").then().statusCode(200);

        assertThat(Probe.SEEN.get(probe)).isSameAs(TenantAuthFailureHandler.FAIL_INTO_REST);
        assertThat(countedWithin(before)).as("the request is counted under its template").isEqualTo(before + 1);
        assertThat(registry.find("http.server.requests").tag("uri", "/v1beta/models/" + MODEL + ":generateContent")
                .timers()).as("never under its raw path").isEmpty();
    }

    @Test
    void aStreamIsCountedUnderItsOwnTemplateNotTheUnaryOne() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("stream-metrics-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "stream")).secret().reveal();
        double unaryBefore = templatedCount();
        double before = count(STREAM_TEMPLATE);

        // as the SDKs send it (an unencoded colon), and with the colon percent-encoded (RestAssured's default)
        for (boolean encoded : new boolean[] {false, true}) {
            given().urlEncodingEnabled(encoded).header("x-goog-api-key", key).contentType(ContentType.JSON)
                    .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}")
                    .post("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse").then().statusCode(200)
                    .contentType(containsString("text/event-stream"));
        }

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (count(STREAM_TEMPLATE) < before + 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(count(STREAM_TEMPLATE)).as("counted under the stream's template").isEqualTo(before + 2);
        assertThat(templatedCount()).as("not under the unary methods' one").isEqualTo(unaryBefore);
    }

    @Test
    void anAdminRequestKeepsQuarkussOwnOrder() {
        String probe = UUID.randomUUID().toString();

        given().header("Authorization", BOOTSTRAP).header(PROBE, probe).get("/admin/api/v1/tenants")
                .then().statusCode(200);

        assertThat(Probe.SEEN.get(probe)).isNotNull().isNotSameAs(TenantAuthFailureHandler.FAIL_INTO_REST);
    }

    /** The timer is recorded as the response ends, which may be just after the client has read it. */
    private double countedWithin(double before) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        double now = templatedCount();
        while (now == before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            now = templatedCount();
        }
        return now;
    }

    private double templatedCount() {
        return count("/v1beta/models/{target}");
    }

    private double count(String template) {
        return registry.find("http.server.requests").tag("uri", template).tag("method", "POST")
                .timers().stream().mapToDouble(t -> t.count()).sum();
    }
}
