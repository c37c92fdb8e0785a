package dev.gemgate.emulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Serves the Gemini and Vertex AI wire protocol plus the {@code /emulator/*} control endpoints. */
final class EmulatorHandler implements HttpHandler {

    /**
     * Strings as long as a body (a base64 image is one string: Jackson's default of 20M characters refused inline data
     * over about 14.3 MiB); the body limit bounds them. Nesting (1,000), number (1,000) and name (50,000) lengths stay
     * at Jackson's defaults, above the gateway's own limits.
     */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build()).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final Set<String> VERSIONS = Set.of("v1", "v1beta", "v1alpha", "v1beta1");
    private static final Set<String> ACTIONS = Set.of("generateContent", "streamGenerateContent", "countTokens",
            "embedContent", "batchEmbedContents", "predict", "batchGenerateContent", "asyncBatchEmbedContent");
    private static final String VERTEX_PREFIX = "publishers/google/models";
    private static final byte[] SSE_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SSE_SUFFIX = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARRAY_OPEN = {'['};
    private static final byte[] ARRAY_SEPARATOR = {'\r', '\n', ','};
    private static final byte[] NOTHING = {};
    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 1000;
    private static final int MAX_BATCH_EMBED = 100;

    /** Thrown to drop the connection without a proper end of response (the server then closes the socket). */
    static final class DropConnection extends RuntimeException {
        DropConnection() {
            super("emulated connection drop", null, false, false);
        }
    }

    /** A parsed API path. */
    record Route(boolean vertex, String version, String resourcePrefix, String model, String action) {
    }

    private final GeminiEmulator emulator;
    private final ControlApi control;
    private final ResourceApi resources;

    EmulatorHandler(GeminiEmulator emulator) {
        this.emulator = emulator;
        this.control = new ControlApi(emulator);
        this.resources = new ResourceApi(emulator, this);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        boolean drop = false;
        try {
            URI uri = exchange.getRequestURI();
            String path = uri.getPath() == null ? "/" : uri.getPath();
            String rawQuery = uri.getRawQuery();
            if (path.startsWith("/upload/")) {
                // upload bytes are streamed to disk by the resource API, never read into memory here
                resources.upload(exchange, path, rawQuery, lowerCase(exchange.getRequestHeaders()));
                return;
            }
            byte[] body = readBody(exchange);
            if (path.equals("/emulator") || path.startsWith("/emulator/")) {
                control.handle(exchange, path, rawQuery, body);
                return;
            }
            Map<String, List<String>> headers = lowerCase(exchange.getRequestHeaders());
            String bodyText = new String(body, StandardCharsets.UTF_8);
            if (emulator.config().recordRequests()) {
                emulator.record(new RecordedRequest(exchange.getRequestMethod(), path, rawQuery == null ? "" : rawQuery,
                        headers, bodyText, Instant.now()));
            }
            serve(exchange, path, rawQuery, headers, bodyText);
        } catch (DropConnection e) {
            drop = true;
            throw e;
        } catch (ApiError e) {
            sendError(exchange, e);
        } catch (IOException e) {
            // the client went away: nothing to answer
        } catch (RuntimeException e) {
            sendError(exchange, new ApiError(500, "INTERNAL", "Emulator failure: " + e));
        } finally {
            if (!drop) {
                exchange.close();
            }
        }
    }

    /**
     * The body, up to the configured limit; a larger one is refused as Google refuses it, without keeping the rest.
     * The rest is read and dropped (up to {@link #MAX_DISCARD} bytes) before answering: a client still sending when
     * the connection closes would see a reset instead of the refusal, as a test of this emulator did at random.
     */
    byte[] readBody(HttpExchange exchange) throws IOException {
        int limit = emulator.config().maxBodyBytes();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    discardRest(exchange);
                    throw payloadTooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiError.invalidArgument("Invalid Content-Length.");
            }
        }
        byte[] body = exchange.getRequestBody().readNBytes(limit == Integer.MAX_VALUE ? limit : limit + 1);
        if (body.length > limit) {
            discardRest(exchange);
            throw payloadTooLarge(limit);
        }
        return body;
    }

    private static final long MAX_DISCARD = 256L * 1024 * 1024;

    /** Reads and drops what is left of the request body (up to 256 MiB), so the client sees the answer, not a reset. */
    static void discard(HttpExchange exchange) {
        try {
            discardRest(exchange);
        } catch (IOException e) {
            // the client is gone
        }
    }

    private static void discardRest(HttpExchange exchange) throws IOException {
        long skipped = 0;
        byte[] sink = new byte[64 * 1024];
        int n;
        while (skipped < MAX_DISCARD && (n = exchange.getRequestBody().read(sink)) > 0) {
            skipped += n;
        }
    }

    private static ApiError payloadTooLarge(int limit) {
        return ApiError.invalidArgument("Request payload size exceeds the limit: " + limit + " bytes.");
    }

    // ---------------------------------------------------------------- routing

    private void serve(HttpExchange exchange, String path, String rawQuery, Map<String, List<String>> headers,
                       String body) throws IOException {
        Route route = parse(path);
        if (route == null) {
            ResourceApi.Target target = ResourceApi.target(path);
            if (target != null) {
                resources.serve(exchange, target, rawQuery, headers, body);
                return;
            }
        }
        if (route == null || (route.action() != null && !ACTIONS.contains(route.action()))) {
            throw ApiError.notFound("The requested URL " + path + " was not found on this server.");
        }
        String method = exchange.getRequestMethod();
        String expected = route.action() == null ? "GET" : "POST";
        if (!expected.equals(method)) {
            throw new ApiError(405, "INVALID_ARGUMENT", "Method " + method + " is not allowed for " + path
                    + "; use " + expected + ".").header("Allow", expected);
        }
        Credentials credentials = Credentials.of(headers, rawQuery);
        if (route.action() == null) {
            authenticate(route.vertex(), credentials);
            serveModels(exchange, route, rawQuery);
            return;
        }
        KeyLog.Entry usage = emulator.keyLog().start(credentials.value());
        try {
            authenticate(route.vertex(), credentials);
            serveAction(exchange, path, route, rawQuery, credentials, headers, body);
        } finally {
            usage.finish();
        }
    }

    private void serveModels(HttpExchange exchange, Route route, String rawQuery) throws IOException {
        Map<String, String> query = Credentials.queryParams(rawQuery);
        if (route.model() == null) {
            listModels(exchange, route, query);
            return;
        }
        KnownModel model = KnownModel.find(route.model());
        if (model == null) {
            throw modelNotFound(route, "get");
        }
        sendJson(exchange, 200, route.vertex() ? vertexModelJson(model) : modelJson(model));
    }

    private void serveAction(HttpExchange exchange, String path, Route route, String rawQuery, Credentials credentials,
                             Map<String, List<String>> headers, String body) throws IOException {
        Map<String, String> query = Credentials.queryParams(rawQuery);
        KnownModel model = KnownModel.find(route.model());
        if (model == null || !model.supports(route.action())) {
            throw modelNotFound(route, route.action());
        }
        emulator.actionLog().count(model.id(), route.action(), items(route.action(), body));
        boolean streaming = route.action().equals("streamGenerateContent");
        FaultPlan.Decision decision = emulator.faults().next(model.id(), credentials.value(), streaming);
        applyFaults(decision, model.id(), credentials, route.vertex());
        JsonNode request = parseBody(body);
        switch (route.action()) {
            case "generateContent" -> {
                ObjectNode response = generation(request, model, body).response();
                ResponseExtras.merge(response, emulator.responseExtrasOrNull());
                sendJson(exchange, 200, response);
            }
            case "streamGenerateContent" -> stream(exchange, generation(request, model, body),
                    "sse".equals(query.get("alt")), decision);
            case "countTokens" -> sendJson(exchange, 200, countTokens(request, model));
            case "embedContent" -> sendJson(exchange, 200, embedContent(request, model));
            case "batchEmbedContents" -> sendJson(exchange, 200, batchEmbedContents(request, model));
            case "predict" -> sendJson(exchange, 200, predict(request, model));
            case "batchGenerateContent", "asyncBatchEmbedContent" -> sendJson(exchange, 200, Resources.operationJson(
                    emulator.resources().createBatch(request, model, route.action().equals("asyncBatchEmbedContent"),
                            resources.publicBase(headers))));
            default -> throw ApiError.notFound("The requested URL " + path + " was not found on this server.");
        }
    }

    /** The reply to a GenerateContentRequest, with its file references checked and its context cache applied. */
    private Generation generation(JsonNode request, KnownModel model, String body) {
        Resources.Prepared prepared = emulator.resources().prepare(request, model);
        return Generation.of(prepared.request(), model, body).withCached(prepared.cached());
    }

    /**
     * How many requests a call carries, for the action log: a batchEmbedContents call its {@code requests}, a batch job
     * its inlined requests, any other call 1 (0 when the body does not parse).
     */
    private static long items(String action, String body) {
        if (!action.equals("batchEmbedContents") && !action.equals("batchGenerateContent")
                && !action.equals("asyncBatchEmbedContent")) {
            return 1;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null) {
                return 0;
            }
            JsonNode requests = action.equals("batchEmbedContents") ? node.path("requests")
                    : node.path("batch").path("inputConfig").path("requests").path("requests");
            return requests.isArray() ? requests.size() : 0;
        } catch (JsonProcessingException e) {
            return 0;
        }
    }

    /** Latency, then a RATE_LIMIT, SERVER_ERROR or HANG fault (stream faults are left to the stream). */
    void applyFaults(FaultPlan.Decision decision, String model, Credentials credentials, boolean vertex) {
        if (decision.latency() != null) {
            emulator.pause(decision.latency());
        }
        FaultPlan.Fault fault = decision.fault();
        if (fault != null) {
            switch (fault.type()) {
                case RATE_LIMIT -> throw ApiError.rateLimited(model, fault.delay(), fault.effectiveQuotaId());
                case SERVER_ERROR -> {
                    ApiError error = ApiError.serverFault(fault.httpStatus(), credentials,
                            vertex ? "aiplatform.googleapis.com" : "generativelanguage.googleapis.com");
                    if (fault.delay() != null) {
                        error.header("Retry-After", Long.toString((fault.delay().toMillis() + 999) / 1000));
                    }
                    throw error;
                }
                case HANG -> {
                    emulator.pause(null);
                    throw new DropConnection();
                }
                default -> {
                    // stream faults are applied while streaming
                }
            }
        }
    }

    /** Parses {@code /{version}/models[/{model}[:{action}]]} and the Vertex forms; null when not an API path. */
    static Route parse(String path) {
        if (path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        int slash = path.indexOf('/', 1);
        if (slash < 0) {
            return null;
        }
        String version = path.substring(1, slash);
        if (!VERSIONS.contains(version)) {
            return null;
        }
        String rest = path.substring(slash + 1);
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        boolean vertex;
        String prefix;
        String tail;
        if (rest.startsWith("projects/")) {
            String[] segs = rest.split("/", 5);
            if (segs.length < 5 || !segs[2].equals("locations") || segs[1].isEmpty() || segs[3].isEmpty()
                    || !segs[4].startsWith(VERTEX_PREFIX)) {
                return null;
            }
            vertex = true;
            prefix = "projects/" + segs[1] + "/locations/" + segs[3] + "/" + VERTEX_PREFIX;
            tail = segs[4].substring(VERTEX_PREFIX.length());
        } else if (rest.startsWith(VERTEX_PREFIX)) {
            vertex = true;
            prefix = VERTEX_PREFIX;
            tail = rest.substring(VERTEX_PREFIX.length());
        } else if (rest.startsWith("models")) {
            vertex = false;
            prefix = "models";
            tail = rest.substring("models".length());
        } else {
            return null;
        }
        if (tail.isEmpty()) {
            return new Route(vertex, version, prefix, null, null);
        }
        if (tail.charAt(0) != '/') {
            return null;
        }
        String name = tail.substring(1);
        if (name.startsWith("models/")) {
            name = name.substring("models/".length());
        }
        int colon = name.lastIndexOf(':');
        String model = colon < 0 ? name : name.substring(0, colon);
        String action = colon < 0 ? null : name.substring(colon + 1);
        if (model.isEmpty() || model.contains("/") || (action != null && action.isEmpty())) {
            return null;
        }
        return new Route(vertex, version, prefix, model, action);
    }

    void authenticate(boolean vertex, Credentials credentials) {
        Set<String> accepted = emulator.config().acceptedApiKeys();
        switch (credentials.kind()) {
            case NONE -> throw vertex ? ApiError.credentialsMissing() : ApiError.unregisteredCaller();
            case API_KEY -> {
                if (!accepted.isEmpty() && !accepted.contains(credentials.value())) {
                    throw ApiError.apiKeyInvalid(vertex ? "aiplatform.googleapis.com"
                            : "generativelanguage.googleapis.com");
                }
            }
            case BEARER -> {
                if (!accepted.isEmpty() && !accepted.contains(credentials.value())) {
                    throw ApiError.invalidBearer();
                }
            }
        }
    }

    private static ApiError modelNotFound(Route route, String what) {
        if (route.vertex()) {
            return ApiError.notFound("Publisher Model `" + route.resourcePrefix() + "/" + route.model() + "` was not "
                    + "found or your project does not have access to it. Please ensure you are using a valid model "
                    + "version. For more information, see: "
                    + "https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions");
        }
        return ApiError.notFound("models/" + route.model() + " is not found for API version " + route.version()
                + ", or is not supported for " + what + ". Call ListModels to see the list of available models and "
                + "their supported methods.");
    }

    static JsonNode parseBody(String body) {
        if (body.isBlank()) {
            return NODES.objectNode();
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalidArgument("Invalid JSON payload received. " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiError.invalidArgument("Invalid JSON payload received. Expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)) + ".");
        }
        return node;
    }

    // ---------------------------------------------------------------- models

    private void listModels(HttpExchange exchange, Route route, Map<String, String> query) throws IOException {
        int pageSize = DEFAULT_PAGE_SIZE;
        String size = query.get("pageSize");
        if (size != null && !size.isEmpty()) {
            try {
                pageSize = Integer.parseInt(size);
            } catch (NumberFormatException e) {
                throw ApiError.invalidArgument("Invalid value at 'page_size' (TYPE_INT32), \"" + size + "\"");
            }
            if (pageSize <= 0) {
                pageSize = DEFAULT_PAGE_SIZE;
            }
            pageSize = Math.min(pageSize, MAX_PAGE_SIZE);
        }
        int offset = 0;
        String token = query.get("pageToken");
        if (token != null && !token.isEmpty()) {
            offset = decodePageToken(token);
        }
        List<KnownModel> all = KnownModel.all();
        ObjectNode root = NODES.objectNode();
        ArrayNode models = root.putArray(route.vertex() ? "publisherModels" : "models");
        int end = Math.min(all.size(), offset + pageSize);
        for (int i = offset; i < end; i++) {
            models.add(route.vertex() ? vertexModelJson(all.get(i)) : modelJson(all.get(i)));
        }
        if (end < all.size()) {
            root.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("offset:" + end).getBytes(StandardCharsets.UTF_8)));
        }
        sendJson(exchange, 200, root);
    }

    private static int decodePageToken(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith("offset:")) {
                int offset = Integer.parseInt(decoded.substring("offset:".length()));
                if (offset >= 0 && offset <= KnownModel.all().size()) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiError.invalidArgument("Invalid page token.");
    }

    static ObjectNode modelJson(KnownModel model) {
        ObjectNode node = NODES.objectNode();
        node.put("name", "models/" + model.id());
        node.put("version", model.version());
        node.put("displayName", model.displayName());
        node.put("description", model.isEmbedding() ? "Obtain a distributed representation of a text."
                : model.displayName() + (model.preview() ? " (preview)" : "") + " served by the Gemgate emulator");
        node.put("inputTokenLimit", model.inputTokenLimit());
        node.put("outputTokenLimit", model.outputTokenLimit());
        ArrayNode methods = node.putArray("supportedGenerationMethods");
        model.supportedGenerationMethods().forEach(methods::add);
        if (!model.isEmbedding()) {
            node.put("temperature", 1.0);
            node.put("topP", 0.95);
            node.put("topK", 64);
            node.put("maxTemperature", 2.0);
            node.put("thinking", true);
        }
        return node;
    }

    static ObjectNode vertexModelJson(KnownModel model) {
        ObjectNode node = NODES.objectNode();
        node.put("name", VERTEX_PREFIX + "/" + model.id());
        node.put("versionId", "default");
        node.put("openSourceCategory", "PROPRIETARY");
        node.put("launchStage", model.preview() ? "PUBLIC_PREVIEW" : "GA");
        return node;
    }

    // ---------------------------------------------------------------- countTokens and embeddings

    /**
     * {@code totalTokens} of the contents and systemInstruction; with a {@code cachedContent} (in the request or its
     * generateContentRequest) the cache's tokens are included and reported as {@code cachedContentTokenCount}.
     */
    private ObjectNode countTokens(JsonNode request, KnownModel model) {
        JsonNode source = request;
        String type = "CountTokensRequest";
        JsonNode nested = request.get("generateContentRequest");
        if (nested != null && nested.isObject() && !request.has("contents")) {
            source = nested;
            type = "CountTokensRequest.generate_content_request";
        }
        Resources.Prepared prepared = emulator.resources().prepare(source, model);
        source = prepared.request();
        JsonNode contents = source.get("contents");
        Generation.validateContents(contents, type);
        Generation.PromptCount count = Generation.countPrompt(contents, source.get("systemInstruction"));
        ObjectNode root = NODES.objectNode();
        root.put("totalTokens", count.total());
        if (prepared.cached() != null) {
            root.put("cachedContentTokenCount", prepared.cached().total());
        }
        root.set("promptTokensDetails", count.details());
        if (prepared.cached() != null) {
            root.set("cacheTokensDetails", prepared.cached().details());
        }
        return root;
    }

    static ObjectNode embedContent(JsonNode request, KnownModel model) {
        String text = embeddingText(request.get("content"), "EmbedContentRequest.content");
        int dims = dimensions(request.get("outputDimensionality"), model, "EmbedContentRequest");
        ObjectNode root = NODES.objectNode();
        root.set("embedding", values(text, dims));
        return root;
    }

    private static ObjectNode batchEmbedContents(JsonNode request, KnownModel model) {
        JsonNode requests = request.get("requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) {
            throw ApiError.invalidArgument("* BatchEmbedContentsRequest.requests: requests is not specified\n");
        }
        if (requests.size() > MAX_BATCH_EMBED) {
            throw ApiError.invalidArgument("* BatchEmbedContentsRequest.requests: at most " + MAX_BATCH_EMBED
                    + " requests can be in one batch\n");
        }
        ObjectNode root = NODES.objectNode();
        ArrayNode embeddings = root.putArray("embeddings");
        for (int i = 0; i < requests.size(); i++) {
            JsonNode one = requests.get(i);
            String field = "BatchEmbedContentsRequest.requests[" + i + "]";
            JsonNode innerModel = one.get("model");
            if (innerModel != null && innerModel.isTextual()
                    && !FaultPlan.normalizeModel(innerModel.asText()).equals(model.id())) {
                throw ApiError.invalidArgument("* " + field + ".model: Model names in the requests (" + innerModel.asText()
                        + ") must match the model in the URL (models/" + model.id() + ").\n");
            }
            String text = embeddingText(one.get("content"), field + ".content");
            int dims = dimensions(one.get("outputDimensionality"), model, field);
            embeddings.add(values(text, dims));
        }
        return root;
    }

    private static ObjectNode predict(JsonNode request, KnownModel model) {
        JsonNode instances = request.get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) {
            throw ApiError.invalidArgument("Invalid request: instances must be a non-empty list.");
        }
        int dims = dimensions(request.path("parameters").get("outputDimensionality"), model, "parameters");
        ObjectNode root = NODES.objectNode();
        ArrayNode predictions = root.putArray("predictions");
        long characters = 0;
        for (JsonNode instance : instances) {
            JsonNode content = instance.get("content");
            if (content == null || !content.isTextual() || content.asText().isEmpty()) {
                throw ApiError.invalidArgument("Invalid request: each instance needs a non-empty \"content\" string.");
            }
            String text = content.asText();
            characters += text.codePointCount(0, text.length());
            int tokens = EmulatorTokenizer.count(text);
            ObjectNode embeddings = values(text, dims);
            ObjectNode statistics = embeddings.putObject("statistics");
            statistics.put("token_count", Math.min(tokens, model.inputTokenLimit()));
            statistics.put("truncated", tokens > model.inputTokenLimit());
            predictions.addObject().set("embeddings", embeddings);
        }
        root.putObject("metadata").put("billableCharacterCount", characters);
        return root;
    }

    private static String embeddingText(JsonNode content, String field) {
        JsonNode parts = content == null ? null : content.get("parts");
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            throw ApiError.invalidArgument("* " + field + ".parts: contents.parts must not be empty.\n");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : parts) {
            JsonNode text = part.get("text");
            if (text != null && text.isTextual()) {
                texts.add(text.asText());
            }
        }
        if (texts.isEmpty()) {
            throw ApiError.invalidArgument("* " + field + ".parts: only text parts can be embedded.\n");
        }
        return String.join(" ", texts);
    }

    private static int dimensions(JsonNode requested, KnownModel model, String field) {
        if (requested == null || requested.isNull()) {
            return model.embeddingDimensions();
        }
        int dims = requested.asInt(-1);
        if (!requested.isNumber() || dims < 1 || dims > model.embeddingDimensions()) {
            throw ApiError.invalidArgument("* " + field + ".output_dimensionality: output_dimensionality must be "
                    + "between 1 and " + model.embeddingDimensions() + ".\n");
        }
        return dims;
    }

    private static ObjectNode values(String text, int dims) {
        ObjectNode embedding = NODES.objectNode();
        ArrayNode values = embedding.putArray("values");
        for (float v : EmulatorEmbeddings.embed(text, dims)) {
            values.add(v);
        }
        return embedding;
    }

    // ---------------------------------------------------------------- streaming

    /** The pause between the two writes of the first element after a stall (a departed client's reset arrives). */
    static final Duration STALL_PROBE = Duration.ofMillis(50);

    /**
     * Writes the chunks one element at a time, each flushed (and paced by the chunk delay), applying a stream fault, and
     * tells the stream log how it ended: a failed write is the client's cut.
     */
    private void stream(HttpExchange exchange, Generation generation, boolean sse, FaultPlan.Decision decision)
            throws IOException {
        List<ObjectNode> chunks = generation.chunks(emulator.config().streamChunkTokens());
        ObjectNode extras = emulator.responseExtrasOrNull();
        chunks.forEach(chunk -> ResponseExtras.merge(chunk, extras));
        FaultPlan.Fault fault = decision.fault();
        FaultPlan.Type type = fault == null ? null : fault.type();
        boolean stopsEarly = type == FaultPlan.Type.CUT_STREAM || type == FaultPlan.Type.STREAM_ERROR
                || type == FaultPlan.Type.STALL_STREAM;
        int stopAt = stopsEarly ? Math.min(fault.afterChunks(), chunks.size()) : chunks.size();
        Duration delay = decision.chunkDelay() != null ? decision.chunkDelay() : emulator.config().streamChunkDelay();
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", sse ? "text/event-stream" : "application/json; charset=UTF-8");
        headers.set("Cache-Control", "no-cache");
        StreamLog.Tracker tracker = emulator.streamLog().begin(generation.model, sse, generation.responseId, chunks.size());
        try {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.flush(); // the JDK server buffers the headers until the first body write: send them now, as Google does
            int next = 0;
            for (; next < stopAt; next++) {
                pace(delay);
                writeChunk(out, chunks.get(next), sse, next == 0, false);
                tracker.chunkWritten();
            }
            if (type == FaultPlan.Type.STALL_STREAM) {
                if (emulator.stalls().await() == Stalls.Outcome.DROPPED) {
                    throw new DropConnection();
                }
                for (boolean probe = true; next < chunks.size(); next++, probe = false) {
                    pace(delay);
                    writeChunk(out, chunks.get(next), sse, next == 0, probe);
                    tracker.chunkWritten();
                }
            }
            if (type == FaultPlan.Type.CUT_STREAM) {
                pace(delay);
                tracker.end(StreamLog.End.FAULT_CUT);
                throw new DropConnection();
            }
            if (type == FaultPlan.Type.STREAM_ERROR) {
                pace(delay);
                writeElement(out, JSON.writeValueAsBytes(ApiError.serverFault(fault.httpStatus()).toJson()), sse,
                        stopAt == 0, false);
            }
            if (!sse) {
                out.write(']');
            }
            // flushed here, not by close(): the JDK's chunked stream swallows errors on close, and this is the last
            // write whose failure still tells that the client went away
            out.flush();
            tracker.end(type == FaultPlan.Type.STREAM_ERROR ? StreamLog.End.ERROR_EVENT : StreamLog.End.COMPLETED);
            out.close();
        } catch (IOException e) {
            tracker.end(StreamLog.End.CLIENT_CUT);
            throw e;
        } catch (RuntimeException e) {
            // DropConnection from a wait the emulator's close or reset ended (a fault's cut has ended the stream before)
            tracker.end(StreamLog.End.EMULATOR_CLOSED);
            throw e;
        }
    }

    private void pace(Duration delay) {
        if (delay.isPositive()) {
            emulator.pause(delay);
        }
    }

    /** One chunk, stamped with the time it is written when the configuration asks for it. */
    private void writeChunk(OutputStream out, ObjectNode chunk, boolean sse, boolean first, boolean probe)
            throws IOException {
        if (emulator.config().stampChunks()) {
            Instant now = Instant.now();
            chunk.put("emulatorSentAtMicros", now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
        }
        writeElement(out, JSON.writeValueAsBytes(chunk), sse, first, probe);
    }

    /**
     * One element, flushed: an SSE event {@code data: <json>\r\n\r\n}, or in the JSON-array form {@code [<json>} for
     * the first and {@code \r\n,<json>} for the others. A probe writes the first byte, waits {@link #STALL_PROBE}, then
     * the rest: the kernel accepts one write into a connection the client has closed, the next one fails.
     */
    private void writeElement(OutputStream out, byte[] json, boolean sse, boolean first, boolean probe)
            throws IOException {
        byte[] prefix = sse ? SSE_PREFIX : first ? ARRAY_OPEN : ARRAY_SEPARATOR;
        byte[] suffix = sse ? SSE_SUFFIX : NOTHING;
        byte[] element = new byte[prefix.length + json.length + suffix.length];
        System.arraycopy(prefix, 0, element, 0, prefix.length);
        System.arraycopy(json, 0, element, prefix.length, json.length);
        System.arraycopy(suffix, 0, element, prefix.length + json.length, suffix.length);
        int from = 0;
        if (probe) {
            out.write(element, 0, 1);
            out.flush();
            emulator.pause(STALL_PROBE);
            from = 1;
        }
        out.write(element, from, element.length - from);
        out.flush();
    }

    // ---------------------------------------------------------------- output helpers

    static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendBytes(exchange, status, JSON.writeValueAsBytes(body), Map.of());
    }

    static void sendBytes(HttpExchange exchange, int status, byte[] bytes, Map<String, String> extraHeaders)
            throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json; charset=UTF-8");
        extraHeaders.forEach(headers::set);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static void sendError(HttpExchange exchange, ApiError error) {
        try {
            sendBytes(exchange, error.code, JSON.writeValueAsBytes(error.toJson()), error.headers);
        } catch (IOException | RuntimeException e) {
            // headers already sent or the client is gone
        }
    }

    private static Map<String, List<String>> lowerCase(Headers headers) {
        Map<String, List<String>> out = new HashMap<>(headers.size() * 2);
        headers.forEach((name, values) -> out.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values), (a, b) -> {
            List<String> merged = new ArrayList<>(a);
            merged.addAll(b);
            return List.copyOf(merged);
        }));
        return Map.copyOf(out);
    }

}
