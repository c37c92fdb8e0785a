package dev.gemgate.app.portal;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.http.ClientConfig;
import org.openqa.selenium.support.events.EventFiringDecorator;
import org.openqa.selenium.support.events.WebDriverListener;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One headless Debian Chromium for the whole test JVM (PLATFORM.md: Selenium pointed at /usr/bin/chromium and
 * /usr/bin/chromedriver, no Selenium Manager download), stopped by a shutdown hook. Every page it loads and every
 * click is followed by a screenshot under {@code target/portal-screenshots/}, named by test, step and page title, so a
 * reviewer can look at every page the tests visited.
 *
 * <p>A wedged Chromium must fail a test, not hang the suite. Chromium once stopped answering during a full-page capture
 * (issue 21's CI run: {@code Page.captureScreenshot} beyond the viewport never returned, and every command after it
 * waited out Selenium's 3-minute default, test after test). So every command has {@link #COMMAND_TIMEOUT}; a screenshot
 * is a record for reviewers, so one that fails is logged and skipped; and a browser that does not answer at the start
 * of the next test is restarted.
 */
public final class PortalBrowser {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Set by .ci/run: there a missing browser fails the tests instead of skipping them. */
    public static final String REQUIRED_ENV = "GEMGATE_REQUIRE_BROWSER";
    static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");

    /** The longest any one browser command may take: a page load or a click here takes well under a second. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private static ChromeDriver chrome;
    private static WebDriver decorated;
    private static boolean hookInstalled;
    private static final AtomicInteger STEP = new AtomicInteger();
    private static volatile String currentTest = "portal";

    private PortalBrowser() {
    }

    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** The shared browser, started at the first call; cookies of every site cleared, so each test starts signed out. */
    public static synchronized WebDriver fresh(String testName) {
        currentTest = testName.replaceAll("[^A-Za-z0-9_-]", "_");
        if (chrome == null) {
            start();
        }
        try {
            chrome.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        } catch (WebDriverException e) {
            System.err.println("PortalBrowser: restarting Chromium, which did not answer: "
                    + e.getClass().getSimpleName());
            stop();
            start();
            chrome.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        }
        return decorated;
    }

    private static void start() {
        Path build = Path.of("target").toAbsolutePath();
        Path home = build.resolve("chromium-home");
        try {
            Files.createDirectories(home);
            Files.createDirectories(SCREENSHOTS);
            Path profile = Files.createTempDirectory(build, "chromium-profile-");
            System.setProperty("SE_OFFLINE", "true");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-extensions", "--window-size=1280,900", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                    .usingAnyFreePort()
                    // Chromium writes under $HOME and $TMPDIR even with its own profile directory: keep that in target/
                    .withEnvironment(Map.of("HOME", home.toString(), "TMPDIR", build.toString()))
                    .build();
            chrome = new ChromeDriver(service, options,
                    ClientConfig.defaultConfig().readTimeout(COMMAND_TIMEOUT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        decorated = new EventFiringDecorator<WebDriver>(new Screenshots()).decorate(chrome);
        if (!hookInstalled) {
            hookInstalled = true;
            Runtime.getRuntime().addShutdownHook(new Thread(PortalBrowser::stop, "chromium-stop"));
        }
    }

    private static synchronized void stop() {
        ChromeDriver running = chrome;
        chrome = null;
        decorated = null;
        if (running != null) {
            try {
                running.quit();
            } catch (RuntimeException e) {
                System.err.println("PortalBrowser: stopping Chromium failed: " + e.getClass().getSimpleName());
            }
        }
    }

    /** A screenshot of the page as it is now. */
    public static void screenshot(String what) {
        if (chrome == null) {
            return;
        }
        try {
            String title = chrome.getTitle() == null ? "" : chrome.getTitle().replaceAll("[^A-Za-z0-9]+", "-");
            Path file = SCREENSHOTS.resolve("%s-%03d-%s-%s.png".formatted(currentTest, STEP.incrementAndGet(), what,
                    title));
            Files.write(file, fullPage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (WebDriverException e) {
            System.err.println("PortalBrowser: no screenshot of step " + what + " in " + currentTest + ": "
                    + e.getClass().getSimpleName());
        }
    }

    /**
     * The whole page, not only the window's 900 pixels (a field's error below the fold must show): Chrome DevTools'
     * capture beyond the viewport, sized by the page's layout metrics.
     */
    @SuppressWarnings("unchecked")
    private static byte[] fullPage() {
        Map<String, Object> metrics = chrome.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.getOrDefault("cssContentSize",
                metrics.get("contentSize"));
        if (size == null) {
            return ((TakesScreenshot) chrome).getScreenshotAs(OutputType.BYTES);
        }
        Map<String, Object> shot = chrome.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0,
                        "width", ((Number) size.get("width")).doubleValue(),
                        "height", ((Number) size.get("height")).doubleValue(), "scale", 1)));
        return Base64.getDecoder().decode((String) shot.get("data"));
    }

    /** Public: the decorator calls it reflectively. */
    public static final class Screenshots implements WebDriverListener {
        @Override
        public void afterGet(WebDriver driver, String url) {
            screenshot("open");
        }

        @Override
        public void afterClick(WebElement element) {
            screenshot("click");
        }

        @Override
        public void afterSubmit(WebElement element) {
            screenshot("submit");
        }
    }
}
