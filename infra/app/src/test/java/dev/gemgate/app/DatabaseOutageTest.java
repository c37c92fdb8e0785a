package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * PostgreSQL stopped and restarted under a running gateway: requests that need it get 503 UNAVAILABLE with
 * Retry-After within a bounded time (not the pool's timeout), keys remembered before the outage keep working,
 * readiness reports it, and service comes back by itself when the database does.
 */
@QuarkusTest
@WithTestResource(DatabaseOutageResources.class)
class DatabaseOutageTest {
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String HELLO = "{\"contents\":[{\"parts\":[{\"text\":\"Hello\"}]}]}";

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    private static Response generate(String key) {
        return given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO).post(GENERATE);
    }

    private static String unknownKey() {
        return "gmg_" + UUID.randomUUID().toString().replace("-", "") + "abcdefgh";
    }

    @Test
    void anOutageIsA503WithRetryAfterThenServiceRecoversByItself() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("outage-" + UUID.randomUUID()));
        String known = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "outage")).secret().reveal();
        generate(known).then().statusCode(200);
        generate(unknownKey()).then().statusCode(401);
        given().get(ManagementInterfaceTest.base(management) + "/q/health/ready").then().statusCode(200);

        DatabaseOutageResources.stopDatabase();
        try {
            int immediate = 0;
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                Response refused = generate(unknownKey());
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                refused.then().statusCode(503).header("Retry-After", "1")
                        .body("error.status", equalTo("UNAVAILABLE"))
                        .body("error.message", equalTo("The gateway's database is unreachable; retry in 1s."));
                // never the pool's 5 s default: a connection attempt is bounded (2 s), and once the breaker is open
                // the answer is immediate (but for the one trial call per retry-after period)
                assertThat(took).isLessThan(Duration.ofMillis(2_500));
                immediate += took.compareTo(Duration.ofMillis(200)) < 0 ? 1 : 0;
            }
            assertThat(immediate).isGreaterThanOrEqualTo(6);
            // a key remembered before the outage keeps working for its TTL: the hot path needs no database
            generate(known).then().statusCode(200).body("candidates[0].content.parts[0].text", equalTo("Echo: Hello"));
            given().get(ManagementInterfaceTest.base(management) + "/q/health/ready").then().statusCode(503);
        } finally {
            DatabaseOutageResources.restartDatabase();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status;
        do {
            Thread.sleep(200);
            status = generate(unknownKey()).statusCode();
        } while (status != 401 && System.nanoTime() < deadline);
        assertThat(status).as("an unknown key is checked against the database again").isEqualTo(401);
        given().get(ManagementInterfaceTest.base(management) + "/q/health/ready").then().statusCode(200);
        generate(known).then().statusCode(200);
    }
}
