package dev.gemgate.app.tracing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gemgate.app.AccessLogKeyRedaction;
import dev.gemgate.app.GatewayTestResources;
import dev.gemgate.application.port.RequestTracing;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.emulator.GeminiEmulator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.ATTEMPT;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.CREDENTIAL;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.ERROR_TYPE;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.FINISH_REASONS;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.HTTP_STATUS;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.INPUT_TOKENS;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.OPERATION;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.OUTCOME;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.OUTPUT_TOKENS;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.PROVIDER;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.REQUEST_ID;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.REQUEST_MODEL;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.RESPONSE_MODEL;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.SYSTEM;
import static dev.gemgate.app.tracing.OpenTelemetryRequestTracing.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20's tracing and access log, through the real gateway with an OTLP endpoint configured (a stand-in collector,
 * {@link OtlpReceiver}) and every span also kept in memory ({@link InMemorySpans}): a generate request whose first
 * upstream attempt gets a 503 is one server span with two attempt spans under it, carrying the GenAI attributes, the
 * tenant and the request id, and no prompt or answer text; the access log has the request in the combined format
 * with its {@code ?key=} redacted.
 */
@QuarkusTest
@TestProfile(TracingAndAccessLogTest.Traced.class)
@WithTestResource(GatewayTestResources.class)
class TracingAndAccessLogTest {
    private static final String MODEL = "gemini-2.5-flash";
    private static final String PROMPT_MARKER = "zebra-tracing-prompt-" + UUID.randomUUID();
    private static final Path ACCESS_LOG = Path.of("target", "tracing-test-access.log");

