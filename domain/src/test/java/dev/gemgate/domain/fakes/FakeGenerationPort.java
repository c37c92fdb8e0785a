package dev.gemgate.domain.fakes;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.Content;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.OptionalLong;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory upstream: answers {@code "Echo: <last user text>"} with usage from {@link TokenEstimator}, fails the
 * next calls as scripted with {@link #failNext} (any exception: typed upstream failures or unexpected ones), and records every request it receives.
 */
public final class FakeGenerationPort implements GenerationPort {
    private final List<ModelInfo> models;
    private final Deque<RuntimeException> scriptedFailures = new ArrayDeque<>();
    public final List<GenerationRequest> received = new CopyOnWriteArrayList<>();

    public FakeGenerationPort(List<String> modelNames) {
        this.models = modelNames.stream()
                .map(n -> new ModelInfo(ModelId.parse(n), n, 1_048_576, 65_536, List.of("generateContent", "countTokens")))
                .toList();
    }

    public synchronized FakeGenerationPort failNext(RuntimeException failure) {
        scriptedFailures.add(failure);
        return this;
    }

    private synchronized void maybeFail() {
        RuntimeException failure = scriptedFailures.poll();
        if (failure != null) {
            throw failure;
        }
    }

    private void requireModel(ModelId model) {
        if (models.stream().noneMatch(m -> m.id().equals(model))) {
            throw new UpstreamException(UpstreamException.Kind.NOT_FOUND, 404, "models/" + model + " is not found");
        }
    }

    @Override
    public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        received.add(request);
        maybeFail();
        requireModel(request.model());
        List<Content> contents = request.contents();
        String reply = "Echo: " + contents.get(contents.size() - 1).text();
        long prompt = new TokenEstimator().estimateInput(request);
        long output = TokenEstimator.countText(reply);
        Usage usage = new Usage(prompt, output, 0, 0);
        Map<String, Object> body = Map.of(
                "candidates", List.of(Map.of(
                        "content", Map.of("role", "model", "parts", List.of(Map.of("text", reply))),
                        "finishReason", "STOP", "index", 0)),
                "usageMetadata", Map.of("promptTokenCount", prompt, "candidatesTokenCount", output,
                        "totalTokenCount", prompt + output),
                "modelVersion", request.model().value());
        return new GenerationResponse(request.model(), body, usage);
    }

    /**
     * Streams the echo one word per chunk, each chunk's JSON text written by hand; the last chunk carries finishReason
     * and the usage. Stops without a callback when the observer returns false or {@code cancellation} is signalled.
     * A failure scripted with {@link #failStreamAfter} ends the stream with {@code onError} after that many chunks.
     */
    @Override
    public void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                       Cancellation cancellation, StreamObserver observer) {
        GenerationResponse whole;
        try {
            whole = generate(request, credential, limits.total());
        } catch (UpstreamException e) {
            observer.onError(e);
            return;
        }
        String[] words = whole.text().split(" ");
        StreamFailure failure;
        synchronized (this) {
            failure = scriptedStreamFailure;
            scriptedStreamFailure = null;
        }
        for (int i = 0; i < words.length; i++) {
            if (failure != null && i == failure.afterChunks()) {
                observer.onError(failure.failure());
                return;
            }
            if (cancellation.isCancelled()) {
                return;
            }
            boolean last = i == words.length - 1;
            String piece = (i == 0 ? "" : " ") + words[i];
            Map<String, Object> body = new LinkedHashMap<>();
            Map<String, Object> candidate = new LinkedHashMap<>();
            candidate.put("content", Map.of("role", "model", "parts", List.of(Map.of("text", piece))));
            StringBuilder json = new StringBuilder("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"")
                    .append(piece.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"}]}");
            Optional<Usage> usage = Optional.empty();
            if (last) {
                candidate.put("finishReason", "STOP");
                json.append(",\"finishReason\":\"STOP\"");
                usage = Optional.of(whole.usage());
                body.put("usageMetadata", whole.body().get("usageMetadata"));
                json.append("}],\"usageMetadata\":{\"promptTokenCount\":").append(whole.usage().promptTokens())
                        .append(",\"candidatesTokenCount\":").append(whole.usage().candidatesTokens()).append("}}");
            } else {
                json.append("}]}");
            }
            body.put("candidates", List.of(candidate));
            GenerationResponse chunk = new GenerationResponse(request.model(), body, usage.orElse(Usage.NONE));
            streamedChunks.add(json.toString());
            if (!observer.onChunk(new StreamChunk(json.toString(), chunk, usage, System.nanoTime()))) {
                return;
            }
        }
        observer.onComplete();
    }

    private record StreamFailure(int afterChunks, RuntimeException failure) {
    }

    private StreamFailure scriptedStreamFailure;
    /** The JSON text of every chunk streamed, in order. */
    public final List<String> streamedChunks = new CopyOnWriteArrayList<>();

    /** The next stream sends {@code chunks} chunks, then ends with {@code onError(failure)}. */
    public synchronized FakeGenerationPort failStreamAfter(int chunks, RuntimeException failure) {
        scriptedStreamFailure = new StreamFailure(chunks, failure);
        return this;
    }

    @Override
    public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        received.add(request);
        maybeFail();
        requireModel(request.model());
        return new TokenEstimator().estimateInput(request);
    }

    /** Every embedding request that reached this upstream. */
    public final List<EmbeddingRequest> embedded = new CopyOnWriteArrayList<>();

    /** One two-number vector per content ({@code [characters, 1]}), in the method's own answer form. */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
        embedded.add(request);
        maybeFail();
        List<String> vectors = new ArrayList<>();
        for (Content content : request.contents()) {
            vectors.add("{\"values\":[" + content.text().length() + ",1]}");
        }
        String json = request.method() == EmbeddingRequest.Method.EMBED_CONTENT
                ? "{\"embedding\":" + vectors.getFirst() + "}"
                : "{\"embeddings\":[" + String.join(",", vectors) + "]}";
        return new EmbeddingResponse(json, OptionalLong.empty());
    }

    @Override
    public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
        maybeFail();
        return models;
    }

    @Override
    public Optional<ModelInfo> getModel(ModelId model, UpstreamCredential credential, Duration timeout) {
        maybeFail();
        return models.stream().filter(m -> m.id().equals(model)).findFirst();
    }
}
