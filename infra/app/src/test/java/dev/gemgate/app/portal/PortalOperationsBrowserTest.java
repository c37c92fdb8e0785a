package dev.gemgate.app.portal;

import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.pricing.ListPrices;
import dev.gemgate.application.pricing.PriceEntry;
import dev.gemgate.application.upstream.ChangeUpstreamCredential;
import dev.gemgate.application.upstream.DeleteUpstreamCredential;
import dev.gemgate.application.upstream.ListUpstreamCredentials;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PriceBook;
import dev.gemgate.domain.pricing.TokenRate;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.CredentialStatus;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal's operations pages in a real headless Chromium, signed in through Keycloak: the upstream credential pool
 * (add one pointing at the emulator, see its health, drain, disable, delete it; its secret never on a page, also after
 * a rejected form) and the pricing catalog (a scheduled price change listed beside the price in force; a bad price's
 * errors next to their fields); a viewer's pages carry no write controls and their forged posts get 403; both pages fit
 * a phone. Screenshots of every step land in target/portal-screenshots.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalOperationsBrowserTest extends BrowserTest {
    /** Credentials these tests add start with it; the shared app's pool must not keep any of them. */
    private static final String CREDENTIAL_PREFIX = "portal-ops-";
    private static final AdminActor CLEANUP = new AdminActor("portal-ops-test", "Portal ops test", "test",
            Optional.empty());

    @Inject
    ListUpstreamCredentials listCredentials;
    @Inject
    ChangeUpstreamCredential changeCredential;
    @Inject
    DeleteUpstreamCredential deleteCredential;
    @Inject
    ListPrices listPrices;
    @Inject
    PriceBook priceBook;
    @Inject
    AuditLog auditLog;

    /** Takes any credential a failed test left out of the shared pool: the other test classes use the same app. */
    @AfterEach
    void removeAddedCredentials() {
        browser.manage().window().setSize(new Dimension(1280, 900));
        for (CredentialEntry entry : listCredentials.execute()) {
            if (entry.source() == CredentialSource.ADMIN && entry.id().value().startsWith(CREDENTIAL_PREFIX)) {
                changeCredential.execute(new ChangeUpstreamCredential.Command(entry.id(),
                        Optional.of(CredentialStatus.DISABLED), Optional.empty(), CLEANUP));
                deleteCredential.execute(new DeleteUpstreamCredential.Command(entry.id(), CLEANUP));
            }
        }
    }

    @Test
    void anAdminAddsAnUpstreamCredentialSeesItsHealthDrainsDisablesAndDeletesIt() {
        String id = CREDENTIAL_PREFIX + UUID.randomUUID().toString().substring(0, 8);
        String secret = "AIzaSyPortalOps" + UUID.randomUUID().toString().replace("-", "");
        signInThroughKeycloak(KeycloakTokens.ADMIN, "/admin/ui/upstreams");
        assertThat(browser.findElement(By.id("pool-health")).getText()).contains("can serve");

        // a rejected form: the errors next to their fields, the secret neither in the field nor anywhere on the page
        browser.findElement(By.id("id")).sendKeys("not an id");
        browser.findElement(By.id("apiKey")).sendKeys(secret);
        browser.findElement(By.id("weight")).clear();
        browser.findElement(By.id("weight")).sendKeys("heavy");
        browser.findElement(By.id("add")).click();
        assertThat(visible("id-error").getText()).contains("letters, digits");
        assertThat(browser.findElement(By.id("weight-error")).getText()).contains("whole number from 1 to 1000");
        assertThat(browser.findElement(By.id("id")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("id")).getAttribute("aria-describedby")).isEqualTo("id-error");
        assertThat(browser.findElement(By.id("id")).getAttribute("value")).isEqualTo("not an id");
        assertThat(browser.findElement(By.id("apiKey")).getAttribute("value")).isEmpty();
        assertThat(browser.findElement(By.id("secret-not-kept")).getText()).contains("type it again");
        assertThat(browser.getPageSource()).doesNotContain(secret);

        browser.findElement(By.id("id")).clear();
        browser.findElement(By.id("id")).sendKeys(id);
        browser.findElement(By.id("apiKey")).sendKeys(secret);
        browser.findElement(By.id("weight")).clear();
        browser.findElement(By.id("weight")).sendKeys("1");
        browser.findElement(By.id("baseUrl")).sendKeys(GatewayTestResources.emulator().baseUrl());
        browser.findElement(By.id("add")).click();
        notice("upstreams-notice", "Upstream credential " + id + " is now ACTIVE.");
        WebElement row = row(id);
        assertThat(row.getAttribute("data-status")).isEqualTo("ACTIVE");
        assertThat(row.findElement(By.cssSelector(".health")).getText()).isEqualTo("Serving");
        assertThat(row.findElement(By.cssSelector(".in-flight")).getText()).isEqualTo("0");
        assertThat(row.findElement(By.cssSelector(".circuits")).getText()).isEqualTo("no calls yet");
        assertThat(row.getText()).contains(GatewayTestResources.emulator().baseUrl()).contains("added here");
        assertThat(browser.getPageSource()).doesNotContain(secret);

        row.findElement(By.cssSelector("button.drain")).click();
        notice("upstreams-notice", id + " is now DRAINING.");
        assertThat(row(id).getAttribute("data-status")).isEqualTo("DRAINING");
        assertThat(row(id).findElement(By.cssSelector(".health")).getText()).isEqualTo("Drained: no calls in flight");
        assertThat(row(id).findElements(By.cssSelector("a.delete"))).as("only a disabled credential is deleted")
                .isEmpty();

        row(id).findElement(By.cssSelector("button.disable")).click();
        notice("upstreams-notice", id + " is now DISABLED.");
        assertThat(row(id).getAttribute("data-status")).isEqualTo("DISABLED");
        assertThat(row(id).findElement(By.cssSelector(".health")).getText()).isEqualTo("Not used (disabled)");

        // deleting asks first, on a page of its own: no script needed
        row(id).findElement(By.cssSelector("a.delete")).click();
        assertThat(visible("confirm-delete").getText()).contains("Delete " + id + "?");
        browser.findElement(By.id("confirm-delete-button")).click();
        notice("upstreams-notice", "Upstream credential " + id + " deleted.");
        assertThat(browser.findElements(By.cssSelector("tr[data-credential='" + id + "']"))).isEmpty();
        assertThat(listCredentials.execute()).noneMatch(e -> e.id().value().equals(id));

        assertThat(auditLog.query(new AuditQuery(Optional.empty(), Optional.empty(), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(2)), 10_000)))
                .filteredOn(e -> e.admin().map(a -> a.target().equals("upstream-credential:" + id)).orElse(false))
                .hasSize(4)
                .allSatisfy(e -> {
                    assertThat(e.admin().orElseThrow().actorName()).isEqualTo("Alice Admin");
                    assertThat(e.detail() + e.admin().orElseThrow().before().orElse("")
                            + e.admin().orElseThrow().after().orElse("")).doesNotContain(secret);
                });
    }

    @Test
    void anAdminSchedulesAPriceChangeBesideThePriceInForceAndABadPriceShowsItsErrorsNextToTheFields() {
        String model = "portal-ops-" + UUID.randomUUID().toString().substring(0, 8);
        // the price in force is a fixture: the form only takes dates from now on, a moment it cannot hit exactly
        priceBook.add(new ModelPrice(ModelId.parse(model), Instant.parse("2026-01-01T00:00:00Z"),
                TokenRate.dollarsPerMillion("1.25"), TokenRate.dollarsPerMillion("10.00"),
                TokenRate.dollarsPerMillion("0.31"), Optional.empty()));
        signInThroughKeycloak(KeycloakTokens.ADMIN, "/admin/ui/pricing");

        browser.get(url("/admin/ui/pricing?model=" + model));
        WebElement current = browser.findElement(By.cssSelector("tr[data-model='" + model + "']"));
        assertThat(current.getAttribute("data-state")).isEqualTo("IN_FORCE");
        current.findElement(By.cssSelector("a.schedule")).click();
        assertThat(browser.findElement(By.id("price-model")).getAttribute("value")).isEqualTo(model);
        assertThat(browser.findElement(By.id("output")).getAttribute("value")).isEqualTo("10.00");

        browser.findElement(By.id("effectiveFrom")).sendKeys("next Tuesday");
        replace("input", "1,50");
        browser.findElement(By.id("add-price-button")).click();
        assertThat(visible("effectiveFrom-error").getText()).contains("2027-01-01T09:00:00Z");
        assertThat(browser.findElement(By.id("input-error")).getText()).contains("non-negative amount of US dollars");
        assertThat(browser.findElement(By.id("input")).getAttribute("aria-describedby")).isEqualTo("input-error");
        assertThat(browser.findElement(By.id("input")).getAttribute("value")).isEqualTo("1,50");
        assertThat(browser.findElements(By.cssSelector(".field-error"))).hasSize(2);

        String from = LocalDate.now(ZoneOffset.UTC).plusYears(3).withDayOfMonth(1).toString();
        replace("effectiveFrom", from);
        replace("input", "1.50");
        browser.findElement(By.id("add-price-button")).click();
        notice("pricing-notice", "Price of " + model + " added.");
        List<WebElement> rows = browser.findElements(By.cssSelector("tr[data-model='" + model + "']"));
        assertThat(rows).extracting(r -> r.getAttribute("data-state")).containsExactly("IN_FORCE", "SCHEDULED");
        assertThat(rows.get(0).getText()).contains("In force").contains("1.25");
        assertThat(rows.get(0).findElement(By.cssSelector(".until")).getText()).isEqualTo(from);
        assertThat(rows.get(1).getText()).contains("Scheduled");
        assertThat(rows.get(1).findElement(By.cssSelector(".from time")).getAttribute("datetime"))
                .isEqualTo(from + "T00:00:00Z");
        assertThat(rows.get(1).findElement(By.cssSelector(".input")).getText()).isEqualTo("1.50");
        assertThat(rows.get(1).findElement(By.cssSelector(".output")).getText()).isEqualTo("10.00");
        assertThat(listPrices.execute()).filteredOn(e -> e.price().model().value().equals(model))
                .extracting(PriceEntry::state).containsExactly(PriceEntry.State.IN_FORCE, PriceEntry.State.SCHEDULED);
    }

    @Test
    void aViewerSeesNoWriteControlsAndForgedPostsAreRefused() throws Exception {
        signInThroughKeycloak(KeycloakTokens.VIEWER, "/admin/ui/upstreams");
        assertThat(browser.findElement(By.cssSelector(".who")).getText()).contains("read only");
        assertThat(browser.findElements(By.cssSelector("#credentials tbody tr"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("form[method=post]:not(.sign-out)"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("button:not(#sign-out)"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("a.delete"))).isEmpty();
        String configured = browser.findElement(By.cssSelector("#credentials tbody tr")).getAttribute("data-credential");

        String forgedId = CREDENTIAL_PREFIX + "forged-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(postWithBrowserCookies("/admin/ui/upstreams", "id=" + forgedId
                + "&mode=GEMINI_API_KEY&apiKey=AIzaSyForged&weight=1").statusCode()).isEqualTo(403);
        assertThat(postWithBrowserCookies("/admin/ui/upstreams/status", "id=" + configured + "&status=DISABLED")
                .statusCode()).isEqualTo(403);
        assertThat(postWithBrowserCookies("/admin/ui/upstreams/delete", "id=" + configured).statusCode())
                .isEqualTo(403);
        assertThat(listCredentials.execute()).noneMatch(e -> e.id().value().equals(forgedId))
                .allMatch(e -> !e.id().value().equals(configured) || e.status() == CredentialStatus.ACTIVE);

        browser.get(url("/admin/ui/pricing"));
        assertThat(browser.findElements(By.cssSelector("#prices tbody tr[data-state=IN_FORCE]"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("form[method=post]:not(.sign-out)"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("a.schedule"))).isEmpty();
        String forgedModel = "portal-ops-forged-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> forged = postWithBrowserCookies("/admin/ui/pricing", "model=" + forgedModel
                + "&effectiveFrom=2099-01-01&input=1&output=1&cachedInput=1");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(listPrices.execute()).noneMatch(e -> e.price().model().value().equals(forgedModel));
    }

    @Test
    void bothPagesFitAPhoneTheirTablesScrollingInsideTheirWrappers() {
        signInThroughKeycloak(KeycloakTokens.ADMIN, "/admin/ui/upstreams");
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("/admin/ui/upstreams", "/admin/ui/pricing")) {
            browser.get(url(page));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            long viewport = (Long) js.executeScript("return document.documentElement.clientWidth;");
            long pageWidth = (Long) js.executeScript("return document.documentElement.scrollWidth;");
            assertThat(pageWidth).as(page + " is no wider than the phone").isLessThanOrEqualTo(viewport);
            WebElement wrapper = browser.findElement(By.cssSelector(".table-scroll"));
            long inner = (Long) js.executeScript("return arguments[0].scrollWidth;", wrapper);
            long outer = (Long) js.executeScript("return arguments[0].clientWidth;", wrapper);
            assertThat(inner).as(page + "'s table scrolls inside its wrapper").isGreaterThan(outer);
        }
    }

    private WebElement visible(String id) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void notice(String id, String text) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
    }

    private WebElement row(String credential) {
        return browser.findElement(By.cssSelector("tr[data-credential='" + credential + "']"));
    }

    private void replace(String field, String value) {
        WebElement input = browser.findElement(By.id(field));
        input.clear();
        input.sendKeys(value);
    }
}
