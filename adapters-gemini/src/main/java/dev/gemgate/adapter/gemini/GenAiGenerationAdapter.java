package dev.gemgate.adapter.gemini;

import com.google.genai.ApiResponse;
import com.google.genai.Client;
import com.google.genai.Pager;
import com.google.genai.ResponseStream;
import com.google.genai.errors.GenAiIOException;
import com.google.genai.types.Content;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.ContentEmbeddingStatistics;
import com.google.genai.types.CountTokensConfig;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GetModelConfig;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpResponse;
import com.google.genai.types.ListModelsConfig;
import com.google.genai.types.Model;
import com.google.genai.types.Part;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link GenerationPort} on Google's google-genai Java SDK, in Gemini Developer API (API key) and Vertex AI modes.
 *
 * <p>The tenant's request body reaches Google untouched: the SDK builds its own body from typed {@code contents},
 * and the original body is handed to it as {@link HttpOptions#extraBody()}, which the SDK deep-merges over its own
 * (objects merged, everything else, lists included, replaced). As the SDK body holds nothing the tenant's lacks, the
 * wire body is the tenant's body, unknown fields included. A generateContent response is returned exactly as Google
 * sent it (the SDK's raw HTTP body); streamed chunks pass through the SDK's typed model, which keeps the fields it
 * knows.
 *
 * <p>Plain Java: the application wires one instance and closes it on shutdown (it closes every SDK client).
 */
public final class GenAiGenerationAdapter implements GenerationPort, AutoCloseable {
    private static final int LIST_PAGE_SIZE = 1000;

    private final GenAiClients clients;
    private final JsonBodies json = new JsonBodies();

    public GenAiGenerationAdapter() {
        this(GenAiSettings.defaults());
    }

    public GenAiGenerationAdapter(GenAiSettings settings) {
        this.clients = new GenAiClients(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        if (credential.mode() == UpstreamCredential.Mode.GEMINI_API_KEY) {
            return call(credential, deadline, () -> generateRaw(request, credential, deadline));
        }
        return call(credential, deadline, () -> {
            GenerateContentConfig config = GenerateContentConfig.builder()
                    .httpOptions(callOptions(deadline, request.body()))
                    // the raw body: Google's response with every field, unparsed by the SDK's typed model
                    .shouldReturnHttpResponse(true)
                    .build();
            GenerateContentResponse response = client(credential).models
                    .generateContent(request.model().value(), sdkContents(request), config);
            Map<String, Object> body = response.sdkHttpResponse().flatMap(HttpResponse::body)
                    .map(json::parseObject)
                    .orElseGet(() -> json.toTree(response));
            return new GenerationResponse(request.model(), body, JsonBodies.usage(body));
        });
    }

    /**
     * The hot path in API-key mode: the tenant's body goes out exactly as it came through the SDK's own HTTP client,
     * which adds the key, base URL, API version and client headers and raises the SDK's typed exceptions for error
     * replies; the reply comes back unparsed by the SDK's typed model. Profiling showed the typed round trip (tree to
     * SDK objects to tree, twice) as the largest cost of a gateway call. "Exactly": the request's original text when
     * it has one (a tree would send {@code 1e-400} as {@code 0.0} and {@code -0} as {@code 0}), else the tree written
     * once. The SDK sends a String body as UTF-8, so valid UTF-8 text goes out byte for byte.
     */
    private GenerationResponse generateRaw(GenerationRequest request, UpstreamCredential credential,
                                           Deadline deadline) {
        String path = request.model().resourceName() + ":generateContent";
        String body = request.originalJson().orElseGet(() -> json.write(request.body()));
        // The deadline cancels the OkHttp call (RST_STREAM on a shared h2 connection), on any thread; no per-call
        // HttpOptions timeout, which would cost a throw-away client and okio's AsyncTimeout per call.
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(deadline.remaining())) {
            try {
                return postRaw(request, credential, path, body, Optional.empty());
            } catch (RuntimeException e) {
                throw UpstreamErrors.translate(e, credential.secret(), guard);
            }
        }
    }

    private GenerationResponse postRaw(GenerationRequest request, UpstreamCredential credential, String path,
                                       String body, Optional<HttpOptions> options) {
        try (ApiResponse response = clients.rawClientFor(credential).request("post", path, body, options)) {
            Map<String, Object> reply = json.parseObject(response.getBody().string());
            return new GenerationResponse(request.model(), reply, JsonBodies.usage(reply));
        } catch (IOException e) {
            throw new GenAiIOException("Failed to read the HTTP response", e);
        }
    }

    /**
     * Delivers chunks as they arrive and ends with exactly one of {@code onComplete} (the usage of the last chunk that
     * carried usageMetadata) or {@code onError}, unless the observer cancels by returning false from {@code onChunk}:
     * the upstream call is then closed and no further callback is made. Exceptions thrown by the observer propagate.
     */
    @Override
    public void stream(GenerationRequest request, UpstreamCredential credential, Duration timeout,
                       StreamObserver observer) {
        Objects.requireNonNull(observer, "observer");
        Deadline deadline;
        ResponseStream<GenerateContentResponse> stream;
        try {
            deadline = Deadline.after(timeout);
            stream = call(credential, deadline, () -> client(credential).models.generateContentStream(
                    request.model().value(), sdkContents(request),
                    GenerateContentConfig.builder().httpOptions(callOptions(deadline, request.body())).build()));
        } catch (UpstreamException e) {
            observer.onError(e);
            return;
        }
        try {
            Iterator<GenerateContentResponse> chunks = stream.iterator();
            Usage usage = Usage.NONE;
            while (true) {
                Optional<Map<String, Object>> next;
                try {
                    next = call(credential, deadline, () -> chunks.hasNext()
                            ? Optional.of(json.toTree(chunks.next())) : Optional.empty());
                } catch (UpstreamException e) {
                    observer.onError(e);
                    return;
                }
                if (next.isEmpty()) {
                    break;
                }
                Map<String, Object> body = next.get();
                if (JsonBodies.hasUsage(body)) {
                    usage = JsonBodies.usage(body);
                }
                if (!observer.onChunk(new GenerationResponse(request.model(), body, usage))) {
                    return;
                }
            }
            observer.onComplete(usage);
        } finally {
            closeQuietly(stream);
        }
    }

    /** Closing drops the connection of an unfinished stream; a failure to close changes nothing for the caller. */
    private static void closeQuietly(ResponseStream<?> stream) {
        try {
            stream.close();
        } catch (RuntimeException ignored) {
            // the outcome has been reported already
        }
    }

    /** Google's countTokens takes {@code contents} only here; the tenant's contents go as they came. */
    @Override
    public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        return call(credential, deadline, () -> {
            Map<String, Object> contentsOnly = Map.of("contents", request.body().get("contents"));
            CountTokensConfig config = CountTokensConfig.builder().httpOptions(callOptions(deadline, contentsOnly))
                    .build();
            return client(credential).models.countTokens(request.model().value(), sdkContents(request), config)
                    .totalTokens()
                    .map(Integer::longValue)
                    .orElseThrow(() -> new UpstreamException(Kind.PROTOCOL_ERROR, 200,
                            "the upstream's countTokens response has no totalTokens"));
        });
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        return call(credential, deadline, () -> {
            EmbedContentConfig.Builder config = EmbedContentConfig.builder().httpOptions(callOptions(deadline, null));
            request.outputDimensionality().ifPresent(config::outputDimensionality);
            EmbedContentResponse response = client(credential).models
                    .embedContent(request.model().value(), request.texts(), config.build());
            List<ContentEmbedding> embeddings = response.embeddings().orElse(List.of());
            if (embeddings.size() != request.texts().size()) {
                throw new UpstreamException(Kind.PROTOCOL_ERROR, 200, "the upstream returned " + embeddings.size()
                        + " embeddings for " + request.texts().size() + " texts");
            }
            List<float[]> vectors = new ArrayList<>(embeddings.size());
            long reportedTokens = 0;
            boolean allReported = true;
            for (ContentEmbedding embedding : embeddings) {
                List<Float> values = embedding.values().orElse(List.of());
                float[] vector = new float[values.size()];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = values.get(i);
                }
                vectors.add(vector);
                Optional<Float> tokens = embedding.statistics().flatMap(ContentEmbeddingStatistics::tokenCount);
                allReported &= tokens.isPresent();
                reportedTokens += tokens.map(Float::longValue).orElse(0L);
            }
            // Vertex reports tokens per embedding; the Developer API reports none, so we estimate as for admission.
            long inputTokens = allReported ? reportedTokens
                    : request.texts().stream().mapToLong(TokenEstimator::countText).sum();
            return new EmbeddingResponse(vectors, inputTokens);
        });
    }

    @Override
    public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        return call(credential, deadline, () -> {
            Pager<Model> pager = client(credential).models.list(ListModelsConfig.builder()
                    .pageSize(LIST_PAGE_SIZE).httpOptions(callOptions(deadline, null)).build());
            List<ModelInfo> models = new ArrayList<>();
            for (Model model : pager) {
                toModelInfo(model, null).ifPresent(models::add);
                if (deadline.passed()) {
                    throw new UpstreamException(Kind.TIMEOUT, 0, "the upstream did not list its models in time");
                }
            }
            return List.copyOf(models);
        });
    }

    @Override
    public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        try {
            return call(credential, deadline, () -> toModelInfo(client(credential).models.get(model.value(),
                    GetModelConfig.builder().httpOptions(callOptions(deadline, null)).build()), model));
        } catch (UpstreamException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Closes every SDK client (their connection pools and threads). */
    @Override
    public void close() {
        clients.close();
    }

    private Client client(UpstreamCredential credential) {
        return clients.clientFor(credential);
    }

    /** Per call: the timeout (OkHttp's call timeout, which spans connect to the last byte) and the body to send. */
    private static HttpOptions callOptions(Deadline deadline, Map<String, Object> extraBody) {
        HttpOptions.Builder options = HttpOptions.builder().timeout(deadline.remainingMillis());
        if (extraBody != null) {
            options.extraBody(extraBody);
        }
        return options.build();
    }

    /**
     * The SDK needs typed contents to build its request; what goes on the wire is the tenant's list (extraBody
     * replaces lists). A content the SDK's model cannot read (e.g. URL-safe base64, which the domain accepts) is
     * stood in for by its text, for the same reason.
     */
    private List<Content> sdkContents(GenerationRequest request) {
        List<Object> raw = JsonTree.array(request.body(), "contents").orElse(List.of());
        List<Content> contents = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            try {
                contents.add(Content.fromJson(json.write(raw.get(i))));
            } catch (RuntimeException unreadable) {
                dev.gemgate.domain.generation.Content typed = request.contents().get(i);
                contents.add(Content.builder().role(typed.role().orElse("user"))
                        .parts(List.of(Part.fromText(typed.text()))).build());
            }
        }
        return contents;
    }

    private static Optional<ModelInfo> toModelInfo(Model model, ModelId requested) {
        Optional<ModelId> id = model.name().map(n -> n.substring(n.lastIndexOf('/') + 1))
                .filter(ModelId::isValid).map(ModelId::parse);
        if (id.isEmpty()) {
            id = Optional.ofNullable(requested);
        }
        return id.map(modelId -> new ModelInfo(modelId,
                model.displayName().orElse(modelId.value()),
                Math.max(0, model.inputTokenLimit().orElse(0)),
                Math.max(0, model.outputTokenLimit().orElse(0)),
                model.supportedActions().orElse(List.of())));
    }

    private static <T> T call(UpstreamCredential credential, Deadline deadline, Supplier<T> work) {
        try {
            return work.get();
        } catch (UpstreamException e) {
            throw e;
        } catch (RuntimeException e) {
            throw UpstreamErrors.translate(e, credential.secret(), deadline.passed());
        }
    }

    /** The call's deadline, from the caller's timeout. */
    private record Deadline(long startNanos, Duration timeout) {
        static Deadline after(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new UpstreamException(Kind.TIMEOUT, 0, "no time left to call the upstream");
            }
            return new Deadline(System.nanoTime(), timeout);
        }

        Duration remaining() {
            return timeout.minusNanos(System.nanoTime() - startNanos);
        }

        boolean passed() {
            return remaining().isNegative() || remaining().isZero();
        }

        int remainingMillis() {
            long millis = remaining().toMillis();
            if (millis <= 0) {
                throw new UpstreamException(Kind.TIMEOUT, 0, "no time left to call the upstream");
            }
            return (int) Math.min(Integer.MAX_VALUE, millis);
        }
    }
}
