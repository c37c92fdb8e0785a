package dev.gemgate.app.portal;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.app.ShiftableClock;
import dev.gemgate.app.oidc.KeycloakTestResource;
import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.ListTenants;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.AuditLog;
import dev.gemgate.domain.audit.AuditQuery;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The portal in a real headless Chromium, signing in through Keycloak's own login page: each step is checked on the
 * page, and every page visited is saved as a screenshot (target/portal-screenshots). One Keycloak and one browser
 * serve every test of the run.
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalBrowserTest extends BrowserTest {
    @Inject
    CreateTenant createTenant;
    @Inject
    ListTenants listTenants;
    @Inject
    AuditLog auditLog;

    @Test
    void anAnonymousVisitorIsSentToTheProvidersLoginPage() {
        browser.get(url("/admin/ui/tenants"));

        assertThat(browser.getCurrentUrl()).contains("/realms/" + KeycloakTokens.REALM + "/protocol/openid-connect/auth")
                .contains("client_id=" + KeycloakTestResource.PORTAL_CLIENT_ID);
        assertThat(browser.findElement(By.id("kc-login")).isDisplayed()).isTrue();
    }

    @Test
    void anAdminCreatesATenantIssuesAKeyUsesItAndRotatesIt() {
        signInThroughKeycloak(KeycloakTokens.ADMIN);
        assertThat(browser.findElement(By.id("emulator-banner")).getText()).contains("Emulated upstream");

        // bad input: the error is next to the field
        browser.findElement(By.id("name")).sendKeys("   ");
        browser.findElement(By.id("create")).click();
        WebElement error = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.id("name-error")));
        assertThat(error.getText()).contains("1 to 120 characters");
        assertThat(browser.findElement(By.id("name")).getAttribute("aria-invalid")).isEqualTo("true");

        String name = "portal-" + UUID.randomUUID();
        browser.findElement(By.id("name")).clear();
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("create")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/admin/ui/tenant?id="));
        assertThat(browser.findElement(By.id("tenant-name")).getText()).isEqualTo(name);
        TenantId tenant = new TenantId(UUID.fromString(browser.getCurrentUrl().replaceFirst(".*\\?id=", "")));
        assertThat(audited(tenant, AuditEventType.TENANT_CREATED)).singleElement()
                .satisfies(event -> assertThat(event.admin()).get()
                        .satisfies(admin -> assertThat(admin.actorName()).isEqualTo("Alice Admin")));

        browser.findElement(By.id("label")).sendKeys("ci");
        browser.findElement(By.id("issue")).click();
        String first = revealedSecret();
        assertThat(generate(first)).isNotBlank();

        browser.findElement(By.id("back-to-tenant")).click();
        WebElement rotate = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form.rotate")));
        new Select(rotate.findElement(By.name("graceHours"))).selectByValue("24");
        rotate.findElement(By.cssSelector("button[type=submit]")).click();
        String second = revealedSecret();
        assertThat(second).isNotEqualTo(first);
        assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("grace period");

        assertThat(generate(second)).isNotBlank();
        assertThat(generate(first)).as("the old key during its grace period").isNotBlank();
        try {
            ShiftableClock.advance(Duration.ofHours(25));
            assertThatThrownBy(() -> generate(first)).as("the old key after its grace period")
                    .isInstanceOf(ClientException.class);
            assertThat(generate(second)).isNotBlank();
        } finally {
            ShiftableClock.reset();
        }
        assertThat(audited(tenant, AuditEventType.API_KEY_ROTATED)).singleElement()
                .satisfies(event -> assertThat(event.admin()).get()
                        .satisfies(admin -> assertThat(admin.actorName()).isEqualTo("Alice Admin")));
    }

    @Test
    void aViewerSeesNoWriteControlsAndAForgedPostIsRefused() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("viewed-" + UUID.randomUUID()));
        signInThroughKeycloak(KeycloakTokens.VIEWER);
        assertThat(browser.findElement(By.cssSelector(".who")).getText()).contains("read only");
        assertThat(browser.findElements(By.cssSelector("form[method=post]"))).isEmpty();

        browser.get(url("/admin/ui/tenant?id=" + tenant.id()));
        assertThat(browser.findElement(By.id("tenant-name")).getText()).isEqualTo(tenant.name());
        assertThat(browser.findElements(By.cssSelector("form[method=post]"))).isEmpty();
        assertThat(browser.findElements(By.tagName("button"))).isEmpty();

        // the viewer's own session and a valid CSRF token: only the role is missing
        String forgedName = "forged-" + UUID.randomUUID();
        HttpResponse<String> forged = postWithBrowserCookies("/admin/ui/tenants", "name=" + forgedName);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(listTenants.execute(new ListTenants.Query(Optional.of(forgedName), true, 0, 10)).total())
                .isZero();
    }

    @Test
    void theBootstrapAdminSignsInOnTheLocalLoginForm() {
        browser.get(url("/admin/ui/login"));
        browser.findElement(By.id("token")).sendKeys("test-bootstrap-admin-token-0123456789abcdef");
        browser.findElement(By.id("sign-in-bootstrap")).click();

        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/admin/ui/tenants"));
        assertThat(browser.findElement(By.cssSelector(".who")).getText()).isEqualTo("Bootstrap admin");
        assertThat(browser.findElements(By.id("create-tenant"))).hasSize(1);
        Cookie session = browser.manage().getCookieNamed("gemgate-portal-session");
        assertThat(session.isSecure()).isTrue();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
    }

    private String revealedSecret() {
        WebElement secret = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        assertThat(browser.findElement(By.id("copy-secret")).isDisplayed()).isTrue();
        return secret.getAttribute("value");
    }

    private String generate(String apiKey) {
        try (Client client = Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build()) {
            return client.models.generateContent("gemini-2.5-flash", "Hello from the portal test", null).text();
        }
    }

    private List<AuditEvent> audited(TenantId tenant, AuditEventType type) {
        return auditLog.query(new AuditQuery(Optional.of(tenant), Optional.of(type), Instant.EPOCH,
                Instant.now().plus(Duration.ofDays(2)), 10));
    }

}
