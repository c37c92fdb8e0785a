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
    final String finishReason;
    final int candidateCount;
    final int candidatesTokens;
    final int thoughtsTokens;
    final String responseId;
    /** The thoughtSignature of each candidate's first part, or null when the model does not think. */
    private final String[] signatures;

    private Generation(String model, PromptCount prompt, String text, String finishReason, int candidateCount,
                       int thoughtsTokens, String responseId, String[] signatures) {
        this.model = model;
        this.prompt = prompt;
        this.text = text;
        this.finishReason = finishReason;
        this.candidateCount = candidateCount;
        this.candidatesTokens = candidateCount * EmulatorTokenizer.count(text);
        this.thoughtsTokens = thoughtsTokens;
        this.responseId = responseId;
        this.signatures = signatures;
    }

    /** Validates {@code request} (a GenerateContentRequest) and computes the reply. */
    static Generation of(JsonNode request, KnownModel model, String rawBody) {
        JsonNode contents = request.get("contents");
        validateContents(contents, "GenerateContentRequest");
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
        String reply = replyText(contents);
        JsonNode stops = config.get("stopSequences");
        if (stops != null && stops.isArray()) {
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
                finish = "MAX_TOKENS";
            }
            cap = Math.max(0, cap - perCandidate);
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
        return new Generation(model.id(), prompt, reply, finish, candidates, thoughts, responseId(rawBody, model.id()),
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

    /** "Echo: " + the text of the last non-model turn, or "Echo: [n parts]". */
    static String replyText(JsonNode contents) {
        JsonNode turn = contents.get(contents.size() - 1);
        for (int i = contents.size() - 1; i >= 0; i--) {
            if (!"model".equals(contents.get(i).path("role").asText(""))) {
                turn = contents.get(i);
                break;
            }
        }
        JsonNode parts = turn.path("parts");
        List<String> texts = new ArrayList<>();
        for (JsonNode part : parts) {
            JsonNode text = part.get("text");
            if (text != null && text.isTextual() && !part.path("thought").asBoolean(false)) {
                texts.add(text.asText());
            }
        }
        return texts.isEmpty() ? "Echo: [" + parts.size() + " parts]" : "Echo: " + String.join(" ", texts);
    }

    static String responseId(String body, String model) {
        long a = EmulatorEmbeddings.fnv1a64(body);
        long b = EmulatorEmbeddings.fnv1a64(model + '\u0000' + body);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(ByteBuffer.allocate(16).putLong(a).putLong(b).array());
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
            ObjectNode part = content.putArray("parts").addObject().put("text", piece);
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
        usage.set("promptTokensDetails", prompt.details());
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
