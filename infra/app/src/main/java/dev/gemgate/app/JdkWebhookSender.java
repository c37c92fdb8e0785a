package dev.gemgate.app;

import dev.gemgate.domain.alert.WebhookResponse;
import dev.gemgate.domain.alert.WebhookSender;
import dev.gemgate.domain.alert.WebhookSignature;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The webhook adapter: one POST per attempt with the JDK's {@link HttpClient} (no dependency; it is blocking here,
 * called on a virtual thread). Headers: {@code X-Gemgate-Signature: sha256=<hex>} ({@link WebhookSignature} of
 * {@code <timestamp>.<body>}), {@code X-Gemgate-Timestamp} (unix seconds of this attempt), {@code X-Gemgate-Event-Id}
 * (the same on every attempt: receivers dedupe on it). Redirects are not followed (a 3xx is a failed attempt). A failure
 * is described by its kind only: the URL (which may carry a token, as chat webhooks do) and the secret never appear in
 * an error, a log line or the deliveries API. Lives in the app module: it is about thirty lines over the JDK, and no
 * adapter module makes outbound HTTP calls but the Gemini one, which must not know of alerts.
 */
final class JdkWebhookSender implements WebhookSender {
    static final String SIGNATURE = "X-Gemgate-Signature";
    static final String TIMESTAMP = "X-Gemgate-Timestamp";
    static final String EVENT_ID = "X-Gemgate-Event-Id";

    private final HttpClient client;
    private final URI url;
    private final WebhookSignature signature;
    private final Duration timeout;

    JdkWebhookSender(URI url, WebhookSignature signature, Duration timeout) {
        this.url = url;
        this.signature = signature;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public WebhookResponse post(UUID eventId, Instant timestamp, String body) {
        long seconds = timestamp.getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Gemgate-Webhook/1")
                .header(EVENT_ID, eventId.toString())
                .header(TIMESTAMP, Long.toString(seconds))
                .header(SIGNATURE, signature.sign(seconds, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            return new WebhookResponse.Answered(client.send(request, HttpResponse.BodyHandlers.discarding())
                    .statusCode());
        } catch (HttpConnectTimeoutException e) {
            return new WebhookResponse.Unreachable("connection timed out after " + timeout);
        } catch (HttpTimeoutException e) {
            return new WebhookResponse.Unreachable("no answer within " + timeout);
        } catch (ConnectException e) {
            return new WebhookResponse.Unreachable("connection failed");
        } catch (IOException e) {
            return new WebhookResponse.Unreachable("I/O error (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WebhookResponse.Unreachable("interrupted (the instance is stopping)");
        } catch (IllegalArgumentException e) {
            return new WebhookResponse.Unreachable("invalid answer (" + e.getClass().getSimpleName() + ")");
        }
    }
}
