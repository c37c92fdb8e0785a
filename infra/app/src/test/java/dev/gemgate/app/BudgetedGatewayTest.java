package dev.gemgate.app;

import dev.gemgate.adapter.persistence.PostgresAuditLog;
import dev.gemgate.adapter.persistence.PostgresBudgetStore;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.LeasedBudgetLedger;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A tenant budget through the Gemini surface, on the PostgreSQL ledger: requests go through while the budget affords
 * their reservation (an upper bound of their cost), then the next is refused with 429 RESOURCE_EXHAUSTED naming the
 * budget, before anything is sent upstream; the settled spend never exceeds the limit and equals the costs in the audit
 * log.
 */
@QuarkusTest
@TestProfile(BudgetedGatewayTest.Budgets.class)
@WithTestResource(GatewayTestResources.class)
class BudgetedGatewayTest {
    private static final String LIMIT = "0.002";
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":100}}";
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";

    /**
     * Each tenant: 0.002 USD a day (about 8 reservations of 100 output tokens of gemini-2.5-flash at a time). Budgets
     * set through the admin API are reread every 250 ms (for {@code BudgetAdminApiTest}). One configured fallback chain
     * (for {@code FallbackAdminApiTest}, on the same boot).
     */
    public static class Budgets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gemgate.budget.tenant.limit-usd", LIMIT, "gemgate.budget.tenant.period", "daily",
                    "gemgate.budget.tenant.alert-percents", "50,100",
                    "gemgate.budget.refresh", "250ms",
                    "gemgate.upstream.fallback.\"gemini-3.1-pro-preview\"", "gemini-3.6-flash,gemini-2.5-flash");
        }
    }

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    BudgetLedger ledger;

    @Inject
    PostgresBudgetStore store;

    @Inject
    PostgresAuditLog audit;

    private final GeminiEmulator emulator = GatewayTestResources.emulator();

    private long generateCalls() {
        return emulator.recordedRequests().stream().filter(r -> r.path().endsWith(":generateContent")).count();
    }

    @Test
    void theLedgerIsWiredOverPostgres() {
        assertThat(ledger).isInstanceOf(LeasedBudgetLedger.class);
    }

    @Test
    void requestsGoThroughWhileTheBudgetAffordsThemThenAreRefusedBeforeTheUpstreamAndSpendNeverExceedsIt()
            throws InterruptedException {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("budgeted-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "budget test")).secret().reveal();
        Instant start = Instant.now();

        int admitted = 0;
        Response refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            long before = generateCalls();
            Response response = given().header("x-goog-api-key", key).contentType(ContentType.JSON).body(HELLO)
                    .post(GENERATE);
            if (response.statusCode() == 200) {
                admitted++;
            } else {
                refused = response;
                assertThat(generateCalls()).as("a refused request never reaches the upstream").isEqualTo(before);
            }
        }

        assertThat(admitted).as("the budget affords several requests").isGreaterThanOrEqualTo(5);
        assertThat(refused).as("the budget runs out").isNotNull();
        refused.then().statusCode(429)
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body("error.message", containsString("daily tenant budget"));

        Budget budget = new Budget(tenant.id(), Optional.empty(), Optional.empty(), BudgetPeriod.DAILY,
                ZoneId.of("UTC"), Money.ofDollars(LIMIT), List.of(50, 100));
        audit.flush();
        long audited = audit.query(new AuditQuery(Optional.of(tenant.id()), Optional.of(AuditEventType.GENERATE_CONTENT),
                        start.minus(1, ChronoUnit.MINUTES), Instant.now().plus(1, ChronoUnit.MINUTES), 10_000))
                .stream().map(AuditEvent::cost).mapToLong(Money::micros).sum();
        // settlements are written off the request path: the last ones may land a moment after their responses
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Money settled = store.settledSpend(budget.accountKey(Instant.now()));
        while (settled.micros() != audited && System.nanoTime() < deadline) {
            Thread.sleep(20);
            settled = store.settledSpend(budget.accountKey(Instant.now()));
        }
        assertThat(settled.compareTo(Money.ofDollars(LIMIT))).as("settled %s of %s", settled, LIMIT)
                .isLessThanOrEqualTo(0);
        assertThat(settled.compareTo(Money.ZERO)).isPositive();
        assertThat(settled.micros()).as("the ledger's total is what the audit log charged").isEqualTo(audited);
    }
}
