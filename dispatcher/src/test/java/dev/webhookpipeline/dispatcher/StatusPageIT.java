package dev.webhookpipeline.dispatcher;

import static dev.webhookpipeline.dispatcher.DispatcherTestHelper.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.webhookpipeline.admin.OperatorAuth;
import dev.webhookpipeline.testsupport.RealServicesExtension;
import dev.webhookpipeline.testsupport.RecordingReceiver.Reply;
import dev.webhookpipeline.testsupport.TestSecrets;
import dev.webhookpipeline.testsupport.TestServices;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless browser (Debian's chromium and chromedriver, which .ci/run
 * installs): sign in, see a stalled tenant, press Retry, see it delivered, sign out. The page runs
 * under its Content-Security-Policy and Retry passes the same-origin check, as in production.
 * Screenshots go to target/screenshots/.
 */
@ExtendWith(RealServicesExtension.class)
class StatusPageIT {

    static final String TOKEN = TestSecrets.remember("operator token", "page-operator-token-0123456789");
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    static WebDriver browser() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium is needed: apt-get install chromium chromium-driver (.ci/run does)").exists();
        assertThat(CHROMEDRIVER).as("Debian's chromedriver is needed: apt-get install chromium-driver (.ci/run does)").exists();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900",
                "--user-data-dir=" + Files.createTempDirectory("status-page-browser"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    static void screenshot(WebDriver browser, String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void theOperatorSignsInSeesTheStalledTenantAndRetryDelivers(TestServices services) throws Exception {
        try (var t = new DispatcherTestHelper(services, "page")) {
            t.receiver.answer("page-stalled", Reply.status(503).withBody("maintenance"));
            t.configure("page-stalled", true, true);
            t.configure("page-healthy", false, true);
            var metrics = DispatcherService.metricsRegistry();
            var admin = Optional.of(new DispatcherService.Admin("127.0.0.1", 0, new OperatorAuth(TOKEN)));
            try (DispatcherService dispatcher = new DispatcherService(t.config().meterRegistry(metrics).build(), admin, metrics)
                    .start(admin)) {
                t.produce("page-stalled", 4);
                t.produce("page-healthy", 2);
                await("the stalled tenant's first failure", Duration.ofSeconds(30), () -> dispatcher.dispatcher()
                        .status("page-stalled").map(s -> s.failedAttempts() == 1).orElse(false));

                WebDriver browser = browser();
                try {
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    browser.get("http://127.0.0.1:" + dispatcher.adminPort() + "/");
                    assertThat(browser.getPageSource()).contains("operator token").doesNotContain("page-stalled");
                    browser.findElement(By.id("token")).sendKeys(TOKEN);
                    browser.findElement(By.id("sign-in")).click();

                    By stalledRow = By.cssSelector("tr[data-tenant='page-stalled'][data-queue='STALLED']");
                    wait.until(ExpectedConditions.presenceOfElementLocated(stalledRow));
                    wait.until(ExpectedConditions.presenceOfElementLocated(
                            By.cssSelector("tr[data-tenant='page-healthy'][data-queue='EMPTY']")));
                    String row = wait.ignoring(StaleElementReferenceException.class)
                            .until(d -> d.findElement(stalledRow).getText()); // rows are redrawn every 2 s
                    assertThat(row).contains("Stalled").contains("4 waiting").contains("HTTP 503: maintenance");
                    assertThat(browser.getPageSource()).doesNotContain(DispatcherTestHelper.secretOf("page-stalled"));
                    screenshot(browser, "status-page-stalled");
                    assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).as("the browser's console")
                            .noneMatch(entry -> entry.getMessage().contains("Content Security Policy"));

                    // The server filters: the Stalled button leaves the stalled tenant only, typing a name the healthy one.
                    browser.findElement(By.cssSelector(".states button[data-state='STALLED']")).click();
                    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-tenant='page-healthy']")));
                    assertThat(browser.findElements(By.cssSelector("#tenants tr"))).hasSize(1);
                    assertThat(browser.findElement(By.id("range")).getText()).contains("1–1 of 1 matching (2 tenants)");
                    browser.findElement(By.cssSelector(".states button[data-state='']")).click();
                    browser.findElement(By.id("filter")).sendKeys("HEALTHY");
                    wait.until(ExpectedConditions.invisibilityOfElementLocated(stalledRow));
                    assertThat(browser.findElements(By.cssSelector("#tenants tr[data-tenant='page-healthy']"))).hasSize(1);
                    browser.findElement(By.id("filter")).clear();
                    browser.findElement(By.id("filter")).sendKeys(" ");
                    wait.until(ExpectedConditions.presenceOfElementLocated(stalledRow));

                    t.receiver.answer("page-stalled", Reply.ok());
                    // The page redraws its rows every 2 s: a button found just before a redraw is gone; click a fresh one.
                    By retry = By.cssSelector("button[data-action='retry'][data-tenant='page-stalled']");
                    wait.ignoring(StaleElementReferenceException.class).until(d -> {
                        d.findElement(retry).click();
                        return true;
                    });
                    await("delivery after Retry on the page", Duration.ofSeconds(20),
                            () -> t.firstReceipts("page-stalled").size() == 4);
                    wait.until(ExpectedConditions.presenceOfElementLocated(
                            By.cssSelector("tr[data-tenant='page-stalled'][data-queue='EMPTY']")));
                    // The chart counts the 4 delivered after Retry (the tenant's state before them was its baseline).
                    wait.until(d -> Long.parseLong(d.findElement(By.id("chart")).getDomAttribute("data-delivered")) >= 4
                            && !d.findElements(By.cssSelector("#chart rect")).isEmpty());
                    screenshot(browser, "status-page-after-retry");

                    // Sign out ends the session: the page asks for the token again.
                    browser.findElement(By.id("sign-out")).click();
                    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("token")));
                    browser.get("http://127.0.0.1:" + dispatcher.adminPort() + "/");
                    assertThat(browser.getPageSource()).contains("operator token").doesNotContain("page-stalled");
                } finally {
                    browser.quit();
                }
                t.assertDeliveredInOrder("page-stalled");
            }
        }
    }
}
