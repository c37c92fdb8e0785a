package dev.gemgate.adapter.gemini;

import com.google.genai.ApiResponse;
import com.google.genai.Client;
import com.google.genai.Pager;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.GenAiIOException;
import com.google.genai.errors.ServerException;
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
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.EmbeddingRequest;
import dev.gemgate.domain.generation.EmbeddingResponse;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.upstream.UpstreamCredential;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import okhttp3.Request;
import okio.BufferedSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link GenerationPort} on Google's google-genai Java SDK, in Gemini Developer API (API key) and Vertex AI modes.
 *
 * <p>Generation (one answer or a stream) and, in API-key mode, embeddings go through the SDK's HTTP client without its
 * typed model: the tenant's request text is sent byte for byte and Google's answer (each streamed event's JSON) comes
 * back as the exact text Google sent, so unknown fields, thought signatures and fields Google adds later pass through.
 * countTokens, the model list and Vertex AI embeddings (which have no Gemini-shaped method on Vertex) use the SDK's
 * typed calls; there the tenant's body is handed over as {@link HttpOptions#extraBody()}, which the SDK deep-merges over
 * its own. Every call's deadline is an {@link UpstreamCallGuard}, which cancels the HTTP call and never interrupts.
 *
 * <p>Plain Java: the application wires one instance and closes it on shutdown (it closes every SDK client).
 */
public final class GenAiGenerationAdapter implements GenerationPort, AutoCloseable {
    private static final int LIST_PAGE_SIZE = 1000;

    private final GenAiClients clients;
    /** What sends the raw calls when it is not the SDK's OkHttp client ({@link GenAiSettings.Transport}). */
    private final VertxTransport transport;
    private final JsonBodies json = new JsonBodies();
    private final EmbedBatcher embedBatcher;

    public GenAiGenerationAdapter() {
        this(GenAiSettings.defaults());
    }

    /** With {@link GenAiSettings.Transport#VERTX}, on a Vert.x instance of the adapter's own (closed with it). */
    public GenAiGenerationAdapter(GenAiSettings settings) {
        this(settings, null);
    }

    /**
     * @param vertx the Vert.x instance whose event loops carry the raw calls with {@link GenAiSettings.Transport#VERTX}
     *              (the application's, so that they share the server's threads); null: one of the adapter's own
     */
    public GenAiGenerationAdapter(GenAiSettings settings, Vertx vertx) {
        this.clients = new GenAiClients(Objects.requireNonNull(settings, "settings"));
        this.transport = settings.transport() == GenAiSettings.Transport.VERTX
                ? new VertxTransport(vertx, settings.extraTrustedCertificates()) : null;
        this.embedBatcher = new EmbedBatcher(settings.embedBatching(), json, new EmbedBatcher.Upstream() {
            @Override
            public EmbeddingResponse alone(EmbeddingRequest request, UpstreamCredential credential,
                                           Duration timeout) {
                return embedRaw(request, credential, Deadline.after(timeout));
            }

            @Override
            public String batch(ModelId model, UpstreamCredential credential, String body, Duration timeout) {
                return postRawText(credential, model.resourceName() + ":batchEmbedContents", body, timeout);
            }
        });
    }

    /** The SDK clients this adapter holds, shared with the adapters of Google's other APIs (the Batch API). */
    GenAiClients clients() {
        return clients;
    }

    @Override
    public GenerationResponse generate(GenerationRequest request, UpstreamCredential credential, Duration timeout) {
        return generateRaw(request, credential, Deadline.after(timeout));
    }

    /**
     * The hot path, in both modes: the tenant's body goes out exactly as it came through the SDK's own HTTP client,
     * which adds the key (or the Vertex AI bearer token and project path), base URL, API version and client headers
     * and raises the SDK's typed exceptions for error replies; the reply comes back unparsed by the SDK's typed model.
     * Profiling showed the typed round trip (tree to SDK objects to tree, twice) as the largest cost of a gateway call.
     * "Exactly": the request's original text when it has one (a tree would send {@code 1e-400} as {@code 0.0} and
     * {@code -0} as {@code 0}), else the tree written once. The SDK sends a String body as UTF-8, so valid UTF-8 text
     * goes out byte for byte. Of the reply, only its usage and finish reason are read ({@link JsonBodies#readReply});
     * its tree is built when a caller first reads it ({@link LazyJsonObject}).
     */
    private GenerationResponse generateRaw(GenerationRequest request, UpstreamCredential credential,
                                           Deadline deadline) {
        String path = modelPath(request.model(), credential) + ":generateContent";
        String body = request.originalJson().orElseGet(() -> json.write(request.body()));
        // The deadline cancels the OkHttp call (RST_STREAM on a shared h2 connection), on any thread; no per-call
        // HttpOptions timeout, which would cost a throw-away client and okio's AsyncTimeout per call.
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(deadline.remaining())) {
            try {
                String text = post(credential, path, body, guard);
                // only what policy needs is read now; the tree is built if a caller reads it (not the native surface)
                JsonBodies.ReplyFacts facts = json.readReply(text);
                return new GenerationResponse(request.model(), new LazyJsonObject(text, json), facts.usage(),
                        Optional.of(text), facts.finishReason());
            } catch (RuntimeException e) {
                throw UpstreamErrors.translate(e, credential.secret(), guard);
            }
        }
    }

    /**
     * A raw POST, built by the SDK and sent by the {@link GenAiSettings.Transport}: the text of a 2xx answer. An error
     * answer raises the SDK's own exception for it, a failed exchange a {@link GenAiIOException}, as the SDK's client
     * does; the caller's {@code guard} bounds it either way.
     */
    private String post(UpstreamCredential credential, String path, String body, UpstreamCallGuard guard) {
        RawRequests raw = clients.rawClientFor(credential);
        if (transport == null) {
            try (ApiResponse response = raw.request("post", path, body, Optional.empty())) {
                return response.getBody().string();
            } catch (IOException e) {
                throw new GenAiIOException("Failed to read the HTTP response", e);
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        VertxTransport.Reply reply = sendRaw(raw, path, request -> transport.exchange(request, bytes, guard));
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    /** One exchange on {@link #transport}: its reply, or null for a streamed 2xx answer ({@link VertxTransport#stream}). */
    private interface RawExchange {
        VertxTransport.Reply send(Request request) throws IOException;
    }

    /**
     * Sends the raw call at {@code path}, built by the SDK ({@link RawRequests#head}), with {@code exchange} on the Vert.x
     * transport, and raises what the SDK's own client would: the SDK's exception for an error answer, a
     * {@link GenAiIOException} for a failed exchange.
     */
    private static VertxTransport.Reply sendRaw(RawRequests raw, String path, RawExchange exchange) {
        Request request = raw.head(path);
        VertxTransport.Reply reply;
        try {
            reply = exchange.send(request);
        } catch (IOException e) {
            throw new GenAiIOException("Failed to execute HTTP request.", e);
        }
        if (reply != null && !reply.successful()) {
            ApiException.throwFromResponse(reply.asOkHttp(request));
        }
        return reply;
    }

    /**
     * Streams through the SDK's HTTP client without its typed model, in both modes: the tenant's body goes out as it
     * came ({@code ?alt=sse}), and each Server-Sent Event's JSON reaches the observer as the exact text Google sent,
     * with its parse. The call is bounded by an {@link UpstreamCallGuard}: the total and idle deadlines of
     * {@code limits}, and {@code cancellation}, all cancel the OkHttp call (never an interrupt). Ends with exactly one
     * of {@code onComplete} or {@code onError}, unless the observer returned false or {@code cancellation} was
     * signalled: then the call is cancelled and no further callback is made. Exceptions thrown by the observer
     * propagate.
     */
    @Override
    public void stream(GenerationRequest request, UpstreamCredential credential, StreamLimits limits,
                       Cancellation cancellation, StreamObserver observer) {
        Objects.requireNonNull(observer, "observer");
        String path = modelPath(request.model(), credential) + ":streamGenerateContent?alt=sse";
        String body = request.originalJson().orElseGet(() -> json.write(request.body()));
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(limits.total())) {
            guard.idleDeadline(limits.idle());
            Runnable stop = guard::cancel;
            cancellation.onCancel(stop);
            try {
                SseReader reader = new SseReader(request.model(), credential, guard, cancellation, observer);
                if (transport != null && observer.nonBlocking()) {
                    reader.readOnEventLoop(path, body);
                } else {
                    reader.read(path, body);
                }
            } finally {
                cancellation.remove(stop);
            }
        }
    }

    /** Reads one upstream event stream and hands its events to the observer. */
    private final class SseReader {
        private final ModelId model;
        private final UpstreamCredential credential;
        private final UpstreamCallGuard guard;
        private final Cancellation cancellation;
        private final StreamObserver observer;

        SseReader(ModelId model, UpstreamCredential credential, UpstreamCallGuard guard, Cancellation cancellation,
                  StreamObserver observer) {
            this.model = model;
            this.credential = credential;
            this.guard = guard;
            this.cancellation = cancellation;
            this.observer = observer;
        }

        void read(String path, String body) {
            ApiResponse response;
            try {
                response = clients.rawClientFor(credential).request("post", path, body, Optional.empty());
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            try (response) {
                BufferedSource source = response.getBody().source();
                StringBuilder data = null;
                String line;
                while ((line = source.readUtf8Line()) != null) {
                    guard.touch();
                    if (line.isEmpty()) {
                        if (data != null && !deliver(data.toString(), observer::onError)) {
                            return;
                        }
                        data = null;
                    } else {
                        data = withDataLine(data, line);
                    }
                }
                if (data != null && !deliver(data.toString(), observer::onError)) {
                    return;
                }
                if (!stopped()) {
                    observer.onComplete();
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof ObserverFailure f) {
                    throw f.getCause();
                }
                fail(e);
            }
        }

        /**
         * Reads the stream with {@link VertxTransport#stream}, for an observer that never blocks: each event is parsed
         * and handed to the observer on the event loop that read it, with the observer's flow control
         * ({@link StreamObserver#holdUntilReady}); this thread waits, then ends the stream as {@link #read} does.
         */
        void readOnEventLoop(String path, String body) {
            SseLines lines = new SseLines();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            try {
                sendRaw(clients.rawClientFor(credential), path,
                        request -> transport.stream(request, bytes, guard, lines));
            } catch (ObserverFailure f) {
                throw f.getCause();
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            if (lines.errorEvent != null) {
                observer.onError(lines.errorEvent);
            } else if (!stopped()) {
                observer.onComplete();
            }
        }

        /** Server-Sent Events split out of the body's bytes as they arrive, on the event loop ({@link #readOnEventLoop}). */
        private final class SseLines implements VertxTransport.BodyStream {
            /** The bytes of a line that has not ended yet. */
            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
            private StringBuilder data;
            /** Google's error event, for the waiting thread to hand over. */
            private RuntimeException errorEvent;
            private boolean over;

            @Override
            public void onBytes(Buffer bytes, VertxTransport.Flow flow) {
                byte[] b = bytes.getBytes();
                int start = 0;
                for (int i = 0; i < b.length && !over; i++) {
                    if (b[i] == '\n') {
                        String line;
                        if (partial.size() == 0) {
                            line = utf8Line(b, start, i);
                        } else {
                            partial.write(b, start, i - start);
                            line = utf8Line(partial.toByteArray(), 0, partial.size());
                            partial.reset();
                        }
                        line(line, flow);
                        start = i + 1;
                    }
                }
                if (!over) {
                    partial.write(b, start, b.length - start);
                }
            }

            @Override
            public void onEnd(VertxTransport.Flow flow) {
                if (!over && partial.size() > 0) {
                    line(utf8Line(partial.toByteArray(), 0, partial.size()), flow);
                }
                if (!over && data != null) {
                    event(flow);
                }
            }

            /** No {@code guard.touch()} here: the transport touches it for every buffer the line came in. */
            private void line(String line, VertxTransport.Flow flow) {
                if (line.isEmpty()) {
                    if (data != null) {
                        event(flow);
                    }
                } else {
                    data = withDataLine(data, line);
                }
            }

            private void event(VertxTransport.Flow flow) {
                String text = data.toString();
                data = null;
                if (!deliver(text, error -> errorEvent = error)) {
                    over = true;
                    flow.stop();
                } else if (observer.holdUntilReady(flow::resume)) {
                    flow.pause();
                }
            }
        }

        /**
         * One event: a chunk for the observer, or Google's error event; false when the stream is over. A chunk is
         * handed over unparsed (it is parsed when the observer first reads it, after forwarding it); an error event
         * is told apart by its first field, {@code error}, as Google writes it. {@code onErrorEvent} takes that error:
         * on the calling thread, the observer's {@code onError}; on the event loop, a field the waiting thread hands
         * over.
         */
        private boolean deliver(String text, Consumer<UpstreamException> onErrorEvent) {
            if (isErrorEvent(text)) {
                Map<String, Object> tree = json.parseObject(text);
                if (JsonTree.isObject(tree.get("error"))) {
                    onErrorEvent.accept(errorEvent(JsonTree.asObject(tree.get("error"))));
                    return false;
                }
            }
            StreamChunk chunk = new StreamChunk(text, System.nanoTime(), () -> {
                Map<String, Object> tree = json.parseObject(text);
                Optional<Usage> usage = JsonBodies.hasUsage(tree) ? Optional.of(JsonBodies.usage(tree))
                        : Optional.empty();
                return new StreamChunk.Parsed(new GenerationResponse(model, tree, usage.orElse(Usage.NONE)), usage);
            });
            boolean more;
            try {
                more = observer.onChunk(chunk);
            } catch (RuntimeException e) {
                guard.cancel();
                throw new ObserverFailure(e);
            }
            guard.touch();
            if (!more) {
                guard.cancel();
            }
            return more && !stopped();
        }

        /** An error event in the stream, as the SDK would raise it for the same error in a reply. */
        private UpstreamException errorEvent(Map<String, Object> error) {
            int code = (int) JsonTree.wholeNumber(error, "code").orElse(500);
            String status = JsonTree.string(error, "status").orElse("");
            String message = JsonTree.string(error, "message").orElse("");
            if (error.containsKey("details")) {
                message = message + "\n" + json.write(Map.of("details", error.get("details")));
            }
            ApiException api = code >= 500 ? new ServerException(code, status, message)
                    : new ClientException(code, status, message);
            return UpstreamErrors.translate(api, credential.secret(), guard);
        }

        private void fail(Exception e) {
            if (!stopped()) {
                observer.onError(UpstreamErrors.translate(e, credential.secret(), guard));
            }
        }

        /** Stopped on purpose (the observer or the caller cancelled): no further callback. */
        private boolean stopped() {
            return cancellation.isCancelled()
                    || guard.fired().filter(r -> r == UpstreamCallGuard.Reason.CANCELLED).isPresent();
        }
    }

    /** Whether an event's JSON starts with the field {@code "error"} (whitespace allowed), as Google's error events do. */
    static boolean isErrorEvent(String text) {
        int i = skipSpace(text, 0);
        if (i >= text.length() || text.charAt(i) != '{') {
            return false;
        }
        i = skipSpace(text, i + 1);
        return text.startsWith("\"error\"", i);
    }

    /**
     * An event's data so far ({@code null}: none yet) with {@code line}, a non-empty line of it: a {@code data:} line's
     * payload is appended; other SSE fields (event:, id:, retry:) and comments carry nothing Gemini uses.
     */
    private static StringBuilder withDataLine(StringBuilder data, String line) {
        if (!line.startsWith("data:")) {
            return data;
        }
        String payload = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
        return data == null ? new StringBuilder(payload) : data.append('\n').append(payload);
    }

    /** {@code bytes[from, to)} as UTF-8 text, without a line's trailing {@code \r}. */
    private static String utf8Line(byte[] bytes, int from, int to) {
        int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
        return new String(bytes, from, end - from, StandardCharsets.UTF_8);
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Carries an observer's own exception out of the read loop untouched. */
    private static final class ObserverFailure extends RuntimeException {
        ObserverFailure(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    /** Where a model's methods live: {@code models/m} (API key) or {@code publishers/google/models/m} (Vertex AI). */
    private static String modelPath(ModelId model, UpstreamCredential credential) {
        return credential.mode() == UpstreamCredential.Mode.VERTEX_AI
                ? "publishers/google/models/" + model.value() : model.resourceName();
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

    /**
     * API-key mode: the tenant's body goes to the same method ({@code :embedContent} or {@code :batchEmbedContents})
     * as it came, and Google's answer comes back as text, unparsed; with micro-batching on ({@link EmbedBatching}),
     * concurrent calls for the same model and credential are combined into one {@code :batchEmbedContents} call
     * ({@link EmbedBatcher}) and each gets its own part of the answer. Vertex AI has neither method for its embedding
     * models (the SDK embeds through {@code :predict}): there the SDK's typed call is used and its vectors are written
     * back in the Gemini form the method promises; it is not batched.
     */
    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, UpstreamCredential credential, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        if (credential.mode() == UpstreamCredential.Mode.GEMINI_API_KEY) {
            return embedBatcher.embed(request, credential, timeout);
        }
        return call(credential, deadline, () -> vertexEmbed(request, credential, deadline));
    }

    /** One embedding request, alone, exactly as it came (API-key mode). */
    private EmbeddingResponse embedRaw(EmbeddingRequest request, UpstreamCredential credential, Deadline deadline) {
        String path = request.model().resourceName() + ":" + request.method().wireName();
        String body = request.originalJson().orElseGet(() -> json.write(request.body()));
        return new EmbeddingResponse(postRawText(credential, path, body, deadline.remaining()), OptionalLong.empty());
    }

    /** A raw POST through the SDK's HTTP client, bounded by an {@link UpstreamCallGuard}; the answer's text. */
    private String postRawText(UpstreamCredential credential, String path, String body, Duration timeout) {
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try {
                return post(credential, path, body, guard);
            } catch (RuntimeException e) {
                throw UpstreamErrors.translate(e, credential.secret(), guard);
            }
        }
    }

    private EmbeddingResponse vertexEmbed(EmbeddingRequest request, UpstreamCredential credential,
                                          Deadline deadline) {
        List<String> texts = request.contents().stream().map(dev.gemgate.domain.generation.Content::text).toList();
        EmbedContentConfig.Builder config = EmbedContentConfig.builder().httpOptions(callOptions(deadline, null));
        Map<String, Object> first = request.method() == EmbeddingRequest.Method.EMBED_CONTENT ? request.body()
                : JsonTree.asObject(JsonTree.array(request.body(), "requests").orElseThrow().getFirst());
        JsonTree.wholeNumber(first, "outputDimensionality").ifPresent(d -> config.outputDimensionality((int) d));
        JsonTree.string(first, "taskType").ifPresent(config::taskType);
        JsonTree.string(first, "title").ifPresent(config::title);
        EmbedContentResponse response = client(credential).models
                .embedContent(request.model().value(), texts, config.build());
        List<ContentEmbedding> embeddings = response.embeddings().orElse(List.of());
        if (embeddings.size() != texts.size()) {
            throw new UpstreamException(Kind.PROTOCOL_ERROR, 200, "the upstream returned " + embeddings.size()
                    + " embeddings for " + texts.size() + " contents");
        }
        List<Map<String, Object>> vectors = new ArrayList<>(embeddings.size());
        long reportedTokens = 0;
        boolean allReported = true;
        for (ContentEmbedding embedding : embeddings) {
            vectors.add(Map.of("values", embedding.values().orElse(List.of())));
            Optional<Float> tokens = embedding.statistics().flatMap(ContentEmbeddingStatistics::tokenCount);
            allReported &= tokens.isPresent();
            reportedTokens += tokens.map(Float::longValue).orElse(0L);
        }
        Object reply = request.method() == EmbeddingRequest.Method.EMBED_CONTENT
                ? Map.of("embedding", vectors.getFirst()) : Map.of("embeddings", vectors);
        return new EmbeddingResponse(json.write(reply),
                allReported ? OptionalLong.of(reportedTokens) : OptionalLong.empty());
    }

    @Override
    public List<ModelInfo> listModels(UpstreamCredential credential, Duration timeout) {
        Deadline deadline = Deadline.after(timeout);
        if (credential.mode() == UpstreamCredential.Mode.GEMINI_API_KEY) {
            return listRaw(credential, deadline);
        }
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
        if (transport != null) {
            transport.close();
        }
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

    /**
     * API-key mode lists through the SDK's HTTP client without its typed model, page by page, so that each model keeps
     * the upstream's whole object (fields the SDK's {@code Model} renames or drops, and those Google adds later).
     */
    private List<ModelInfo> listRaw(UpstreamCredential credential, Deadline deadline) {
        List<ModelInfo> models = new ArrayList<>();
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(deadline.remaining())) {
            Optional<String> pageToken = Optional.empty();
            do {
                String path = "models?pageSize=" + LIST_PAGE_SIZE + pageToken
                        .map(t -> "&pageToken=" + URLEncoder.encode(t, StandardCharsets.UTF_8)).orElse("");
                Map<String, Object> page;
                try (ApiResponse response = clients.rawClientFor(credential).request("get", path, "",
                        Optional.empty())) {
                    page = json.parseObject(response.getBody().string());
                } catch (IOException | RuntimeException e) {
                    throw UpstreamErrors.translate(e, credential.secret(), guard);
                }
                for (Object model : JsonTree.array(page, "models").orElse(List.of())) {
                    if (JsonTree.isObject(model)) {
                        toModelInfo(JsonTree.asObject(model)).ifPresent(models::add);
                    }
                }
                pageToken = JsonTree.string(page, "nextPageToken").filter(t -> !t.isEmpty());
            } while (pageToken.isPresent());
        }
        return List.copyOf(models);
    }

    /** A model object as Google wrote it: the typed fields read from it, the whole object kept. */
    private static Optional<ModelInfo> toModelInfo(Map<String, Object> model) {
        return JsonTree.string(model, "name").map(n -> n.substring(n.lastIndexOf('/') + 1))
                .filter(ModelId::isValid).map(ModelId::parse)
                .map(id -> new ModelInfo(id, JsonTree.string(model, "displayName").orElse(id.value()),
                        Math.max(0, JsonTree.wholeNumber(model, "inputTokenLimit").orElse(0)),
                        Math.max(0, JsonTree.wholeNumber(model, "outputTokenLimit").orElse(0)),
                        JsonTree.array(model, "supportedGenerationMethods").orElse(List.of()).stream()
                                .filter(String.class::isInstance).map(String.class::cast).toList(),
                        model));
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
