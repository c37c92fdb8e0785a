package dev.gemgate.adapter.gemini;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link GenAiGenerationAdapter} talks to Google.
 *
 * @param geminiApiVersion         the Gemini Developer API version in request paths ({@code v1beta} by default: the
 *                                 Java SDK 2.0.0 would otherwise call {@code /v1/}, where newer fields are missing)
 * @param vertexApiVersion         the Vertex AI API version ({@code v1beta1}, the SDK's own default)
 * @param extraTrustedCertificates certificate authorities trusted for upstream TLS <em>in addition to</em> the JDK's
 *                                 own (empty by default: the JDK's trust alone). For a corporate TLS-inspecting proxy
 *                                 between Gemgate and Google, or a private upstream with its own CA. Hostnames are
 *                                 still verified; nothing is ever "trust all".
 * @param embedBatching            micro-batching of embeddings in API-key mode ({@link EmbedBatching}; off by default)
 * @param transport                what carries the raw calls (generation, embeddings) once the SDK has built them
 *                                 ({@link Transport}; Vert.x's HTTP client by default)
 */
public record GenAiSettings(String geminiApiVersion, String vertexApiVersion,
                            List<X509Certificate> extraTrustedCertificates, int poolShards,
                            EmbedBatching embedBatching, Transport transport) {
    /** Connection pools raw calls are spread over by default (see {@code GenAiClients.POOL_SHARDS}). */
    public static final int DEFAULT_POOL_SHARDS = 8;

    public static final String DEFAULT_GEMINI_API_VERSION = "v1beta";
    public static final String DEFAULT_VERTEX_API_VERSION = "v1beta1";

    public GenAiSettings {
        if (geminiApiVersion == null || !geminiApiVersion.matches("v[0-9a-z]+")) {
            throw new IllegalArgumentException("not an API version: " + geminiApiVersion);
        }
        if (vertexApiVersion == null || !vertexApiVersion.matches("v[0-9a-z]+")) {
            throw new IllegalArgumentException("not an API version: " + vertexApiVersion);
        }
        extraTrustedCertificates = List.copyOf(Objects.requireNonNull(extraTrustedCertificates,
                "extraTrustedCertificates"));
        if (poolShards < 1 || poolShards > 64) {
            throw new IllegalArgumentException("poolShards must be from 1 to 64: " + poolShards);
        }
        Objects.requireNonNull(embedBatching, "embedBatching");
        Objects.requireNonNull(transport, "transport");
    }

    /**
     * What sends a raw call (generation, embeddings) once the SDK has built it: its URL, API version, key or Vertex AI
     * token, client headers and body all come from the SDK's own request building either way, and an error answer is
     * raised as the SDK raises it. Streams and the SDK's typed calls (countTokens, models, files, batches, caches) always
     * go through the SDK's OkHttp client.
     */
    public enum Transport {
        /**
         * Vert.x's HTTP client, on the event loops of the Vert.x instance given to the adapter (the server's, in the
         * application): no thread of its own, no global lock on the call path. HTTP/1.1 to a plain {@code http} base
         * URL, HTTP/2 (ALPN, HTTP/1.1 fallback) over TLS.
         */
        VERTX,
        /** The SDK's OkHttp client, as the SDK itself sends (the transport of every call before issue 21's change). */
        OKHTTP
    }

    public GenAiSettings(String geminiApiVersion, String vertexApiVersion,
                         List<X509Certificate> extraTrustedCertificates, int poolShards, EmbedBatching embedBatching) {
        this(geminiApiVersion, vertexApiVersion, extraTrustedCertificates, poolShards, embedBatching, Transport.VERTX);
    }

    public GenAiSettings(String geminiApiVersion, String vertexApiVersion,
                         List<X509Certificate> extraTrustedCertificates, int poolShards) {
        this(geminiApiVersion, vertexApiVersion, extraTrustedCertificates, poolShards, EmbedBatching.off());
    }

    public GenAiSettings(String geminiApiVersion, String vertexApiVersion,
                         List<X509Certificate> extraTrustedCertificates) {
        this(geminiApiVersion, vertexApiVersion, extraTrustedCertificates, DEFAULT_POOL_SHARDS);
    }

    public GenAiSettings(String geminiApiVersion, String vertexApiVersion) {
        this(geminiApiVersion, vertexApiVersion, List.of());
    }

    /**
     * These settings with raw calls spread over {@code shards} connection pools (1: one pool, so that calls to an
     * HTTP/2 upstream share one connection).
     */
    public GenAiSettings withPoolShards(int shards) {
        return new GenAiSettings(geminiApiVersion, vertexApiVersion, extraTrustedCertificates, shards, embedBatching,
                transport);
    }

    /** These settings with embeddings micro-batched as {@code batching} says. */
    public GenAiSettings withEmbedBatching(EmbedBatching batching) {
        return new GenAiSettings(geminiApiVersion, vertexApiVersion, extraTrustedCertificates, poolShards, batching,
                transport);
    }

    /** These settings with raw calls sent by {@code transport}. */
    public GenAiSettings withTransport(Transport transport) {
        return new GenAiSettings(geminiApiVersion, vertexApiVersion, extraTrustedCertificates, poolShards, embedBatching,
                transport);
    }

    public static GenAiSettings defaults() {
        return new GenAiSettings(DEFAULT_GEMINI_API_VERSION, DEFAULT_VERTEX_API_VERSION);
    }

    public GenAiSettings withGeminiApiVersion(String version) {
        return new GenAiSettings(version, vertexApiVersion, extraTrustedCertificates, poolShards, embedBatching,
                transport);
    }

    /** These settings, trusting {@code certificates} for upstream TLS besides the JDK's own authorities. */
    public GenAiSettings withExtraTrustedCertificates(List<X509Certificate> certificates) {
        return new GenAiSettings(geminiApiVersion, vertexApiVersion, certificates, poolShards, embedBatching,
                transport);
    }

    /**
     * The certificates in PEM text (one or more {@code -----BEGIN CERTIFICATE-----} blocks), e.g. a CA bundle file's
     * content.
     *
     * @throws IllegalArgumentException if the text holds no certificate or one that cannot be read
     */
    public static List<X509Certificate> certificatesFromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                certificates.add((X509Certificate) c);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate found");
            }
            return List.copyOf(certificates);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a readable PEM certificate: " + e.getMessage(), e);
        }
    }
}
