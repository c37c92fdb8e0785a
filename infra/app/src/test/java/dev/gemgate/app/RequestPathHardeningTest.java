package dev.gemgate.app;

import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The shared request path under hostile input: nothing unauthenticated is read, every refusal is in the envelope. */
@QuarkusTest
@WithTestResource(GatewayTestResources.class)
class RequestPathHardeningTest {
    private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
    private static final String HELLO = "{\"contents\":[{\"parts\":[{\"text\":\"Hello\"}]}]}";
    private static final long SIXTY_MB = 60L * 1024 * 1024;

    @TestHTTPResource("/")
    URL base;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    MeterRegistry registry;

    private String key;

    @BeforeEach
    void issueKey() {
        Tenant tenant = createTenant.execute(new CreateTenant.Command("hardening-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "hardening")).secret().reveal();
    }

    private record Raw(String status, long sent) {
    }

    /**
     * Sends the head of a request, then body bytes until {@code bodyBytes} are sent or an answer arrives, and returns
     * the status line it got and how much body was sent.
     */
    private Raw rawPost(String path, String apiKey, long bodyBytes) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "x-goog-api-key: " + apiKey + "\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            InputStream in = socket.getInputStream();
            long sent = 0;
            try {
                while (sent < bodyBytes && in.available() == 0) {
                    int n = (int) Math.min(chunk.length, bodyBytes - sent);
                    out.write(chunk, 0, n);
                    sent += n;
                }
            } catch (java.io.IOException closedByServer) {
                // the server answered and stopped reading: exactly what an unauthenticated upload should get
            }
            byte[] head = in.readNBytes(12);
            return new Raw(new String(head, StandardCharsets.US_ASCII), sent);
        }
    }

    private static long allocatedByServerThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("vert.x-eventloop")) {
                total += Math.max(0, threads.getThreadAllocatedBytes(info.getThreadId()));
            }
        }
        return total;
    }

    @Test
    void largeBodiesWithAWrongKeyAreRefusedBeforeTheyAreRead() throws Exception {
        String wrongKey = "gmg_" + "w".repeat(40);
        long before = allocatedByServerThreads();
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<Raw>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(clients.submit(() -> rawPost(GENERATE, wrongKey, SIXTY_MB)));
            }
            for (Future<Raw> answer : answers) {
                assertThat(answer.get().status()).isEqualTo("HTTP/1.1 401");
                // answered while the upload was still going: the body was never waited for
                assertThat(answer.get().sent()).isLessThan(SIXTY_MB / 2);
            }
        } finally {
            clients.shutdownNow();
        }
        long allocated = allocatedByServerThreads() - before;
        // 10 x 60 MB were offered; buffering even one would allocate 60 MB on the event loop. What it did allocate is
        // the handling of ten refused requests and the chunks in flight when they were refused: a few MB each at most.
        assertThat(allocated).as("bytes allocated by the event loop").isLessThan(32L * 1024 * 1024);
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedInTheEnvelopeBeforeItIsRead() throws Exception {
        // over the tenant limit (Gemini's inline limit, base64 and JSON included): checked after authentication
        assertThat(rawPost(GENERATE, key, SIXTY_MB).status()).isEqualTo("HTTP/1.1 400");
        // over what the server reads at all: refused before routing, still in the envelope
        Raw huge = rawPost(GENERATE, key, 100L * 1024 * 1024);
        assertThat(huge.status()).isEqualTo("HTTP/1.1 413");
        assertThat(huge.sent()).isLessThan(50L * 1024 * 1024);
    }

    @Test
    void ambiguousCredentialsAreRefused() {
        given().header("x-goog-api-key", key).queryParam("key", "gmg_" + "o".repeat(40)).contentType(ContentType.JSON)
                .body(HELLO).post(GENERATE).then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", containsString("Ambiguous credentials"));
        given().header("x-goog-api-key", key).header("x-goog-api-key", key).contentType(ContentType.JSON)
                .body(HELLO).post(GENERATE).then().statusCode(400);
        given().header("x-goog-api-key", key).queryParam("key", key).contentType(ContentType.JSON)
                .body(HELLO).post(GENERATE).then().statusCode(200);
    }

    @Test
    void getOnAPostRouteIs405AndABadPageSizeIs400() {
        given().header("x-goog-api-key", key).get(GENERATE).then().statusCode(405).header("Allow", "POST")
                .body("error.code", equalTo(405));
        given().header("x-goog-api-key", key).queryParam("pageSize", "ten").get("/v1beta/models")
                .then().statusCode(400).body("error.message", containsString("pageSize"));
        given().header("x-goog-api-key", key).queryParam("pageSize", "-1").get("/v1beta/models")
                .then().statusCode(400);
        given().header("x-goog-api-key", key).queryParam("pageSize", "0").get("/v1beta/models")
                .then().statusCode(200);
    }

    @Test
    void aMissingHostHeaderGetsTheEnvelope() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1beta/models HTTP/1.1\r\nx-goog-api-key: " + key
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 400").contains("\"status\":\"INVALID_ARGUMENT\"")
                    .contains("Host");
        }
    }

    @Test
    void refusedAuthenticationsAreCountedByReason() {
        double before = registry.counter("gemgate.auth.failures", "reason", "unknown").count();
        for (int i = 0; i < 3; i++) {
            given().header("x-goog-api-key", "gmg_" + "u".repeat(39) + i).contentType(ContentType.JSON).body(HELLO)
                    .post(GENERATE).then().statusCode(401);
        }
        assertThat(registry.counter("gemgate.auth.failures", "reason", "unknown").count()).isEqualTo(before + 3);
    }
}
