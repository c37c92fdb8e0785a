package dev.gemgate.app;

import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.pricing.TokenRate;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The price catalog on the admin API with a real OIDC admin token: a future price is added, served by the catalog
 * from its date on and audited; a price from the past and a second price for the same model and date are refused in
 * the problem format; the list shows every price with its effective dates.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class AdminPricesApiTest {
    private static final String PRICES = "/admin/api/v1/prices";

    @Inject
    PricingCatalog catalog;

    @Inject
    AuditLog auditLog;

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + KeycloakTokens.accessToken(KeycloakTokens.ADMIN))
                .contentType(ContentType.JSON);
    }

    private static String price(String model, String from, String input, String output) {
        return """
                {"model":"%s","effectiveFrom":"%s","input":"%s","output":"%s","cachedInput":"0.20",
                 "longPromptTier":{"thresholdTokens":200000,"input":"8.00","output":"30.00","cachedInput":"0.40"},
                 "batchDiscount":"0.5","cacheStoragePerHour":"4.50"}""".formatted(model, from, input, output);
    }

    @Test
    void aFuturePriceIsAddedListedWithItsDatesServedFromItsDateAndAudited() {
        String model = "gemini-test-" + UUID.randomUUID().toString().substring(0, 8);
        String first = "2099-01-01T00:00:00Z";
        String second = "2099-06-01T00:00:00Z";

        admin().body(price(model, first, "4.00", "20.00")).post(PRICES).then().statusCode(201)
                .body("model", equalTo(model)).body("effectiveFrom", equalTo(first))
                .body("state", equalTo("SCHEDULED")).body("input", equalTo("4.00"))
                .body("longPromptTier.thresholdTokens", equalTo(200000))
                .body("longPromptTier.cachedInput", equalTo("0.40")).body("cacheStoragePerHour", equalTo("4.50"))
                .body("batchDiscount", equalTo("0.5")).body("audioInput", nullValue());
        admin().body(price(model, second, "5.00", "25.00")).post(PRICES).then().statusCode(201);

        admin().get(PRICES).then().statusCode(200)
                .body("prices.findAll { it.model == '" + model + "' }.effectiveFrom", contains(first, second))
                .body("prices.findAll { it.model == '" + model + "' }.effectiveUntil", contains(second, null))
                .body("prices.findAll { it.model == '" + model + "' }.input", contains("4.00", "5.00"))
                .body("prices.findAll { it.model == 'gemini-4-argon' }.effectiveFrom",
                        hasItem("2026-12-01T00:00:00Z"));

        ModelId id = ModelId.parse(model);
        assertThat(catalog.priceAt(id, Instant.parse("2098-12-31T23:59:59Z"))).as("not priced before its date")
                .isEmpty();
        assertThat(catalog.priceAt(id, Instant.parse("2099-03-01T00:00:00Z")).orElseThrow().input())
                .isEqualTo(TokenRate.dollarsPerMillion("4.00"));
        assertThat(catalog.priceAt(id, Instant.parse("2099-06-01T00:00:00Z")).orElseThrow().input())
                .isEqualTo(TokenRate.dollarsPerMillion("5.00"));

        List<AuditEvent> added = auditLog.query(new AuditQuery(Optional.empty(),
                Optional.of(AuditEventType.MODEL_PRICE_ADDED), Instant.EPOCH, Instant.now().plusSeconds(3600), 1000));
        assertThat(added).filteredOn(e -> e.admin().orElseThrow().target().startsWith("model-price:" + model + "@"))
                .hasSize(2).allSatisfy(e -> assertThat(e.actor()).isEqualTo(KeycloakTokens.claims(
                        KeycloakTokens.accessToken(KeycloakTokens.ADMIN)).get("sub").asText()));
    }

    @Test
    void aPriceFromThePastOrForADateThatAlreadyHasOneIsRefusedAndNothingChanges() {
        admin().body(price("gemini-4-argon", "2026-01-01T00:00:00Z", "1.00", "1.00")).post(PRICES).then()
                .statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors[0].field", equalTo("effectiveFrom"));
        String model = "gemini-test-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(price(model, "2099-01-01T00:00:00Z", "4.00", "20.00")).post(PRICES).then().statusCode(201);
        admin().body(price(model, "2099-01-01T00:00:00Z", "9.00", "90.00")).post(PRICES).then().statusCode(409)
                .contentType(startsWith("application/problem+json")).body("title", equalTo("Conflict"));
        admin().body("{\"model\":\"" + model + "\",\"effectiveFrom\":\"tomorrow\",\"input\":\"-1\",\"output\":\"x\"}")
                .post(PRICES).then().statusCode(400).contentType(startsWith("application/problem+json"))
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("effectiveFrom", "input", "output",
                        "cachedInput"));

        assertThat(catalog.priceAt(ModelId.parse("gemini-4-argon"), Instant.parse("2026-06-01T00:00:00Z"))
                .orElseThrow().input()).isEqualTo(TokenRate.dollarsPerMillion("2.00"));
        assertThat(catalog.priceAt(ModelId.parse(model), Instant.parse("2099-02-01T00:00:00Z")).orElseThrow()
                .input()).isEqualTo(TokenRate.dollarsPerMillion("4.00"));
        given().get(PRICES).then().statusCode(401);
    }
}
