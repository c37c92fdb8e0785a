package dev.gemgate.adapter.gemini;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One SDK {@link Client} per upstream credential, built on first use and shared (a Client is thread-safe and owns an
 * OkHttp connection pool). A credential whose settings change under the same id (a rotated key) gets a new client;
 * the old one is kept until {@link #close()} because calls may still be running on it.
 */
final class GenAiClients implements AutoCloseable {
    static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    /**
     * {@code raw} is the same SDK transport (auth, base URL, API version, the Vertex project path, error mapping)
     * without the typed model: generation in both modes goes through it, bodies as JSON text.
     */
    private record Entry(UpstreamCredential credential, Client client, List<RawRequests> raws) {
        /** A shard picked at random: calls spread evenly without any shared counter. */
        RawRequests raw() {
            return raws.size() == 1 ? raws.getFirst() : raws.get(ThreadLocalRandom.current().nextInt(raws.size()));
        }
    }

    /*
     * Connection pools the raw calls are spread over (GenAiSettings.poolShards, 8 by default). OkHttp scans every
     * connection of a pool, busy ones included, to find one for a new call: with thousands of calls in flight (long
     * streams, a slow upstream) that scan was the hottest frame of the benchmark. Eight pools cut each scan eightfold;
     * each keeps its share of idle connections.
     */

    /**
     * Idle upstream connections kept for reuse. OkHttp's default of 5 makes a gateway with dozens of concurrent calls
     * open and close a TCP (and, to Google, TLS) connection for most requests; measured with infra/bench.
     */
    static final int MAX_IDLE_CONNECTIONS = 512;

    private final GenAiSettings settings;
    /**
     * The transports (one dispatcher, {@code settings.poolShards()} connection pools) shared by every credential's clients;
     * the first also carries the SDK's typed calls.
     */
    private final List<OkHttpClient> transports;
    private final Map<UpstreamCredentialId, Entry> clients = new ConcurrentHashMap<>();
    private final List<AutoCloseable> retired = new ArrayList<>();
    private volatile boolean closed;

    GenAiClients(GenAiSettings settings) {
        this.settings = settings;
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(10_000);
        dispatcher.setMaxRequestsPerHost(10_000);
        // No per-read/per-write timeouts: a generation may legitimately take minutes before its first byte, and each
        // socket timeout enters okio's AsyncTimeout (one global, lock-guarded list: the top CPU cost at 64 concurrent
        // calls). A call's deadline is its UpstreamCallGuard (attached by the interceptor, which the SDK keeps: it
        // builds its client with newBuilder() on this one), or else OkHttp's call timeout, set per call.
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ZERO)
                .writeTimeout(Duration.ZERO)
                .addInterceptor(UpstreamCallGuard.INTERCEPTOR);
        if (!settings.extraTrustedCertificates().isEmpty()) {
            UpstreamTrust trust = UpstreamTrust.jdkDefaultPlus(settings.extraTrustedCertificates());
            builder.sslSocketFactory(trust.socketFactory(), trust.trustManager());
        }
        int count = settings.poolShards();
        List<OkHttpClient> shards = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            shards.add(builder.connectionPool(new ConnectionPool(Math.max(1, MAX_IDLE_CONNECTIONS / count), 5,
                    TimeUnit.MINUTES)).build());
        }
        this.transports = List.copyOf(shards);
    }

    /** The transport of the SDK's typed calls (every shard is configured alike). */
    OkHttpClient transport() {
        return transports.getFirst();
    }

    int poolShards() {
        return transports.size();
    }

    Client clientFor(UpstreamCredential credential) {
        return entryFor(credential).client();
    }

    /** The SDK's HTTP client for a Gemini API key (auth, base URL, API version, headers, errors), bodies as JSON text. */
    RawRequests rawClientFor(UpstreamCredential credential) {
        return entryFor(credential).raw();
    }

    private Entry entryFor(UpstreamCredential credential) {
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
                    retired.addAll(existing.raws());
                }
            }
            return build(credential);
        });
        return entry;
    }

    private Entry build(UpstreamCredential credential) {
        // Gemgate owns retries: one attempt, and initialDelay 0 because the SDK otherwise sleeps before throwing.
        HttpOptions.Builder http = HttpOptions.builder()
                .retryOptions(HttpRetryOptions.builder().attempts(1).initialDelay(0.0).build());
        credential.baseUrl().ifPresent(http::baseUrl);
        ClientOptions options = ClientOptions.builder().customHttpClient(transport()).build();
        Client.Builder builder = Client.builder().clientOptions(options);
        return switch (credential.mode()) {
            case GEMINI_API_KEY -> {
                HttpOptions httpOptions = http.apiVersion(settings.geminiApiVersion()).build();
                yield new Entry(credential,
                        builder.vertexAI(false).apiKey(credential.secret()).httpOptions(httpOptions).build(),
                        rawClients(shard -> new RawRequests(credential.secret(), httpOptions, shard)));
            }
            case VERTEX_AI -> {
                HttpOptions httpOptions = http.apiVersion(settings.vertexApiVersion()).build();
                GoogleCredentials google = googleCredentials(credential);
                String project = credential.vertexProject().orElseThrow();
                String location = credential.vertexLocation().orElseThrow();
                yield new Entry(credential, builder.vertexAI(true).project(project).location(location)
                        .credentials(google).httpOptions(httpOptions).build(),
                        rawClients(shard -> new RawRequests(project, location, google, httpOptions, shard)));
            }
        };
    }

    /** One raw client per pool shard. */
    private List<RawRequests> rawClients(Function<ClientOptions, RawRequests> factory) {
        return transports.stream()
                .map(t -> factory.apply(ClientOptions.builder().customHttpClient(t).build()))
                .toList();
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
        List<AutoCloseable> all = new ArrayList<>();
        clients.values().forEach(e -> {
            all.add(e.client());
            all.addAll(e.raws());
        });
        clients.clear();
        synchronized (retired) {
            all.addAll(retired);
            retired.clear();
        }
        for (AutoCloseable client : all) {
            try {
                client.close();
            } catch (Exception e) {
                // closing the others matters more
            }
        }
        transport().dispatcher().executorService().shutdown();
        transports.forEach(t -> t.connectionPool().evictAll());
    }
}
