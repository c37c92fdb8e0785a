package dev.gemgate.app.portal;

import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.app.oidc.KeycloakTokens;
import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.budget.AddBudget;
import dev.gemgate.application.budget.BudgetSpec;
import dev.gemgate.application.budget.ListBudgets;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
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

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's quotas and budgets page and its usage and cost page in a real headless Chromium, signed in through
 * Keycloak: an admin sets a budget, a few calls go through the google-genai SDK, and the budget's spend and the usage
 * figures appear (written behind the calls, so the pages are reloaded until they show, never after a fixed sleep).
 */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class PortalLimitsBrowserTest extends BrowserTest {
    /** Usage and settlements are written off the request path: how long a page may take to show them. */
    private static final Duration SETTLED = Duration.ofSeconds(30);
    private static final AdminActor SETUP = new AdminActor("portal-limits-test", "Test setup", "127.0.0.1");

    @Inject
    CreateTenant createTenant;
    @Inject
    IssueApiKey issueApiKey;
    @Inject
    AddBudget addBudget;
    @Inject
    ListBudgets listBudgets;

    @Test
    void anAdminSetsABudgetAndSeesTheUsageAndCostAppearAfterAFewCalls() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("limits-" + UUID.randomUUID()));
        String key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "browser", Optional.empty(),
                KeyScopes.UNRESTRICTED, SETUP)).secret().reveal();
        signInThroughKeycloak(KeycloakTokens.ADMIN);
        browser.get(url("/admin/ui/tenant/limits?id=" + tenant.id()));
        assertThat(browser.findElement(By.id("no-budgets")).isDisplayed()).isTrue();

        // bad input: the error is next to its field, the other fields keep what was typed
        browser.findElement(By.id("limitUsd")).sendKeys("ten dollars");
        browser.findElement(By.id("alertPercents")).clear();
        browser.findElement(By.id("alertPercents")).sendKeys("80, 50");
        browser.findElement(By.id("save-budget")).click();
        WebElement error = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.id("limitUsd-error")));
        assertThat(error.getText()).contains("US dollars");
        assertThat(browser.findElement(By.id("limitUsd")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("limitUsd")).getAttribute("aria-describedby")).isEqualTo("limitUsd-error");
        assertThat(browser.findElement(By.id("alertPercents-error")).getText()).contains("ascending");
        assertThat(browser.findElement(By.id("limitUsd")).getAttribute("value")).isEqualTo("ten dollars");
        assertThat(listBudgets.execute(new ListBudgets.Query(tenant.id()))).isEmpty();

        browser.findElement(By.id("limitUsd")).clear();
        browser.findElement(By.id("limitUsd")).sendKeys("5");
        browser.findElement(By.id("alertPercents")).clear();
        browser.findElement(By.id("alertPercents")).sendKeys("50, 80, 100");
        browser.findElement(By.id("save-budget")).click();
        WebElement budget = new WebDriverWait(browser, WAIT).until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("li.budget")));
        assertThat(budget.findElement(By.tagName("h3")).getText()).isEqualTo("monthly budget of the whole tenant");
        assertThat(budget.findElement(By.cssSelector(".spent")).getText()).startsWith("$0.00 of $5.00 spent");
        assertThat(budget.findElement(By.tagName("meter")).getAttribute("max")).isEqualTo("5");
        assertThat(budget.findElements(By.cssSelector(".alerts li"))).extracting(WebElement::getText)
                .containsExactly("50 % ($2.50)", "80 % ($4.00)", "100 % ($5.00)");
        assertThat(listBudgets.execute(new ListBudgets.Query(tenant.id()))).singleElement()
                .satisfies(b -> assertThat(b.budget().limit()).isEqualTo(Money.ofDollars("5")));

        for (int i = 0; i < 3; i++) {
            assertThat(generate(key, "Hello number " + i + " from the limits test")).isNotBlank();
        }

        // the spend is settled behind the calls: reload until the budget shows it
        String spent = new WebDriverWait(browser, SETTLED).until(driver -> {
            driver.navigate().refresh();
            String value = driver.findElement(By.cssSelector("li.budget .spent-value")).getText();
            return value.equals("$0.00") ? null : value;
        });
        assertThat(dollars(spent)).isPositive();
        assertThat(new BigDecimal(browser.findElement(By.cssSelector("li.budget meter")).getAttribute("value")))
                .isPositive();
        PortalBrowser.screenshot("budget-spent");

        // usage by day over four days: three without calls are zeros, today has the three calls
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String usage = "/admin/ui/tenant/usage?id=" + tenant.id() + "&group=day&from=" + today.minusDays(3)
                + "&to=" + today;
        browser.get(url(usage));
        new WebDriverWait(browser, SETTLED).until(driver -> {
            if (driver.findElement(By.id("total-requests")).getText().equals("3")) {
                return true;
            }
            driver.navigate().refresh();
            return false;
        });
        assertThat(dollars(browser.findElement(By.id("total-cost")).getText())).isPositive();
        assertThat(tokens(browser.findElement(By.id("total-prompt")).getText())).isPositive();
        assertThat(tokens(browser.findElement(By.id("total-output")).getText())).isPositive();
        List<WebElement> days = browser.findElements(By.cssSelector("#usage-table tbody tr"));
        assertThat(days).extracting(d -> d.getAttribute("data-group")).containsExactly(
                today.minusDays(3).toString(), today.minusDays(2).toString(), today.minusDays(1).toString(),
                today.toString());
        assertThat(days).extracting(d -> d.getAttribute("data-requests")).containsExactly("0", "0", "0", "3");
        assertThat(days.getFirst().findElements(By.tagName("td")).get(5).getText()).isEqualTo("$0.00");
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.attributeToBe(By.id("usage-charts"), "data-drawn",
                "true"));
        assertThat(browser.findElement(By.id("cost-chart")).getSize().getHeight()).isPositive();
        PortalBrowser.screenshot("usage-by-day");

        browser.get(url("/admin/ui/tenant/usage?id=" + tenant.id() + "&group=model"));
        assertThat(browser.findElements(By.cssSelector("#usage-table tbody tr"))).singleElement()
                .satisfies(row -> {
                    assertThat(row.getAttribute("data-group")).isEqualTo("gemini-2.5-flash");
                    assertThat(row.getAttribute("data-requests")).isEqualTo("3");
                });

        // a bad range: the error is next to its field
        browser.get(url("/admin/ui/tenant/usage?id=" + tenant.id() + "&from=" + today + "&to=" + today.minusDays(1)));
        assertThat(browser.findElement(By.id("from-error")).getText()).contains("must not be after to");
        assertThat(browser.findElement(By.id("from")).getAttribute("aria-invalid")).isEqualTo("true");

        onAPhone(() -> {
            browser.get(url(usage));
            assertThat(sidewaysOverflow()).as("the usage page at 390 px").isEmpty();
            browser.get(url("/admin/ui/tenant/limits?id=" + tenant.id()));
            assertThat(sidewaysOverflow()).as("the limits page at 390 px").isEmpty();
        });
    }

    @Test
    void aViewerSeesTheLimitsAndUsageWithoutWriteControlsAndAForgedPostIsRefused() throws Exception {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("limits-viewed-" + UUID.randomUUID()));
        addBudget.execute(new AddBudget.Command(tenant.id(), new BudgetSpec(BudgetScope.TENANT, Optional.empty(),
                Optional.empty(), BudgetPeriod.DAILY, ZoneOffset.UTC, Money.ofDollars("3"), List.of(50)), SETUP));
        signInThroughKeycloak(KeycloakTokens.VIEWER);

        browser.get(url("/admin/ui/tenant/limits?id=" + tenant.id()));
        assertThat(browser.findElement(By.cssSelector("li.budget .spent")).getText()).startsWith("$0.00 of $3.00");
        assertThat(browser.findElement(By.id("tenant-limits")).isDisplayed()).isTrue();
        assertThat(browser.findElements(By.cssSelector("form:not(.sign-out)"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("button:not(#sign-out)"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("a.button"))).isEmpty();

        browser.get(url("/admin/ui/tenant/usage?id=" + tenant.id()));
        assertThat(browser.findElement(By.id("total-requests")).getText()).isEqualTo("0");
        assertThat(browser.findElements(By.cssSelector("form[method=post]:not(.sign-out)"))).isEmpty();

        // the viewer's own session and a valid CSRF token: only the role is missing
        HttpResponse<String> forged = postWithBrowserCookies("/admin/ui/tenant/limits/budgets", "tenant="
                + tenant.id() + "&scope=TENANT&period=MONTHLY&zone=UTC&limitUsd=1000");
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> forgedLimits = postWithBrowserCookies("/admin/ui/tenant/limits/rate-limits", "tenant="
                + tenant.id() + "&tenant.requestsPerMinute=1");
        assertThat(forgedLimits.statusCode()).isEqualTo(403);
        assertThat(listBudgets.execute(new ListBudgets.Query(tenant.id()))).singleElement()
                .satisfies(b -> assertThat(b.budget().period()).isEqualTo(BudgetPeriod.DAILY));
    }

    private String generate(String apiKey, String prompt) {
        try (Client client = Client.builder().apiKey(apiKey).httpOptions(HttpOptions.builder()
                .baseUrl(gateway.toString())
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build())
                .build()).build()) {
            return client.models.generateContent("gemini-2.5-flash", prompt, null).text();
        }
    }

    private void onAPhone(Runnable steps) {
        Dimension laptop = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            steps.run();
        } finally {
            browser.manage().window().setSize(laptop);
        }
    }

    /**
     * The elements that reach beyond the window's right edge (outside the wrappers that scroll wide tables), or none
     * when the page fits the window's width.
     */
    @SuppressWarnings("unchecked")
    private List<String> sidewaysOverflow() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("""
                if (document.documentElement.scrollWidth <= window.innerWidth) { return []; }
                return Array.from(document.querySelectorAll('body *'))
                    .filter(e => !e.closest('.table-scroll') && e.getBoundingClientRect().right > window.innerWidth + 1)
                    .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className
                        + ' right=' + Math.round(e.getBoundingClientRect().right))
                    .concat(['scrollWidth=' + document.documentElement.scrollWidth
                        + ' innerWidth=' + window.innerWidth]);""");
    }

    private static BigDecimal dollars(String text) {
        return new BigDecimal(text.replace("$", "").replace(",", ""));
    }

    private static long tokens(String text) {
        return Long.parseLong(text.replace(",", ""));
    }
}
