package dev.gemgate.adapter.gemini;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.Client;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One SDK {@link Client} per upstream credential, built on first use and shared (a Client is thread-safe and owns an
 * OkHttp connection pool). A credential whose settings change under the same id (a rotated key) gets a new client;
 * the old one is kept until {@link #close()} because calls may still be running on it.
 */
final class GenAiClients implements AutoCloseable {
    static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    private record Entry(UpstreamCredential credential, Client client) {
    }

    private final GenAiSettings settings;
    private final Map<UpstreamCredentialId, Entry> clients = new ConcurrentHashMap<>();
    private final List<Client> retired = new ArrayList<>();
    private volatile boolean closed;

    GenAiClients(GenAiSettings settings) {
        this.settings = settings;
    }

    Client clientFor(UpstreamCredential credential) {
        if (closed) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, 0, "the Gemini adapter is closed");
        }
        Entry entry = clients.compute(credential.id(), (id, existing) -> {
            if (existing != null && existing.credential().equals(credential)) {
                return existing;
            }
            if (existing != null) {
                synchronized (retired) {
                    retired.add(existing.client());
                }
            }
            return new Entry(credential, build(credential));
        });
        return entry.client();
    }

    private Client build(UpstreamCredential credential) {
        // Gemgate owns retries: one attempt, and initialDelay 0 because the SDK otherwise sleeps before throwing.
        HttpOptions.Builder http = HttpOptions.builder()
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build());
        credential.baseUrl().ifPresent(http::baseUrl);
        Client.Builder builder = Client.builder();
        switch (credential.mode()) {
            case GEMINI_API_KEY -> builder.vertexAI(false)
                    .apiKey(credential.secret())
                    .httpOptions(http.apiVersion(settings.geminiApiVersion()).build());
            case VERTEX_AI -> builder.vertexAI(true)
                    .project(credential.vertexProject().orElseThrow())
                    .location(credential.vertexLocation().orElseThrow())
                    .credentials(googleCredentials(credential))
                    .httpOptions(http.apiVersion(settings.vertexApiVersion()).build());
        }
        return builder.build();
    }

    /**
     * A service-account JSON key (it starts with "{"), else a static OAuth access token (short-lived tokens minted
     * elsewhere, and tests), else, when there is no secret at all, the application default credentials.
     */
    private static GoogleCredentials googleCredentials(UpstreamCredential credential) {
        String secret = credential.secret() == null ? "" : credential.secret().strip();
        try {
            if (secret.isEmpty()) {
                return GoogleCredentials.getApplicationDefault().createScoped(List.of(CLOUD_PLATFORM_SCOPE));
            }
            if (secret.startsWith("{")) {
                return GoogleCredentials.fromStream(new ByteArrayInputStream(secret.getBytes(StandardCharsets.UTF_8)))
                        .createScoped(List.of(CLOUD_PLATFORM_SCOPE));
            }
            Date farFuture = Date.from(Instant.parse("9999-12-31T00:00:00Z"));
            return GoogleCredentials.create(new AccessToken(secret, farFuture));
        } catch (IOException | RuntimeException e) {
            // The parser's message could quote the key material: keep neither message nor cause.
            throw new UpstreamException(UpstreamException.Kind.CREDENTIAL_REJECTED, 0,
                    "upstream credential " + credential.id() + " is not a usable Vertex AI credential", null, null);
        }
    }

    @Override
    public void close() {
        closed = true;
        List<Client> all = new ArrayList<>();
        clients.values().forEach(e -> all.add(e.client()));
        clients.clear();
        synchronized (retired) {
            all.addAll(retired);
            retired.clear();
        }
        for (Client client : all) {
            try {
                client.close();
            } catch (RuntimeException e) {
                // closing the others matters more
            }
        }
    }
}
