package dev.gemgate.app;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * Metrics and health are on the management interface (its own port, not exposed by the Kubernetes Service): they list
 * tenant ids and spend. The tenant port has no such route and answers 404 in Gemini's error envelope, like any other
 * unknown path.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class ManagementInterfaceTest {
    @TestHTTPResource("/")
    URL publicPort;

    @TestHTTPResource(value = "/", management = true)
    URL managementPort;

    @Test
    void theManagementInterfaceHasAPortOfItsOwn() {
        assertThat(managementPort.getPort()).isPositive().isNotEqualTo(publicPort.getPort());
    }

    @Test
    void thePublicPortAnswers404ForMetricsAndHealth() {
        for (String path : new String[] {"/q/metrics", "/q/health", "/q/health/ready", "/q/health/live",
                "/q/health/started", "/metrics"}) {
            given().get(path).then().statusCode(404).contentType(ContentType.JSON)
                    .body("error.code", equalTo(404))
                    .body("error.status", equalTo("NOT_FOUND"))
                    .body(not(containsString("gemgate_")))
                    .body(not(containsString("jvm_")));
        }
    }

    @Test
    void theManagementPortServesMetricsAndHealth() {
        given().baseUri(base(managementPort)).get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("gemgate_auth_failures_total{reason=\"unknown\"}"));
        given().baseUri(base(managementPort)).get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"));
        given().baseUri(base(managementPort)).get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"));
    }

    @Test
    void theManagementPortServesNothingOfTheTenantSurface() {
        given().baseUri(base(managementPort)).get("/v1beta/models").then().statusCode(404);
        given().baseUri(base(managementPort)).get("/admin").then().statusCode(404);
    }

    static String base(URL url) {
        return url.getProtocol() + "://" + url.getHost() + ":" + url.getPort();
    }
}
