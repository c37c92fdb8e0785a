package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny java.net.http helper for the tests. */
final class EmulatorClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "test-key";

    final String baseUrl;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    EmulatorClient(GeminiEmulator emulator) {
        this.baseUrl = emulator.baseUrl();
    }

    /** A response: status, headers, body and the body parsed as JSON (null when not JSON). */
    record Reply(int status, HttpResponse<String> raw, JsonNode json) {
        String body() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    static String userText(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + quote(text) + "}]}]}";
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply post(String path, String body) {
        return send(request(path).header("x-goog-api-key", KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Reply get(String path) {
        return send(request(path).header("x-goog-api-key", KEY).GET().build());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8");
    }

    Reply send(HttpRequest request) {
        try {
            return wrap(http.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends without wrapping IOExceptions (for the fault tests). */
    HttpResponse<String> sendRaw(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static Reply wrap(HttpResponse<String> response) {
        JsonNode json = null;
        try {
            if (!response.body().isEmpty()) {
                json = JSON.readTree(response.body());
            }
        } catch (IOException e) {
            // not JSON (SSE)
        }
        return new Reply(response.statusCode(), response, json);
    }
}
