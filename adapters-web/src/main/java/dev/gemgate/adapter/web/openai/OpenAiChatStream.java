package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.ResponseStreamSink;
import dev.gemgate.adapter.web.StreamEmitter;
import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes one streamed generation as OpenAI's Server-Sent Events: {@code data: <chat.completion.chunk>} events, for each
 * choice a first delta with the role, then content and tool-call deltas as Gemini's chunks arrive, a chunk with the
 * finish reason, then (with {@code stream_options.include_usage}) a chunk with {@code choices: []} and the usage, and
 * {@code data: [DONE]}. A failure after the first event is an event holding OpenAI's error object, which the SDKs raise
 * (the Java SDK's {@code SseException}).
 */
final class OpenAiChatStream extends ResponseStreamSink {
    private static final Logger LOG = Logger.getLogger(OpenAiChatStream.class);
    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Each choice's first delta, in OpenAI's order: the role, then an empty content. */
    private static final Map<String, Object> ROLE_DELTA = roleDelta();

    private final String id;
    private final long created;
    private final boolean includeUsage;
    private final Set<Integer> started = new HashSet<>();
    private final Map<Integer, Integer> callsSoFar = new HashMap<>();
    private String model;
    private Usage usage = Usage.NONE;

    OpenAiChatStream(StreamEmitter emitter, String id, long created, ModelId requested, boolean includeUsage,
                     AtomicReference<RateLimitStatus> rateLimits, Map<String, String> headers,
                     HttpServerResponse http) {
        super(emitter, rateLimits, headers, http);
        this.id = id;
        this.created = created;
        this.model = requested.value();
        this.includeUsage = includeUsage;
    }

    /** The chunks name the model that serves: a fallback's, when the one asked for could not. */
    @Override
    public void servedBy(ModelId served) {
        model = served.value();
        super.servedBy(served);
    }

    @Override
    public boolean send(StreamChunk chunk) {
        chunk.usage().ifPresent(u -> usage = u);
        Map<String, Object> body = chunk.response().body();
        int firstCall = callsSoFar.values().stream().mapToInt(Integer::intValue).sum();
        for (OpenAiChatResponse.Choice choice : OpenAiChatResponse.choices(body, id, firstCall)) {
            int index = choice.index();
            if (started.add(index) && !event(List.of(choiceDelta(index, ROLE_DELTA, null)))) {
                return false;
            }
            if (!choice.text().isEmpty() && !event(List.of(choiceDelta(index, Map.of("content", choice.text()),
                    null)))) {
                return false;
            }
            int before = callsSoFar.getOrDefault(index, 0);
            for (int k = 0; k < choice.toolCalls().size(); k++) {
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("index", before + k);
                call.putAll(choice.toolCalls().get(k));
                if (!event(List.of(choiceDelta(index, Map.of("tool_calls", List.of(call)), null)))) {
                    return false;
                }
            }
            callsSoFar.put(index, before + choice.toolCalls().size());
            if (choice.finishReason().isPresent()) {
                String finish = OpenAiChatResponse.finishReason(choice, callsSoFar.get(index) > 0);
                if (!event(List.of(choiceDelta(index, Map.of(), finish)))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void complete() {
        if (includeUsage) {
            Map<String, Object> last = chunk(List.of());
            last.put("usage", OpenAiChatResponse.usage(usage));
            if (!emit(json(last))) {
                return;
            }
        }
        if (emitter.emit(DONE)) {
            emitter.complete();
        }
    }

    @Override
    public void fail(RuntimeException failure) {
        OpenAiError error = failure instanceof DomainException d ? OpenAiError.of(d) : OpenAiError.internal();
        if (!(failure instanceof DomainException)) {
            LOG.errorf(failure, "stream failed unexpectedly");
        }
        if (emit(json(error.envelope()))) {
            emitter.complete();
        }
    }

    private boolean event(List<Object> choices) {
        return emit(json(chunk(choices)));
    }

    private Map<String, Object> chunk(List<Object> choices) {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        chunk.put("choices", choices);
        return chunk;
    }

    private static Map<String, Object> roleDelta() {
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("role", "assistant");
        delta.put("content", "");
        return java.util.Collections.unmodifiableMap(delta);
    }

    private static Map<String, Object> choiceDelta(int index, Map<String, Object> delta, String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", index);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finishReason);
        return choice;
    }

    private static byte[] json(Map<String, Object> tree) {
        return GeminiJson.write(tree);
    }

    private boolean emit(byte[] json) {
        return emitter.emit(StreamEmitter.concat(PREFIX, json, SUFFIX));
    }
}
