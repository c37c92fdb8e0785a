package dev.gemgate.app.portal;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base of the portal's browser tests: the shared headless Chromium ({@link PortalBrowser}), signed out before each
 * test. Skipped, saying why, only where /usr/bin/chromium is missing on a developer's machine; .ci/run installs it and
 * sets {@value PortalBrowser#REQUIRED_ENV}, so on CI a missing browser fails instead.
 */
public abstract class BrowserTest {
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
}
