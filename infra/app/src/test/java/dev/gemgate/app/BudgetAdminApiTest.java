package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetRepository;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.budget.BudgetSource;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.budget.SpendingPolicySource;
import dev.gemgate.domain.budget.StoredBudget;
import dev.gemgate.domain.budget.StoredBudgetSource;
import dev.gemgate.domain.budget.StoredSpendingPolicySource;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.emulator.GeminiEmulator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Budgets and spending policies through the admin API (a real Keycloak admin token), on the boot of
 * {@link BudgetedGatewayTest} (each tenant's configured default: 0.002 USD a day in UTC; budgets reread every 250 ms):
 * a stored tenant budget replaces the default at once and is enforced by the Gemini surface before anything goes
 * upstream, removing it restores the default, every change is audited with before and after, bad bodies are one 400
 * naming every bad field, and a row another replica wrote is in force here within the refresh period.
 */
@QuarkusTest
@TestProfile(BudgetedGatewayTest.Budgets.class)
@WithTestResource(GatewayTestResources.class)
class BudgetAdminApiTest {
    private static final String TENANTS = "/admin/api/v1/tenants";
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":100}}";
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String BUDGET_VIOLATION =
            "error.details.find { it.'@type'.endsWith('QuotaFailure') }.violations[0]";

    @Inject
    AuditLog auditLog;

    @Inject
    BudgetSource budgetSource;

    @Inject
    SpendingPolicySource spendingPolicySource;

    @Inject
    BudgetRepository repository;

    private final GeminiEmulator emulator = GatewayTestResources.emulator();

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                .contentType(ContentType.JSON);
    }

    private static RequestSpecification viewer() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.VIEWER))
                .contentType(ContentType.JSON);
    }

    private static String createTenant() {
        return admin().body("{\"name\":\"budgets-" + UUID.randomUUID() + "\"}").post(TENANTS).then()
                .statusCode(201).extract().path("id");
    }

    /** Issues a key; returns its id and secret. */
    private static String[] issueKey(String tenant) {
        Response issued = admin().body("{\"name\":\"app\"}").post(TENANTS + "/" + tenant + "/keys");
        issued.then().statusCode(201);
        return new String[] {issued.path("key.id"), issued.path("secret")};
    }

    private static Response generate(String secret) {
        return given().header("x-goog-api-key", secret).contentType(ContentType.JSON).body(HELLO).post(GENERATE);
    }

    private long generateCalls() {
        return emulator.recordedRequests().stream().filter(r -> r.path().endsWith(":generateContent")).count();
    }

    private List<AuditEvent> audited(String tenant, AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(new TenantId(UUID.fromString(tenant))), Optional.of(type),
                Instant.EPOCH, Instant.now().plus(Duration.ofDays(1)), 100));
    }

    /** Generates until refused (at most 100 requests); asserts the refusal reached no upstream and returns it. */
    private Response spend(String secret) {
        for (int i = 0; i < 100; i++) {
            long before = generateCalls();
            Response response = generate(secret);
            if (response.statusCode() != 200) {
                assertThat(generateCalls()).as("a refused request never reaches the upstream").isEqualTo(before);
                return response;
            }
        }
        throw new AssertionError("the budget never ran out");
    }

    @Test
    void theSourcesOfTheRequestPathAreTheStoredOnes() {
        assertThat(budgetSource).isInstanceOf(StoredBudgetSource.class);
        assertThat(spendingPolicySource).isInstanceOf(StoredSpendingPolicySource.class);
    }

    @Test
    void aTenantBudgetSetThroughTheAdminApiIsEnforcedAtOnceAndRemovingItRestoresTheDefault() {
        String tenant = createTenant();
        String[] key = issueKey(tenant);
        String budgets = TENANTS + "/" + tenant + "/budgets";
        admin().get(budgets).then().statusCode(200).body("budgets.size()", equalTo(0));

        Response created = admin().body("{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"zone\":\"Europe/Paris\","
                + "\"limitUsd\":\"0.001\",\"alertPercents\":[50,80,100]}").post(budgets);
        created.then().statusCode(201)
                .header("Location", containsString(budgets + "/"))
                .body("tenantId", equalTo(tenant))
                .body("scope", equalTo("TENANT"))
                .body("apiKeyId", nullValue())
                .body("endUser", nullValue())
                .body("period", equalTo("DAILY"))
                .body("zone", equalTo("Europe/Paris"))
                .body("limitUsd", equalTo("0.001"))
                .body("alertPercents", equalTo(List.of(50, 80, 100)));
        String id = created.path("id");
        viewer().get(budgets + "/" + id).then().statusCode(200).body("limitUsd", equalTo("0.001"));
        admin().get(budgets).then().statusCode(200).body("budgets.id", equalTo(List.of(id)));

        Response refused = spend(key[1]);
        refused.then().statusCode(429)
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body(BUDGET_VIOLATION + ".subject", equalTo("budget"))
                .body(BUDGET_VIOLATION + ".quotaId", equalTo("daily tenant budget"));
        String message = refused.path("error.message");
        assertThat(message.split("daily tenant budget", -1)).as("the budget is named once: %s", message).hasSize(2);
        assertThat(message).contains("$0.001000").as("the stored limit, not the configured 0.002");

        admin().delete(budgets + "/" + id).then().statusCode(204);
        admin().get(budgets + "/" + id).then().statusCode(404).contentType(startsWith("application/problem+json"));
        // the configured default (0.002 a day in UTC, another account) applies again at once
        generate(key[1]).then().statusCode(200);
        assertThat(budgetSource.applicableTo(new TenantId(UUID.fromString(tenant)), Optional.empty(),
                Optional.empty())).extracting(b -> b.period() + " " + b.zone() + " " + b.limit())
                .containsExactly("DAILY Z $0.002000");

        String actor = KeycloakTokens.claims(KeycloakTokens.accessToken(KeycloakTokens.ADMIN)).get("sub").asText();
        List<AuditEvent> sets = audited(tenant, AuditEventType.BUDGET_SET);
        assertThat(sets).hasSize(1).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo(actor);
            assertThat(e.admin().orElseThrow().target()).isEqualTo("budget:" + id);
            assertThat(e.admin().orElseThrow().before()).isEmpty();
            assertThat(e.admin().orElseThrow().after().orElseThrow()).contains("\"limitUsd\":\"0.001\"")
                    .contains("\"zone\":\"Europe/Paris\"");
        });
        List<AuditEvent> removals = audited(tenant, AuditEventType.BUDGET_REMOVED);
        assertThat(removals).hasSize(1).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo(actor);
            assertThat(e.admin().orElseThrow().before().orElseThrow()).contains("\"limitUsd\":\"0.001\"");
            assertThat(e.admin().orElseThrow().after()).isEmpty();
        });
    }

    @Test
    void keyAndEndUserBudgetsAreSetReplacedAndTheirSlotIsUnique() {
        String tenant = createTenant();
        String[] key = issueKey(tenant);
        String budgets = TENANTS + "/" + tenant + "/budgets";
        String ofKey = admin().body("{\"scope\":\"API_KEY\",\"apiKeyId\":\"" + key[0] + "\",\"period\":\"WEEKLY\","
                + "\"limitUsd\":\"5\"}").post(budgets).then().statusCode(201)
                .body("apiKeyId", equalTo(key[0])).body("zone", equalTo("Z")).extract().path("id");
        admin().body("{\"scope\":\"END_USER\",\"endUser\":\"*\",\"period\":\"DAILY\",\"limitUsd\":\"0.5\"}")
                .post(budgets).then().statusCode(201).body("endUser", equalTo("*"));
        admin().body("{\"scope\":\"END_USER\",\"endUser\":\"*\",\"period\":\"DAILY\",\"limitUsd\":\"0.7\"}")
                .post(budgets).then().statusCode(409).contentType(startsWith("application/problem+json"));

        admin().body("{\"scope\":\"API_KEY\",\"apiKeyId\":\"" + key[0] + "\",\"period\":\"WEEKLY\","
                + "\"limitUsd\":\"7.25\",\"alertPercents\":[90]}").put(budgets + "/" + ofKey).then().statusCode(200)
                .body("id", equalTo(ofKey)).body("limitUsd", equalTo("7.25"));
        TenantId id = new TenantId(UUID.fromString(tenant));
        List<Budget> inForce = budgetSource.applicableTo(id,
                Optional.of(new dev.gemgate.domain.tenant.ApiKeyId(UUID.fromString(key[0]))), Optional.of("bob"));
        assertThat(inForce).extracting(b -> b.scope() + " " + b.limit()).containsExactly(
                "TENANT $0.002000", "API_KEY $7.250000", "END_USER $0.500000");
        assertThat(inForce.get(2).endUser()).contains("bob");

        List<AuditEvent> sets = audited(tenant, AuditEventType.BUDGET_SET);
        assertThat(sets).hasSize(3).anySatisfy(e -> {
            assertThat(e.apiKey().orElseThrow().toString()).isEqualTo(key[0]);
            assertThat(e.admin().orElseThrow().before().orElseThrow()).contains("\"limitUsd\":\"5\"");
            assertThat(e.admin().orElseThrow().after().orElseThrow()).contains("\"limitUsd\":\"7.25\"");
        });
    }

    @Test
    void badBodiesAreOneProblemNamingEveryBadFieldAndChangeNothing() {
        String tenant = createTenant();
        String other = createTenant();
        String[] othersKey = issueKey(other);
        String budgets = TENANTS + "/" + tenant + "/budgets";

        badRequest(budgets, "{\"scope\":\"TENANT\",\"period\":\"HOURLY\",\"limitUsd\":\"1\"}", "period");
        badRequest(budgets, "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"zone\":\"Mars/Olympus\","
                + "\"limitUsd\":\"1\"}", "zone");
        badRequest(budgets, "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"0\"}", "limitUsd");
        badRequest(budgets, "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"-3\"}", "limitUsd");
        badRequest(budgets, "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"0.0000001\"}", "limitUsd");
        badRequest(budgets, "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"1\",\"colour\":1}", "colour");
        badRequest(budgets, "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"1\","
                + "\"alertPercents\":[80,50]}", "alertPercents");
        badRequest(budgets, "{\"scope\":\"API_KEY\",\"apiKeyId\":\"" + UUID.randomUUID() + "\","
                + "\"period\":\"DAILY\",\"limitUsd\":\"1\"}", "apiKeyId");
        badRequest(budgets, "{\"scope\":\"API_KEY\",\"apiKeyId\":\"" + othersKey[0] + "\","
                + "\"period\":\"DAILY\",\"limitUsd\":\"1\"}", "apiKeyId");
        badRequest(budgets, "{\"scope\":\"END_USER\",\"endUser\":\"" + "u".repeat(129) + "\","
                + "\"period\":\"DAILY\",\"limitUsd\":\"1\"}", "endUser");

        admin().body("{\"scope\":\"TENANT\",\"period\":\"HOURLY\",\"zone\":\"Mars/Olympus\",\"limitUsd\":\"1.0000001\","
                        + "\"alertPercents\":[100,50],\"colour\":\"red\"}").post(budgets).then()
                .statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors.size()", equalTo(5))
                .body("errors.field", hasItems("period", "zone", "limitUsd", "alertPercents", "colour"))
                .body("errors.find { it.field == 'limitUsd' }.message", containsString("6 decimals"));

        admin().get(budgets).then().statusCode(200).body("budgets.size()", equalTo(0));
        assertThat(audited(tenant, AuditEventType.BUDGET_SET)).isEmpty();

        admin().body("{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"1\"}")
                .post(TENANTS + "/" + UUID.randomUUID() + "/budgets").then().statusCode(404);
        admin().get(budgets + "/" + UUID.randomUUID()).then().statusCode(404);
        admin().delete(budgets + "/not-an-id").then().statusCode(404);
        viewer().body("{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limitUsd\":\"1\"}").post(budgets).then()
                .statusCode(403);
    }

    private static void badRequest(String path, String body, String field) {
        admin().body(body).post(path).then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("errors.size()", equalTo(1))
                .body("errors[0].field", equalTo(field));
    }

    @Test
    void aBudgetAnotherReplicaWroteIsInForceHereWithinTheRefreshPeriod() throws InterruptedException {
        String tenant = createTenant();
        String[] key = issueKey(tenant);
        TenantId id = new TenantId(UUID.fromString(tenant));
        // another replica's change: in the shared database, not through this instance's admin API
        StoredBudget tiny = new StoredBudget(new BudgetId(UUID.randomUUID()), new Budget(id, Optional.empty(),
                Optional.empty(), BudgetPeriod.LIFETIME, ZoneOffset.UTC, Money.ofMicros(1), List.of()), Instant.now(),
                Instant.now());
        repository.save(tiny);

        long changedAt = System.nanoTime();
        while (budgetSource.applicableTo(id, Optional.empty(), Optional.empty()).stream()
                .noneMatch(b -> b.period() == BudgetPeriod.LIFETIME)) {
            assertThat(Duration.ofNanos(System.nanoTime() - changedAt))
                    .as("in force within the refresh period (250 ms here) and a margin")
                    .isLessThan(Duration.ofSeconds(5));
            Thread.sleep(20);
        }
        long before = generateCalls();
        generate(key[1]).then().statusCode(429).body(BUDGET_VIOLATION + ".quotaId", equalTo("lifetime tenant budget"));
        assertThat(generateCalls()).isEqualTo(before);

        repository.remove(id, tiny.id());
        changedAt = System.nanoTime();
        while (budgetSource.applicableTo(id, Optional.empty(), Optional.empty()).stream()
                .anyMatch(b -> b.period() == BudgetPeriod.LIFETIME)) {
            assertThat(Duration.ofNanos(System.nanoTime() - changedAt)).isLessThan(Duration.ofSeconds(5));
            Thread.sleep(20);
        }
        generate(key[1]).then().statusCode(200);
        assertThat(budgetSource.applicableTo(id, Optional.empty(), Optional.empty())).extracting(Budget::scope)
                .containsExactly(BudgetScope.TENANT);
    }

    @Test
    void theSpendingPolicyIsSetAuditedAndInForceAtOnce() {
        String tenant = createTenant();
        String policy = TENANTS + "/" + tenant + "/spending-policy";
        TenantId id = new TenantId(UUID.fromString(tenant));
        viewer().get(policy).then().statusCode(200)
                .body("forwardedOutputCap", nullValue()).body("refuseUnmeasuredMedia", equalTo(false));

        admin().body("{\"forwardedOutputCap\":8192,\"refuseUnmeasuredMedia\":true}").put(policy).then()
                .statusCode(200).body("forwardedOutputCap", equalTo(8192)).body("refuseUnmeasuredMedia", equalTo(true));
        assertThat(spendingPolicySource.of(id)).isEqualTo(new SpendingPolicy(OptionalLong.of(8192), true));
        admin().get(policy).then().statusCode(200).body("forwardedOutputCap", equalTo(8192));

        admin().body("{\"forwardedOutputCap\":0,\"refuseUnmeasuredMedia\":\"yes\",\"cap\":1}").put(policy).then()
                .statusCode(400).body("errors.field", hasItems("forwardedOutputCap", "refuseUnmeasuredMedia", "cap"));
        viewer().body("{}").put(policy).then().statusCode(403);
        admin().body("{}").put(TENANTS + "/" + UUID.randomUUID() + "/spending-policy").then().statusCode(404);

        admin().body("{}").put(policy).then().statusCode(200).body("forwardedOutputCap", nullValue());
        assertThat(spendingPolicySource.of(id)).isEqualTo(SpendingPolicy.DEFAULT);
        List<AuditEvent> changes = audited(tenant, AuditEventType.SPENDING_POLICY_CHANGED);
        assertThat(changes).hasSize(2).anySatisfy(e -> {
            assertThat(e.admin().orElseThrow().before().orElseThrow())
                    .isEqualTo("{\"forwardedOutputCap\":null,\"refuseUnmeasuredMedia\":false}");
            assertThat(e.admin().orElseThrow().after().orElseThrow())
                    .isEqualTo("{\"forwardedOutputCap\":8192,\"refuseUnmeasuredMedia\":true}");
        });
    }
}
