package dev.gemgate.app.portal;

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

    @TestHTTPResource("/")
    protected URL gateway;

    protected WebDriver browser;

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

    /** Signs {@code user} in through Keycloak's own login page (password: the user's name + "-password"). */
    protected void signInThroughKeycloak(String user) {
        signInThroughKeycloak(user, "/admin/ui/tenants", "/admin/ui/tenants");
    }

    /** Signs {@code user} in on Keycloak's own login page, coming from and landing on {@code portalPath}. */
    protected void signInThroughKeycloak(String user, String portalPath) {
        signInThroughKeycloak(user, portalPath, portalPath);
    }

    /** Visits {@code path} signed out, signs in on Keycloak's page and waits to land on {@code landing}. */
    protected void signInThroughKeycloak(String user, String path, String landing) {
        browser.get(url(path));
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")))
                .sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(user + "-password");
        browser.findElement(By.id("kc-login")).click();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.urlContains(landing));
        PortalBrowser.screenshot("signed-in");
    }

    protected String url(String path) {
        return gateway.toString().replaceFirst("/$", "") + path;
    }

    /**
     * A form post with the browser's own session and CSRF cookies and a valid CSRF token (what a forged post by a
     * signed-in person can carry): only the rights of that person decide.
     */
    protected HttpResponse<String> postWithBrowserCookies(String path, String form) throws Exception {
        String csrf = browser.manage().getCookieNamed("gemgate-csrf").getValue();
        return sendWithBrowserCookies(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&csrf-token="
                        + URLEncoder.encode(csrf, StandardCharsets.UTF_8))));
    }

    /** A GET with the browser's cookies, for what a browser does not show (the status code). */
    protected HttpResponse<String> getWithBrowserCookies(String path) throws Exception {
        return sendWithBrowserCookies(HttpRequest.newBuilder(URI.create(url(path))).GET());
    }

    private HttpResponse<String> sendWithBrowserCookies(HttpRequest.Builder request) throws Exception {
        String cookies = browser.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.header("Cookie", cookies).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
