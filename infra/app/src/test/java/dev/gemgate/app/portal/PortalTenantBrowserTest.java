package dev.gemgate.app.portal;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.GetTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantStatus;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tenant pages in headless Chromium, signed in through Keycloak: a tenant's edit (and its errors next to the
 * fields), suspension and resumption seen through the google-genai SDK, deletion through its confirmation, key scopes
 * seen through the SDK, the tenant's recent audit events, and the keys table on a phone's width.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalTenantBrowserTest extends BrowserTest {
    @Inject
    CreateTenant createTenant;
    @Inject
    IssueApiKey issueApiKey;
    @Inject
    GetTenant getTenant;
    @Inject
    ListApiKeys listApiKeys;

    @Test
    void anAdminEditsSuspendsResumesAndDeletesATenant() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("lifecycle-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "app")).secret().reveal();
        signInThroughKeycloak(KeycloakTokens.ADMIN);
        browser.get(url("/admin/ui/tenant?id=" + tenant.id()));

        assertThat(browser.findElement(By.id("limits-link")).getAttribute("href"))
                .endsWith("/admin/ui/tenant/limits?id=" + tenant.id());
        assertThat(browser.findElement(By.id("usage-link")).getAttribute("href"))
                .endsWith("/admin/ui/tenant/usage?id=" + tenant.id());
        assertThat(browser.findElement(By.id("all-events")).getAttribute("href"))
                .endsWith("/admin/ui/audit?tenant=" + tenant.id());

        // bad input: each error next to its own field, the typed text kept
        type("displayName", "   ");
        type("metadata", "cost-centre");
        browser.findElement(By.id("save-tenant")).click();
        assertThat(fieldError("displayName")).contains("1 to 200 characters");
        assertThat(fieldError("metadata")).contains("line 1 is not key=value");
        assertThat(browser.findElement(By.id("metadata")).getAttribute("value")).isEqualTo("cost-centre");
        assertThat(getTenant.execute(new GetTenant.Query(tenant.id())).displayName()).isEqualTo(tenant.name());

        type("displayName", "Lifecycle Ltd");
        type("contact", "ops@example.com");
        type("metadata", "cost-centre=4711");
        browser.findElement(By.id("save-tenant")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("tenant-display-name"),
                "Lifecycle Ltd"));
        assertThat(browser.findElement(By.id("tenant-contact")).getText()).isEqualTo("ops@example.com");
        assertThat(browser.findElement(By.id("tenant-metadata")).getText()).isEqualTo("cost-centre = 4711");

        browser.findElement(By.id("suspend")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("tenant-status"), "SUSPENDED"));
        assertThatThrownBy(() -> generate(key, "gemini-2.5-flash")).as("a suspended tenant's key")
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("suspended");
                });

        browser.findElement(By.id("resume")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("tenant-status"), "ACTIVE"));
        assertThat(generate(key, "gemini-2.5-flash")).isNotBlank();

        browser.navigate().refresh();
        assertThat(recentEvents()).contains("TENANT_UPDATED by Alice Admin", "TENANT_SUSPENDED by Alice Admin",
                "TENANT_RESUMED by Alice Admin");

        // deletion: only once the tenant's name is typed
        type("confirmName", "not-" + tenant.name());
        browser.findElement(By.id("delete")).click();
        assertThat(fieldError("confirmName")).contains(tenant.name());
        assertThat(getTenant.execute(new GetTenant.Query(tenant.id())).status()).isEqualTo(TenantStatus.ACTIVE);

        type("confirmName", tenant.name());
        browser.findElement(By.id("delete")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/admin/ui/tenants?deleted="));
        assertThat(browser.findElement(By.id("deleted-notice")).getText()).contains(tenant.name());
        assertThatThrownBy(() -> getTenant.execute(new GetTenant.Query(tenant.id())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> generate(key, "gemini-2.5-flash")).as("a deleted tenant's key")
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));

        browser.get(url("/admin/ui/tenant?id=" + tenant.id()));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
        HttpResponse<String> gone = getWithBrowserCookies("/admin/ui/tenant?id=" + tenant.id());
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).contains("does not exist").doesNotContain("Exception");
    }

    @Test
    void anAdminIssuesAScopedKeyAndChangesItsScopes() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("scoped-" + UUID.randomUUID()));
        signInThroughKeycloak(KeycloakTokens.ADMIN);
        browser.get(url("/admin/ui/tenant?id=" + tenant.id()));

        type("label", "scoped");
        type("models", "Gemini Flash");
        type("addresses", "10.0.0.0/33");
        browser.findElement(By.id("issue")).click();
        assertThat(fieldError("models")).contains("'Gemini' is not a model name");
        assertThat(fieldError("addresses")).contains("prefix length outside 0 to 32");
        assertThat(browser.findElements(By.id("label-error"))).isEmpty();

        type("models", "gemini-2.5-flash");
        type("addresses", "");
        browser.findElement(By.cssSelector("#issue-key input[name=surfaces][value=GEMINI]")).click();
        browser.findElement(By.id("issue")).click();
        String key = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.id("secret"))).getAttribute("value");
        assertThat(generate(key, "gemini-2.5-flash")).isNotBlank();
        assertThatThrownBy(() -> generate(key, "gemini-2.5-pro")).as("a model outside the key's scope")
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));

        browser.findElement(By.id("back-to-tenant")).click();
        WebElement row = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#keys tbody tr")));
        assertThat(row.findElement(By.cssSelector(".scope-models")).getText()).isEqualTo("gemini-2.5-flash");
        assertThat(row.findElement(By.cssSelector(".scope-surfaces")).getText()).isEqualTo("GEMINI");

        row.findElement(By.cssSelector("details.scopes-edit summary")).click();
        WebElement models = row.findElement(By.name("models"));
        models.clear();
        models.sendKeys("gemini-2.5-pro");
        row.findElement(By.cssSelector("button.save-scopes")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(
                By.cssSelector("#keys tbody tr .scope-models"), "gemini-2.5-pro"));
        assertThatThrownBy(() -> generate(key, "gemini-2.5-flash")).as("a model the key's scope no longer allows")
                .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(403));
        assertThat(generate(key, "gemini-2.5-pro")).isNotBlank();
        assertThat(listApiKeys.execute(new ListApiKeys.Query(tenant.id()))).singleElement()
                .satisfies(k -> assertThat(k.scopes()).isEqualTo(KeyScopes.parse(List.of("gemini-2.5-pro"),
                        List.of("GEMINI"), List.of())));

        browser.navigate().refresh();
        assertThat(recentEvents()).contains("API_KEY_ISSUED by Alice Admin", "API_KEY_SCOPES_CHANGED by Alice Admin");

        // an expiry at issue, over HTTP (a date field's typing differs by browser locale): through that whole day, UTC
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        HttpResponse<String> past = postWithBrowserCookies("/admin/ui/tenant/keys", "tenant=" + tenant.id()
                + "&label=dated&expiresOn=" + today.minusDays(1));
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(past.body()).contains("id=\"expiresOn-error\"").contains("is not in the future");
        HttpResponse<String> dated = postWithBrowserCookies("/admin/ui/tenant/keys", "tenant=" + tenant.id()
                + "&label=dated&expiresOn=" + today.plusDays(30));
        assertThat(dated.statusCode()).isEqualTo(200);
        assertThat(listApiKeys.execute(new ListApiKeys.Query(tenant.id())))
                .filteredOn(k -> k.label().equals("dated")).singleElement()
                .satisfies(k -> assertThat(k.expiresAt()).contains(
                        today.plusDays(31).atStartOfDay(ZoneOffset.UTC).toInstant()));

        // a phone: the page does not overflow, the keys table scrolls inside its wrapper
        try {
            browser.manage().window().setSize(new Dimension(390, 844));
            browser.navigate().refresh();
            JavascriptExecutor js = (JavascriptExecutor) browser;
            assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).intValue())
                    .as("the page's width; wider than the window: %s", js.executeScript("return [...document"
                            + ".querySelectorAll('body *')].filter(e => !e.closest('.table-scroll') && e"
                            + ".getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                            + ".map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')"))
                    .isLessThanOrEqualTo(390);
            assertThat((Boolean) js.executeScript("const w = document.getElementById('keys').parentElement;"
                    + " return w.classList.contains('table-scroll') && w.scrollWidth > w.clientWidth")).isTrue();
            PortalBrowser.screenshot("phone");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void aViewerCannotEditSuspendScopeOrDeleteEvenByAForgedPost() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("guarded-" + UUID.randomUUID()));
        IssueApiKey.Issued key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "app"));
        signInThroughKeycloak(KeycloakTokens.VIEWER);
        browser.get(url("/admin/ui/tenant?id=" + tenant.id()));
        assertThat(browser.findElement(By.id("tenant-name")).getText()).isEqualTo(tenant.name());
        assertThat(browser.findElements(By.cssSelector("form[method=post]:not(.sign-out)"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("details.scopes-edit"))).isEmpty();

        String id = "tenant=" + tenant.id();
        assertThat(postWithBrowserCookies("/admin/ui/tenant/edit", id + "&displayName=forged").statusCode())
                .isEqualTo(403);
        assertThat(postWithBrowserCookies("/admin/ui/tenant/suspend", id).statusCode()).isEqualTo(403);
        assertThat(postWithBrowserCookies("/admin/ui/tenant/keys/scopes", id + "&key=" + key.key().id()
                + "&models=gemini-2.5-pro").statusCode()).isEqualTo(403);
        assertThat(postWithBrowserCookies("/admin/ui/tenant/delete", id + "&confirmName=" + tenant.name())
                .statusCode()).isEqualTo(403);

        Tenant after = getTenant.execute(new GetTenant.Query(tenant.id()));
        assertThat(after.displayName()).isEqualTo(tenant.name());
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(listApiKeys.execute(new ListApiKeys.Query(tenant.id()))).singleElement()
                .satisfies(k -> assertThat(k.scopes().isUnrestricted()).isTrue());
    }

    private void type(String field, String text) {
        WebElement input = browser.findElement(By.id(field));
        input.clear();
        input.sendKeys(text);
    }

    /** The error shown next to {@code field}, which the field names as its description and marks invalid. */
    private String fieldError(String field) {
        WebElement error = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.id(field + "-error")));
        WebElement input = browser.findElement(By.id(field));
        assertThat(input.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(input.getAttribute("aria-describedby")).isEqualTo(field + "-error");
        return error.getText();
    }

    /** The recent audit events table, one "TYPE by actor" a row. */
    private List<String> recentEvents() {
        return browser.findElements(By.cssSelector("#recent-events tbody tr")).stream()
                .map(tr -> tr.findElements(By.tagName("td")))
                .filter(cells -> cells.size() == 4)
                .map(cells -> cells.get(1).getText() + " by " + cells.get(2).getText())
                .toList();
    }

    private String generate(String apiKey, String model) {
        try (Client client = Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build()) {
            return client.models.generateContent(model, "Hello from the tenant page test", null).text();
        }
    }
}
