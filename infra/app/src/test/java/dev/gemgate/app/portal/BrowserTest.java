package dev.gemgate.app.portal;

import dev.gemgate.app.oidc.KeycloakTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base of the portal's browser tests: the shared headless Chromium ({@link PortalBrowser}), signed out before each
 * test. Skipped, saying why, only where /usr/bin/chromium is missing on a developer's machine; .ci/run installs it and
 * sets {@value PortalBrowser#REQUIRED_ENV}, so on CI a missing browser fails instead.
 */
public abstract class BrowserTest {
    protected static final Duration WAIT = Duration.ofSeconds(15);

    protected WebDriver browser;

    @TestHTTPResource("/")
    protected URL gateway;

    @BeforeAll
    static void browserIsInstalled() {
        if (System.getenv(PortalBrowser.REQUIRED_ENV) != null) {
            assertThat(PortalBrowser.available())
                    .as("Chromium and chromedriver at /usr/bin (apt-get install chromium chromium-driver)").isTrue();
        }
        Assumptions.assumeTrue(PortalBrowser.available(), "Portal browser tests skipped: no /usr/bin/chromium or "
                + "/usr/bin/chromedriver here (apt-get install chromium chromium-driver; .ci/run installs them)");
    }

    @BeforeEach
    void signedOutBrowser(TestInfo test) {
        browser = PortalBrowser.fresh(getClass().getSimpleName() + "-" + test.getTestMethod().orElseThrow().getName());
    }

    /** Signs {@code user} ({@link KeycloakTokens}) in through Keycloak's own login page; lands on the tenant list. */
    protected void signInThroughKeycloak(String user) {
        browser.get(url("/admin/ui/tenants"));
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                .sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user + "-password");
        browser.findElement(By.id("kc-login")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains("/admin/ui/tenants"));
        PortalBrowser.screenshot("signed-in");
    }

    /** A form post with the browser's session and CSRF cookies and a valid CSRF token: a forgery with every key. */
    protected HttpResponse<String> postWithBrowserCookies(String path, String form) throws Exception {
        String cookies = browser.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
        String csrf = browser.manage().getCookieNamed("gemgate-csrf").getValue();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Cookie", cookies)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&csrf-token="
                        + URLEncoder.encode(csrf, StandardCharsets.UTF_8)))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    protected String url(String path) {
        return gateway.toString().replaceFirst("/$", "") + path;
    }
}