    /** An OTLP endpoint (so {@link TracingSwitch} turns the SDK on) and the access log, written to a file to read. */
    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("quarkus.otel.exporter.otlp.traces.endpoint", OtlpReceiver.get().endpoint()),
                    Map.entry("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf"),
                    Map.entry("quarkus.otel.bsp.schedule.delay", "100ms"),
                    Map.entry("quarkus.http.access-log.enabled", "true"),
                    Map.entry("quarkus.log.file.json.enabled", "false"),
                    Map.entry("quarkus.log.handler.file.\"access-log-file\".enabled", "true"),
                    Map.entry("quarkus.log.handler.file.\"access-log-file\".path", ACCESS_LOG.toString()),
                    Map.entry("quarkus.log.handler.file.\"access-log-file\".format", "%s%n"),
                    Map.entry("quarkus.log.handler.file.\"access-log-file\".filter", AccessLogKeyRedaction.NAME),
                    Map.entry("quarkus.log.category.\"io.quarkus.http.access-log\".handlers", "access-log-file"));
        }
    }

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    CreateTenant createTenant;

    @Inject
    IssueApiKey issueApiKey;

    @Inject
    RequestTracing tracing;

    private final GeminiEmulator emulator = GatewayTestResources.emulator();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Tenant tenant;
    private String key;

    @BeforeEach
    void tenant() {
        tenant = createTenant.execute(new CreateTenant.Command("traced-" + UUID.randomUUID()));
        key = issueApiKey.execute(new IssueApiKey.Command(tenant.id(), "tracing test")).secret().reveal();
        emulator.faults().clear();
        InMemorySpans.EXPORTER.reset();
    }

    @AfterEach
    void clear() {
        emulator.faults().clear();
    }

    @Test
    void anEndpointTurnsTheSdkOn() {
        assertThat(ConfigProvider.getConfig().getValue(TracingSwitch.SDK_DISABLED, Boolean.class)).isFalse();
        assertThat(tracing).isInstanceOf(OpenTelemetryRequestTracing.class);
    }

    @Test
    void aGenerationThatRetriesOnceIsOneServerSpanWithTwoAttemptSpans() throws Exception {
        emulator.faults().forModel(MODEL).serverError(1, 503);

        HttpResponse<String> response = generate(key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String requestId = response.headers().firstValue("x-gemgate-request-id").orElseThrow();
        JsonNode usage = json.readTree(response.body()).path("usageMetadata");
        String answer = json.readTree(response.body()).path("candidates").path(0).path("content").path("parts")
                .path(0).path("text").asText();
        assertThat(answer).isNotBlank();

        SpanData server = await("the request's server span", () -> InMemorySpans.EXPORTER.getFinishedSpanItems()
                .stream().filter(s -> s.getKind() == SpanKind.SERVER
                        && requestId.equals(s.getAttributes().get(REQUEST_ID))).findFirst().orElse(null));
        List<SpanData> attempts = InMemorySpans.EXPORTER.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(server.getSpanId()) && s.getKind() == SpanKind.CLIENT)
                .sorted(Comparator.comparing(s -> s.getAttributes().get(ATTEMPT)))
                .toList();

        // the request: who, which request, which model, how it ended
        assertThat(server.getAttributes().get(TENANT)).isEqualTo(tenant.id().toString());
        assertThat(server.getAttributes().get(OPERATION)).isEqualTo("generate_content");
        assertThat(server.getAttributes().get(REQUEST_MODEL)).isEqualTo(MODEL);
        assertThat(server.getAttributes().get(RESPONSE_MODEL)).isEqualTo(MODEL);
        assertThat(server.getAttributes().get(PROVIDER)).isEqualTo("gcp.gemini");
        assertThat(server.getAttributes().get(OUTCOME)).isEqualTo("SUCCESS");
        assertThat(server.getAttributes().get(INPUT_TOKENS)).isEqualTo(usage.path("promptTokenCount").asLong());
        assertThat(server.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(
                usage.path("candidatesTokenCount").asLong() + usage.path("thoughtsTokenCount").asLong());
        assertThat(server.getAttributes().get(FINISH_REASONS)).containsExactly("STOP");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("url.query")))
                .isEqualTo("alt=json&key=" + AccessLogKeyRedaction.REDACTED);

        // two attempts, children of the request's span in its trace: a 503, then the answer
        assertThat(attempts).hasSize(2);
        SpanData failed = attempts.get(0);
        SpanData served = attempts.get(1);
        for (SpanData attempt : attempts) {
            assertThat(attempt.getTraceId()).isEqualTo(server.getTraceId());
            assertThat(attempt.getName()).isEqualTo("generate_content " + MODEL);
            assertThat(attempt.getAttributes().get(PROVIDER)).isEqualTo("gcp.gemini");
            assertThat(attempt.getAttributes().get(SYSTEM)).isEqualTo("gcp.gemini");
            assertThat(attempt.getAttributes().get(REQUEST_MODEL)).isEqualTo(MODEL);
            assertThat(attempt.getAttributes().get(TENANT)).isEqualTo(tenant.id().toString());
            assertThat(attempt.getAttributes().get(REQUEST_ID)).isEqualTo(requestId);
            assertThat(attempt.getAttributes().get(CREDENTIAL)).isNotBlank();
        }
        assertThat(failed.getAttributes().get(ATTEMPT)).isEqualTo(1L);
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(ERROR_TYPE)).isEqualTo("unavailable");
        assertThat(failed.getAttributes().get(HTTP_STATUS)).isEqualTo(503L);
        assertThat(failed.getAttributes().get(INPUT_TOKENS)).isNull();
        assertThat(served.getAttributes().get(ATTEMPT)).isEqualTo(2L);
        assertThat(served.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(served.getAttributes().get(OUTCOME)).isEqualTo("SUCCESS");
        assertThat(served.getAttributes().get(RESPONSE_MODEL)).isEqualTo(MODEL);
        assertThat(served.getAttributes().get(INPUT_TOKENS)).isEqualTo(usage.path("promptTokenCount").asLong());
        assertThat(served.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(server.getAttributes().get(OUTPUT_TOKENS));
        assertThat(served.getAttributes().get(FINISH_REASONS)).containsExactly("STOP");
        assertThat(failed.getStartEpochNanos()).isLessThan(served.getStartEpochNanos());

        // no prompt, answer or key in any span, nor in what was exported over OTLP
        for (SpanData span : List.of(server, failed, served)) {
            String attributes = span.getAttributes().toString() + span.getEvents() + span.getStatus();
            assertThat(attributes).doesNotContain(PROMPT_MARKER).doesNotContain(answer).doesNotContain(key);
        }
        // the exports come in batches: the failed attempt's span may leave before the others
        String exported = await("the request's spans exported over OTLP", () -> {
            String all = OtlpReceiver.get().traces().stream()
                    .map(body -> new String(body, StandardCharsets.ISO_8859_1)).reduce("", String::concat);
            // the attempts' spans name the request; the server span alone has the query string
            return all.contains(requestId) && all.contains("gen_ai.response.finish_reasons")
                    && all.contains("url.query") ? all : null;
        });
        assertThat(exported).contains(tenant.id().toString()).contains("key=" + AccessLogKeyRedaction.REDACTED)
                .doesNotContain(PROMPT_MARKER).doesNotContain(answer).doesNotContain(key);
    }

    @Test
    void aRequestsLogLinesCarryItsTraceId() throws Exception {
        List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                ExtLogRecord logged = (ExtLogRecord) record;
                logged.copyMdc(); // now, on the request's thread: the MDC is read lazily otherwise
                records.add(logged);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(LogContextProbe.CATEGORY);
        logger.addHandler(capture);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create(gateway + "test-only/log-context")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        } finally {
            logger.removeHandler(capture);
        }
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.getMdc("requestId")).isEqualTo("probe-request");
            assertThat(record.getMdc("traceId")).matches("[0-9a-f]{32}");
            assertThat(record.getMdc("spanId")).matches("[0-9a-f]{16}");
        });
    }

    @Test
    void theAccessLogHasTheRequestInTheCombinedFormatWithItsKeyRedacted() throws Exception {
        HttpResponse<String> response = generate(URLEncoder.encode(key, StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        String line = await("the request's access log line", () -> {
            try {
                return Files.exists(ACCESS_LOG) ? Files.readAllLines(ACCESS_LOG).stream()
                        .filter(l -> l.contains(MODEL + ":generateContent?alt=json&key=")).reduce((a, b) -> b)
                        .orElse(null) : null;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // combined: host ident user [time] "request line" status bytes "referer" "user agent"
        assertThat(line).matches("\\S+ - - \\[[^]]+] \"POST /v1beta/models/" + MODEL
                + ":generateContent\\?alt=json&key=REDACTED HTTP/[0-9.]+\" 200 \\d+ \"-\" \"[^\"]+\"");
        assertThat(Files.readString(ACCESS_LOG)).doesNotContain(key);
    }

    private HttpResponse<String> generate(String keyParameter) throws Exception {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + PROMPT_MARKER + "\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":50}}";
        return http.send(HttpRequest.newBuilder(URI.create(gateway + "v1beta/models/" + MODEL
                        + ":generateContent?alt=json&key=" + keyParameter))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Spans end and are exported after the response was sent: waits (bounded) for what should arrive. */
    private static <T> T await(String what, Supplier<T> probe) {
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(until)) {
            T found = probe.get();
            if (found != null) {
                return found;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no " + what + " within 20 s");
    }
}
