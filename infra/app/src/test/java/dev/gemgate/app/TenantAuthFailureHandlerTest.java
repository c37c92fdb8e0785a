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

/**
 * The tenant API's requests carry the REST layer's failing auth-failure handler before the REST layer's own filter
 * looks (so it skips Quarkus 3.33's per-request URI-template matching, issue 21's profile 3), other paths keep
 * Quarkus's order, and a tenant request's HTTP metrics still carry its URI template, not its raw path.
 *
 * <p>A probe route (below), after both handlers, records which auth-failure handler a request ended up with.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class TenantAuthFailureHandlerTest {
    private static final String PROBE = "x-gemgate-test-probe";
    private static final String BOOTSTRAP = "Bearer test-bootstrap-admin-token-0123456789abcdef";
    private static final String MODEL = "gemini-2.5-flash";

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
        return registry.find("http.server.requests").tag("uri", "/v1beta/models/{target}").tag("method", "POST")
                .timers().stream().mapToDouble(t -> t.count()).sum();
    }
}
