package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deterministic reply to a GenerateContentRequest and its token accounting.
 *
 * <p>Reply text: {@code "Echo: " + the text parts of the last non-model turn joined by one space}, or
 * {@code "Echo: [n parts]"} when that turn has no text. Then {@code stopSequences} cut the text before the
 * earliest occurrence, and {@code maxOutputTokens} truncates it to exactly that many tokens
 * ({@code finishReason} MAX_TOKENS instead of STOP). {@code candidateCount} n gives n identical candidates.
 *
 * <p>Thinking models ({@link KnownModel#isThinking()}): {@code usageMetadata.thoughtsTokenCount} is the
 * {@link KnownModel.Thinking#THOUGHT_TOKENS figure of the level} times the candidates (billed as output, in the total),
 * and the first part of each candidate carries a deterministic {@code thoughtSignature}. {@code maxOutputTokens} bounds
 * thoughts and answer together, per candidate, as Gemini does in practice (googleapis/python-genai#2062: the documented
 * separation does not hold on Gemini 3): the thoughts come first, the answer gets what is left, and thoughts that reach
 * the cap leave an empty answer with {@code finishReason} MAX_TOKENS.
 *
 * <p>Function calling ({@link #calledFunction}): with function declarations, a fresh user turn gets a
 * {@code functionCall} part instead of text (Gemini 3+: with an {@code id}); a turn of function responses is echoed as
 * their JSON. Structured output ({@link #replyText(JsonNode, JsonNode)}): application/json gives JSON that conforms to
 * the schema. Gemini 3+ refuses a current turn whose function call lacks its thought signature
 * ({@link #requireThoughtSignatures}).
 */
final class Generation {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Tokens billed per image/audio/video/document part (Gemini's per-image rule). */
    static final int MEDIA_PART_TOKENS = 258;

    static final String[] SAFETY_CATEGORIES = {"HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT",
            "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_SEXUALLY_EXPLICIT"};

    /** Prompt tokens by modality, TEXT first. */
    record PromptCount(int total, Map<String, Integer> byModality) {

        ArrayNode details() {
            ArrayNode array = NODES.arrayNode();
            byModality.forEach((modality, tokens) -> {
                ObjectNode entry = array.addObject();
                entry.put("modality", modality);
                entry.put("tokenCount", tokens);
            });
            return array;
        }
    }

    final String model;
    final PromptCount prompt;
    final String text;
    /** Each candidate's functionCall (the reply instead of text), or null when the reply is text. */
    private final ObjectNode[] functionCalls;
    final String finishReason;
    final int candidateCount;
    final int candidatesTokens;
    final int thoughtsTokens;
    final String responseId;
    /** The thoughtSignature of each candidate's first part, or null when the model does not think. */
    private final String[] signatures;
    /** The tokens of the context cache the request used (included in {@link #prompt}), or null. */
    private PromptCount cached;

    private Generation(String model, PromptCount prompt, String text, ObjectNode[] functionCalls, String finishReason,
                       int candidateCount, int thoughtsTokens, String responseId, String[] signatures) {
        this.model = model;
        this.prompt = prompt;
        this.text = text;
        this.functionCalls = functionCalls;
        this.finishReason = finishReason;
        this.candidateCount = candidateCount;
        int tokens = 0;
        for (int i = 0; i < candidateCount; i++) {
            tokens += EmulatorTokenizer.count(functionCalls == null ? text : functionCalls[i].toString());
        }
        this.candidatesTokens = tokens;
        this.thoughtsTokens = thoughtsTokens;
        this.responseId = responseId;
        this.signatures = signatures;
    }

    /** Validates {@code request} (a GenerateContentRequest) and computes the reply. */
    static Generation of(JsonNode request, KnownModel model, String rawBody) {
        JsonNode contents = request.get("contents");
        validateContents(contents, "GenerateContentRequest");
        if (model.isThinking()) {
            requireThoughtSignatures(contents);
        }
        PromptCount prompt = countPrompt(contents, request.get("systemInstruction"));
        if (prompt.total() > model.inputTokenLimit()) {
            throw ApiError.invalidArgument("The input token count (" + prompt.total()
                    + ") exceeds the maximum number of tokens allowed (" + model.inputTokenLimit() + ").");
        }
        JsonNode config = request.path("generationConfig");
        int candidates = 1;
        JsonNode count = config.get("candidateCount");
        if (count != null && !count.isNull()) {
            if (!count.isNumber() || count.asInt() < 1 || count.asInt() > 8) {
                throw ApiError.invalidArgument("* GenerateContentRequest.generation_config.candidate_count: "
                        + "candidate_count must be between 1 and 8.\n");
            }
            candidates = count.asInt();
        }
        int thoughts = model.isThinking() ? candidates * thoughtTokens(model, config.path("thinkingConfig")) : 0;
        JsonNode max = config.get("maxOutputTokens");
        if (model.sharedTokenLimit() && max != null && max.isNumber() && max.asLong() > 0
                && prompt.total() + max.asLong() > model.inputTokenLimit()) {
            throw ApiError.invalidArgument("The input token count (" + prompt.total() + ") plus max_output_tokens ("
                    + max.asLong() + ") exceeds the maximum number of tokens allowed (" + model.inputTokenLimit()
                    + ") for input and output together.");
        }
        JsonNode declaration = calledFunction(request, contents);
        ObjectNode[] calls = null;
        String reply = "";
        if (declaration != null) {
            calls = new ObjectNode[candidates];
            for (int i = 0; i < candidates; i++) {
                calls[i] = functionCall(declaration, echoSource(contents), model.isThinking()
                        ? functionCallId(rawBody, model.id(), i) : null);
            }
        } else {
            reply = replyText(contents, config);
        }
        JsonNode stops = config.get("stopSequences");
        if (calls == null && stops != null && stops.isArray()) {
            int cut = -1;
            for (JsonNode stop : stops) {
                String s = stop.asText("");
                int at = s.isEmpty() ? -1 : reply.indexOf(s);
                if (at >= 0 && (cut < 0 || at < cut)) {
                    cut = at;
                }
            }
            if (cut >= 0) {
                reply = reply.substring(0, cut);
            }
        }
        String finish = "STOP";
        int cap = max != null && max.isNumber() && max.asInt() > 0 ? max.asInt() : 0;
        if (cap == 0 && model.sharedTokenLimit()) {
            // Gemini 4: 65,536 output tokens by default, fewer when the prompt leaves less of the shared limit
            cap = Math.max(1, Math.min(model.outputTokenLimit(), model.inputTokenLimit() - prompt.total()));
        }
        if (cap > 0 && thoughts > 0) {
            // maxOutputTokens bounds thinking and answer together, per candidate (thinking comes first)
            int perCandidate = thoughts / candidates;
            if (perCandidate >= cap) {
                thoughts = cap * candidates;
                reply = "";
                calls = null;
                finish = "MAX_TOKENS";
            }
            cap = Math.max(0, cap - perCandidate);
        }
        if (calls != null && cap > 0 && EmulatorTokenizer.count(calls[0].toString()) > cap) {
            // a function call is not cut: one that does not fit leaves an empty answer
            calls = null;
            finish = "MAX_TOKENS";
        }
        if (cap > 0 && EmulatorTokenizer.count(reply) > cap) {
            reply = EmulatorTokenizer.truncate(reply, cap);
            finish = "MAX_TOKENS";
        }
        String[] signatures = null;
        if (model.isThinking()) {
            signatures = new String[candidates];
            for (int i = 0; i < candidates; i++) {
                signatures[i] = thoughtSignature(rawBody, model.id(), i);
            }
        }
        return new Generation(model.id(), prompt, reply, calls, finish, candidates, thoughts, responseId(rawBody, model.id()),
                signatures);
    }

    /** Google's enum values for thinking levels (the ones a model accepts are in its {@link KnownModel.Thinking}). */
    private static final List<String> THINKING_LEVELS = List.of("minimal", "low", "medium", "high", "xhigh");

    /**
     * The thoughts tokens of one candidate for {@code thinkingConfig}: the figure of its {@code thinkingLevel} (else the
     * model's default level); on models that still take it, a {@code thinkingBudget} of n >= 0 gives n (at most
     * {@link KnownModel.Thinking#MAX_BUDGET}) and -1 (dynamic) the default level's figure.
     */
    static int thoughtTokens(KnownModel model, JsonNode thinkingConfig) {
        KnownModel.Thinking thinking = model.thinking();
        JsonNode budget = thinkingConfig.get("thinkingBudget");
        JsonNode level = thinkingConfig.get("thinkingLevel");
        boolean hasBudget = budget != null && !budget.isNull();
        boolean hasLevel = level != null && !level.isNull();
        if (hasBudget && !thinking.budgetSupported()) {
            throw ApiError.invalidArgument("thinking_budget is not supported by models/" + model.id() + ". Use "
                    + "generation_config.thinking_config.thinking_level (" + String.join(", ", thinking.levels())
                    + ") instead.");
        }
        if (hasBudget && hasLevel) {
            throw ApiError.invalidArgument("thinking_budget and thinking_level cannot both be set; use thinking_level.");
        }
        if (hasLevel) {
            String name = level.isTextual() ? level.asText().trim().toLowerCase(Locale.ROOT) : "";
            if (name.equals("thinking_level_unspecified")) {
                return thinking.thoughtTokens(thinking.defaultLevel());
            }
            if (!THINKING_LEVELS.contains(name)) {
                throw ApiError.invalidArgument("Invalid value at 'generation_config.thinking_config.thinking_level' "
                        + "(type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), "
                        + level);
            }
            if (!thinking.levels().contains(name)) {
                throw ApiError.invalidArgument("Thinking level " + name.toUpperCase(Locale.ROOT) + " is not supported by "
                        + "models/" + model.id() + "; supported levels: " + String.join(", ", thinking.levels()) + ".");
            }
            return thinking.thoughtTokens(name);
        }
        if (hasBudget && budget.canConvertToLong() && budget.asLong() >= 0) {
            return (int) Math.min(budget.asLong(), KnownModel.Thinking.MAX_BUDGET);
        }
        return thinking.thoughtTokens(thinking.defaultLevel());
    }

    /** 32 bytes derived from the request and model, standard base64 (what the SDKs decode): same request, same value. */
    static String thoughtSignature(String body, String model, int candidate) {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        for (int k = 0; k < 4; k++) {
            bytes.putLong(EmulatorEmbeddings.fnv1a64("thoughtSignature\u0000" + model + '\u0000' + candidate + '\u0000' + k
                    + '\u0000' + body));
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** 400 unless {@code contents} is a non-empty array of contents with non-empty parts and valid roles. */
    static void validateContents(JsonNode contents, String requestType) {
        if (contents == null || contents.isNull() || (contents.isArray() && contents.isEmpty())) {
            throw ApiError.invalidArgument("* " + requestType + ".contents: contents is not specified\n");
        }
        if (!contents.isArray()) {
            throw ApiError.invalidArgument("Invalid JSON payload received. Invalid value at 'contents': "
                    + "expected a list of Content.");
        }
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            if (!content.isObject()) {
                throw ApiError.invalidArgument("Invalid JSON payload received. Invalid value at 'contents[" + i
                        + "]': expected a Content object.");
            }
            JsonNode parts = content.get("parts");
            if (parts == null || !parts.isArray() || parts.isEmpty()) {
                throw ApiError.invalidArgument("* " + requestType + ".contents[" + i
                        + "].parts: contents.parts must not be empty.\n");
            }
            JsonNode role = content.get("role");
            if (role != null && !role.isNull() && !role.asText().isEmpty()) {
                String r = role.asText();
                if (!r.equals("user") && !r.equals("model") && !r.equals("function") && !r.equals("tool")) {
                    throw ApiError.invalidArgument("Please use a valid role: user, model.");
                }
            }
        }
    }

    /** Prompt tokens of contents plus systemInstruction (see the class and README for the rule). */
    static PromptCount countPrompt(JsonNode contents, JsonNode systemInstruction) {
        Map<String, Integer> byModality = new LinkedHashMap<>();
        byModality.put("TEXT", 0);
        if (systemInstruction != null && systemInstruction.isObject()) {
            countParts(systemInstruction.get("parts"), byModality);
        } else if (systemInstruction != null && systemInstruction.isTextual()) {
            byModality.merge("TEXT", EmulatorTokenizer.count(systemInstruction.asText()), Integer::sum);
        }
        if (contents != null && contents.isArray()) {
            for (JsonNode content : contents) {
                countParts(content.get("parts"), byModality);
            }
        }
        if (byModality.get("TEXT") == 0 && byModality.size() > 1) {
            byModality.remove("TEXT");
        }
        int total = byModality.values().stream().mapToInt(Integer::intValue).sum();
        return new PromptCount(total, byModality);
    }

    private static void countParts(JsonNode parts, Map<String, Integer> byModality) {
        if (parts == null || !parts.isArray()) {
            return;
        }
        for (JsonNode part : parts) {
            JsonNode text = part.get("text");
            if (text != null && text.isTextual()) {
                byModality.merge("TEXT", EmulatorTokenizer.count(text.asText()), Integer::sum);
            }
            for (String media : new String[] {"inlineData", "fileData"}) {
                JsonNode data = part.get(media);
                if (data != null && data.isObject()) {
                    byModality.merge(modality(data.path("mimeType").asText("")), MEDIA_PART_TOKENS, Integer::sum);
                }
            }
            for (String structured : new String[] {"functionCall", "functionResponse", "executableCode",
                    "codeExecutionResult"}) {
                JsonNode node = part.get(structured);
                if (node != null && !node.isNull()) {
                    byModality.merge("TEXT", EmulatorTokenizer.count(node.toString()), Integer::sum);
                }
            }
        }
    }

    static String modality(String mimeType) {
        String m = mimeType.toLowerCase(Locale.ROOT);
        if (m.startsWith("image/")) {
            return "IMAGE";
        }
        if (m.startsWith("audio/")) {
            return "AUDIO";
        }
        if (m.startsWith("video/")) {
            return "VIDEO";
        }
        return "DOCUMENT";
    }

    /** The last content whose role is not {@code model} (the last content when all are the model's). */
    static JsonNode lastUserTurn(JsonNode contents) {
        for (int i = contents.size() - 1; i >= 0; i--) {
            if (!"model".equals(contents.get(i).path("role").asText(""))) {
                return contents.get(i);
            }
        }
        return contents.get(contents.size() - 1);
    }

    /**
     * What the reply echoes: the last user turn's parts joined by one space, a text part as its text ({@code thought}
     * parts skipped), a {@code functionResponse} part as the compact JSON of its {@code response}; {@code "[n parts]"}
     * when there is neither.
     */
    static String echoSource(JsonNode contents) {
        JsonNode parts = lastUserTurn(contents).path("parts");
        List<String> texts = new ArrayList<>();
        for (JsonNode part : parts) {
            JsonNode text = part.get("text");
            JsonNode response = part.get("functionResponse");
            if (text != null && text.isTextual() && !part.path("thought").asBoolean(false)) {
                texts.add(text.asText());
            } else if (response != null && response.isObject()) {
                JsonNode body = response.get("response");
                texts.add(body == null || body.isNull() ? "{}" : body.toString());
            }
        }
        return texts.isEmpty() ? "[" + parts.size() + " parts]" : String.join(" ", texts);
    }

    /** "Echo: " + {@link #echoSource}. */
    static String replyText(JsonNode contents) {
        return "Echo: " + echoSource(contents);
    }

    /**
     * The reply text under {@code generationConfig}: with {@code responseMimeType} application/json, a JSON value that
     * conforms to {@code responseSchema} or {@code responseJsonSchema} ({@link SchemaValues}, every property), else
     * {@code {"echo":"<echo source>"}}; with text/x.enum, the schema's first enum value; otherwise
     * {@link #replyText(JsonNode)}.
     */
    static String replyText(JsonNode contents, JsonNode config) {
        String mime = field(config, "responseMimeType", "response_mime_type").asText("")
                .toLowerCase(Locale.ROOT).split(";")[0].trim();
        JsonNode schema = field(config, "responseJsonSchema", "response_json_schema");
        if (schema.isMissingNode() || schema.isNull()) {
            schema = field(config, "responseSchema", "response_schema");
        }
        if (schema.isMissingNode() || schema.isNull()) {
            schema = field(config, "_responseJsonSchema", "_response_json_schema");
        }
        String source = echoSource(contents);
        if (mime.equals("application/json")) {
            JsonNode value = schema.isObject()
                    ? SchemaValues.of(schema, source, SchemaValues.Properties.ALL)
                    : NODES.objectNode().put("echo", source);
            return value.toString();
        }
        if (mime.equals("text/x.enum") && schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            return schema.path("enum").get(0).asText();
        }
        return "Echo: " + source;
    }

    /** {@code node.camel}, else {@code node.snake} (Google's JSON parser takes both spellings). */
    static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode value = node.path(camel);
        return value.isMissingNode() ? node.path(snake) : value;
    }

    /**
     * The function declaration the model calls, or null when it answers with text: there must be
     * {@code tools[].functionDeclarations}, {@code toolConfig.functionCallingConfig.mode} must not be NONE, and the last
     * content must be a user turn without a {@code functionResponse} part. The first declaration is called; with mode ANY
     * (or VALIDATED) and {@code allowedFunctionNames}, the first declaration whose name is allowed.
     */
    static JsonNode calledFunction(JsonNode request, JsonNode contents) {
        List<JsonNode> declarations = new ArrayList<>();
        JsonNode tools = request.path("tools");
        if (tools.isArray()) {
            for (JsonNode tool : tools) {
                JsonNode declared = field(tool, "functionDeclarations", "function_declarations");
                if (declared.isArray()) {
                    declared.forEach(d -> {
                        if (d.isObject() && d.path("name").isTextual()) {
                            declarations.add(d);
                        }
                    });
                }
            }
        }
        if (declarations.isEmpty()) {
            return null;
        }
        JsonNode callingConfig = field(field(request, "toolConfig", "tool_config"), "functionCallingConfig",
                "function_calling_config");
        String mode = callingConfig.path("mode").asText("AUTO").toUpperCase(Locale.ROOT);
        if (mode.equals("NONE")) {
            return null;
        }
        JsonNode last = contents.get(contents.size() - 1);
        if ("model".equals(last.path("role").asText(""))) {
            return null;
        }
        for (JsonNode part : last.path("parts")) {
            if (part.has("functionResponse") || part.has("function_response")) {
                return null;
            }
        }
        JsonNode allowed = field(callingConfig, "allowedFunctionNames", "allowed_function_names");
        if ((mode.equals("ANY") || mode.equals("VALIDATED")) && allowed.isArray() && !allowed.isEmpty()) {
            for (JsonNode declaration : declarations) {
                for (JsonNode name : allowed) {
                    if (name.asText().equals(declaration.path("name").asText())) {
                        return declaration;
                    }
                }
            }
        }
        return declarations.getFirst();
    }

    /**
     * {@code {"name":..., "args":..., ["id":...]}}: the args from the declaration's {@code parameters} (else
     * {@code parametersJsonSchema}) by {@link SchemaValues} (required properties, else all), an empty object without a
     * schema.
     */
    static ObjectNode functionCall(JsonNode declaration, String text, String id) {
        JsonNode schema = declaration.path("parameters");
        if (!schema.isObject()) {
            schema = field(declaration, "parametersJsonSchema", "parameters_json_schema");
        }
        JsonNode args = schema.isObject() ? SchemaValues.of(schema, text, SchemaValues.Properties.REQUIRED_ELSE_ALL)
                : NODES.objectNode();
        ObjectNode call = NODES.objectNode();
        call.put("name", declaration.path("name").asText());
        call.set("args", args.isObject() ? args : NODES.objectNode());
        if (id != null) {
            call.put("id", id);
        }
        return call;
    }

    /** 8 lower-case letters derived from the request, model and candidate (so always 2 tokens): same request, same id. */
    static String functionCallId(String body, String model, int candidate) {
        long hash = EmulatorEmbeddings.fnv1a64("functionCallId\u0000" + model + '\u0000' + candidate + '\u0000' + body);
        StringBuilder id = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            id.append((char) ('a' + Math.floorMod(hash, 26)));
            hash = Long.rotateRight(hash * 0x9E3779B97F4A7C15L, 17);
        }
        return id.toString();
    }

    /**
     * Gemini 3+'s check: in the current turn (the contents after the last user content that has a part other than a
     * {@code functionResponse}), the first {@code functionCall} part of each model content must carry a non-empty
     * {@code thoughtSignature} (any value: Google's documented bypass values "skip_thought_signature_validator" and
     * "context_engineering_is_the_way_to_go" pass too), else 400 with Google's message; position is the content's
     * 1-based index in {@code contents}.
     */
    static void requireThoughtSignatures(JsonNode contents) {
        int start = -1;
        for (int i = contents.size() - 1; i >= 0 && start < 0; i--) {
            JsonNode content = contents.get(i);
            if ("model".equals(content.path("role").asText(""))) {
                continue;
            }
            for (JsonNode part : content.path("parts")) {
                if (!part.has("functionResponse") && !part.has("function_response")) {
                    start = i;
                    break;
                }
            }
        }
        for (int i = start + 1; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            if (!"model".equals(content.path("role").asText(""))) {
                continue;
            }
            for (JsonNode part : content.path("parts")) {
                JsonNode call = field(part, "functionCall", "function_call");
                if (call.isObject()) {
                    String signature = field(part, "thoughtSignature", "thought_signature").asText("");
                    if (signature.isEmpty()) {
                        throw ApiError.invalidArgument("Function call is missing a thought_signature in functionCall "
                                + "parts. This is required for tools to work correctly, and missing thought_signature "
                                + "may lead to degraded model performance. Additional data, function call `default_api:"
                                + call.path("name").asText() + "` , position " + (i + 1) + ". Please refer to "
                                + "https://ai.google.dev/gemini-api/docs/thought-signatures for more details.");
                    }
                    break; // only the first call of a step needs it (parallel calls after it do not)
                }
            }
        }
    }

    static String responseId(String body, String model) {
        long a = EmulatorEmbeddings.fnv1a64(body);
        long b = EmulatorEmbeddings.fnv1a64(model + '\u0000' + body);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(ByteBuffer.allocate(16).putLong(a).putLong(b).array());
    }

    /** Marks the prompt's first tokens as a context cache's (reported as {@code cachedContentTokenCount}). */
    Generation withCached(PromptCount cachedCount) {
        this.cached = cachedCount;
        return this;
    }

    /** The whole GenerateContentResponse. */
    ObjectNode response() {
        return chunk(text, true, true);
    }

    /**
     * The stream: pieces of {@code tokensPerChunk} tokens; the first chunk carries the thought signatures, every chunk
     * the prompt usage (and the thoughts, done before the first text), the last one finishReason and the full usage.
     */
    List<ObjectNode> chunks(int tokensPerChunk) {
        if (functionCalls != null) {
            return List.of(chunk(null, true, true)); // Gemini sends a function call whole, in one chunk
        }
        List<String> pieces = EmulatorTokenizer.split(text, tokensPerChunk);
        List<ObjectNode> chunks = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            chunks.add(chunk(pieces.get(i), i == 0, i == pieces.size() - 1));
        }
        return chunks;
    }

    private ObjectNode chunk(String piece, boolean first, boolean last) {
        ObjectNode root = NODES.objectNode();
        ArrayNode candidates = root.putArray("candidates");
        for (int i = 0; i < candidateCount; i++) {
            ObjectNode candidate = candidates.addObject();
            ObjectNode content = candidate.putObject("content");
            ObjectNode part = content.putArray("parts").addObject();
            if (functionCalls != null) {
                part.set("functionCall", functionCalls[i].deepCopy());
            } else {
                part.put("text", piece);
            }
            if (first && signatures != null) {
                part.put("thoughtSignature", signatures[i]);
            }
            content.put("role", "model");
            if (last) {
                candidate.put("finishReason", finishReason);
            }
            candidate.put("index", i);
            if (last) {
                ArrayNode ratings = candidate.putArray("safetyRatings");
                for (String category : SAFETY_CATEGORIES) {
                    ObjectNode rating = ratings.addObject();
                    rating.put("category", category);
                    rating.put("probability", "NEGLIGIBLE");
                }
            }
        }
        ObjectNode usage = root.putObject("usageMetadata");
        usage.put("promptTokenCount", prompt.total());
        if (last) {
            usage.put("candidatesTokenCount", candidatesTokens);
            usage.put("totalTokenCount", prompt.total() + candidatesTokens + thoughtsTokens);
        } else {
            usage.put("totalTokenCount", prompt.total() + thoughtsTokens);
        }
        if (cached != null) {
            usage.put("cachedContentTokenCount", cached.total());
        }
        usage.set("promptTokensDetails", prompt.details());
        if (cached != null) {
            usage.set("cacheTokensDetails", cached.details());
        }
        if (thoughtsTokens > 0) {
            usage.put("thoughtsTokenCount", thoughtsTokens);
        }
        if (last) {
            ObjectNode out = usage.putArray("candidatesTokensDetails").addObject();
            out.put("modality", "TEXT");
            out.put("tokenCount", candidatesTokens);
        }
        root.put("modelVersion", model);
        root.put("responseId", responseId);
        return root;
    }
}
