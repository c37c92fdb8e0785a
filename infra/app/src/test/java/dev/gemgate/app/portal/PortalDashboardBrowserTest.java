package dev.gemgate.app.portal;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard, the audit log and sign-out in a real headless Chromium, signed in through Keycloak's login page:
 * real calls through the google-genai SDK show up in the dashboard's figures and in the audit log filtered by their
 * tenant, the CSV export of that filter has the same events, signing out sends the next visit back to the login page,
 * and the dashboard fits a phone's 390 px.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalDashboardBrowserTest extends BrowserTest {
    @Inject
    CreateTenant createTenant;
    @Inject
    IssueApiKey issueApiKey;
    @Inject
    AuditLog auditLog;

    @Test
    void theDashboardAndTheAuditLogShowRealCallsAndSigningOutAsksForLoginAgain() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("dash-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "dashboard")).secret().reveal();

        signInThroughKeycloak(KeycloakTokens.ADMIN, "/admin/ui", "/admin/ui/dashboard");
        assertThat(browser.getCurrentUrl()).as("signing in lands on the dashboard").endsWith("/admin/ui/dashboard");
        assertThat(browser.findElement(By.id("emulator-banner")).getText()).contains("Emulated upstream");
        events(tenant.id()); // what other tests left in the audit writer is written before the first reading
        browser.navigate().refresh();
        long requestsBefore = count(figure("requests", "today"));
        BigDecimal spendBefore = dollars(figure("spend", "today"));

        generate(key);
        generate(key);
        List<AuditEvent> events = events(tenant.id());
        // no reload: the page refreshes its figures itself (htmx, from its webjar under the portal's CSP)
        String pageId = (String) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.dataset.probe = 'before-refresh';");
        new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(b -> {
            ((JavascriptExecutor) b).executeScript("htmx.trigger('#dashboard', 'refresh');");
            return count(figure("requests", "today")) - requestsBefore == 2;
        });
        assertThat(((JavascriptExecutor) browser).executeScript("return document.documentElement.dataset.probe;"))
                .as("the same page, not a reload").isEqualTo(pageId);
        PortalBrowser.screenshot("refreshed-by-htmx");

        assertThat(count(figure("requests", "today")) - requestsBefore).isEqualTo(2);
        assertThat(count(figure("requests", "month"))).isGreaterThanOrEqualTo(count(figure("requests", "today")));
        assertThat(dollars(figure("spend", "today"))).isGreaterThan(spendBefore);
        assertThat(figure("latency-p50", "today")).endsWith(" ms");
        assertThat(figure("error-rate", "today")).endsWith("%");
        assertThat(figure("cache-hit-rate", "month")).endsWith("%");
        assertThat(figure("saved", "month")).startsWith("$");
        assertThat(browser.findElements(By.cssSelector("#top-tenants a[href^='/admin/ui/tenant?id=']"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#upstream-credentials tbody tr"))).isNotEmpty();
        assertThat(browser.findElement(By.id("upstream-serving")).getText()).contains("can serve");

        // the audit log, filtered by the tenant through the form
        browser.findElement(By.linkText("Audit log")).click();
        WebElement tenantField = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.id("tenant")));
        tenantField.sendKeys(tenant.id().toString());
        browser.findElement(By.id("filter")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("tenant=" + tenant.id()));
        List<String> rows = browser.findElements(By.cssSelector("#audit-events tr.audit-event")).stream()
                .map(row -> row.getAttribute("data-id")).toList();
        assertThat(rows).isEqualTo(events.stream().map(e -> e.id().toString()).toList());
        assertThat(browser.findElement(By.id("audit-events")).getText()).contains("GENERATE_CONTENT")
                .contains("TENANT_CREATED").contains("API_KEY_ISSUED");

        // its CSV export, fetched with the browser's session
        String csvLink = browser.findElement(By.id("export-csv")).getAttribute("href");
        assertThat(csvLink).contains("/admin/ui/audit.csv?tenant=" + tenant.id());
        URI csvUri = URI.create(csvLink);
        HttpResponse<String> csv = getWithBrowserCookies(csvUri.getRawPath() + "?" + csvUri.getRawQuery());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
                "text/csv"));
        assertThat(csv.body()).startsWith("id,occurredAt,type,outcome,tenantId,").doesNotContain(key);
        assertThat(csv.body().lines().skip(1).map(line -> line.substring(0, 36)).toList()).isEqualTo(rows);

        // the dashboard on a phone: the header wraps, nothing is wider than the screen
        try {
            browser.manage().window().setSize(new Dimension(390, 844));
            browser.get(url("/admin/ui/dashboard"));
            PortalBrowser.screenshot("phone-390px");
            Number overflow = (Number) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - window.innerWidth;");
            assertThat(overflow.longValue()).as("horizontal overflow at 390 px").isLessThanOrEqualTo(0);
            assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.linkText("Audit log")).isDisplayed()).isTrue();
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }

        // sign out: the provider's session ends too, so the next visit asks for a login again
        browser.findElement(By.id("sign-out")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/admin/ui/login"));
        browser.get(url("/admin/ui/dashboard"));
        assertThat(browser.getCurrentUrl()).contains("/realms/" + KeycloakTokens.REALM
                + "/protocol/openid-connect/auth");
        assertThat(browser.findElement(By.id("kc-login")).isDisplayed()).isTrue();
    }

    private String figure(String id, String period) {
        return browser.findElement(By.cssSelector("#figure-" + id + " td." + period)).getText();
    }

    private static long count(String text) {
        return Long.parseLong(text.replace(",", ""));
    }

    private static BigDecimal dollars(String text) {
        assertThat(text).startsWith("$");
        return new BigDecimal(text.substring(1));
    }

    private void generate(String apiKey) {
        try (Client client = Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build()) {
            assertThat(client.models.generateContent("gemini-2.5-flash", "Hello from the dashboard test", null)
                    .text()).isNotBlank();
        }
    }

    /** The tenant's events newest first, once the audit writer has written what it holds. */
    private List<AuditEvent> events(TenantId tenant) {
        return auditLog.query(new AuditQuery(Optional.of(tenant), Optional.empty(), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(2)), 100));
    }
}
