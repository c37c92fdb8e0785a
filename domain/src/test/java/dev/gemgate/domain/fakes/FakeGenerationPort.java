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
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

    @Override
    public void stream(GenerationRequest request, UpstreamCredential credential, Duration timeout, StreamObserver observer) {
        try {
            GenerationResponse whole = generate(request, credential, timeout);
            observer.onChunk(whole);
            observer.onComplete(whole.usage());
        } catch (UpstreamException e) {
            observer.onError(e);
        }
    }

    @Override
    public long countTokens(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        received.add(request);
        maybeFail();
        requireModel(request.model());
        return new TokenEstimator().estimateInput(request);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
        maybeFail();
        List<float[]> vectors = new ArrayList<>();
        long tokens = 0;
        for (String text : request.texts()) {
            vectors.add(new float[] {text.length(), 1f});
            tokens += TokenEstimator.countText(text);
        }
        return new EmbeddingResponse(vectors, tokens);
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
