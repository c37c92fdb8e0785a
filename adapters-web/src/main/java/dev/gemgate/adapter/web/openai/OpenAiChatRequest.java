package dev.gemgate.adapter.web.openai;

import dev.gemgate.adapter.web.gemini.GeminiJson;
import dev.gemgate.domain.budget.EndUserName;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI {@code chat/completions} request, translated into the domain's {@link GenerationRequest} (a Gemini
 * {@code GenerateContentRequest} tree), which the same use cases as the Gemini surface serve. Every refusal names the
 * OpenAI parameter at fault ({@link OpenAiRequestException}); what the domain refuses afterwards keeps its own message.
 *
 * <p>The mapping (see the module README for the reasons):
 * <ul>
 *   <li>{@code system} and {@code developer} messages → {@code systemInstruction} (their text parts, in order);
 *   {@code user} → a {@code user} turn (text, {@code image_url} via {@link ImageUrls}, {@code input_audio});
 *   {@code assistant} → a {@code model} turn (text, then each tool call as a {@code functionCall} part with the
 *   {@code thoughtSignature} it came with, {@link ToolCallIds}); consecutive {@code tool} messages → one {@code user}
 *   turn of {@code functionResponse} parts, named after the call their {@code tool_call_id} answers.</li>
 *   <li>{@code max_completion_tokens}/{@code max_tokens} → {@code maxOutputTokens}; {@code temperature}, {@code top_p},
 *   {@code presence_penalty}, {@code frequency_penalty}, {@code seed}, {@code n} ({@code candidateCount}), {@code stop}
 *   ({@code stopSequences}); {@code response_format} {@code json_object} → {@code responseMimeType} JSON,
 *   {@code json_schema} → the same plus {@code responseJsonSchema} (the JSON Schema as sent: no lossy translation to
 *   Gemini's OpenAPI subset).</li>
 *   <li>{@code tools} → one {@code functionDeclarations} tool ({@code parametersJsonSchema}); {@code tool_choice}
 *   {@code none|auto|required|{function}} → {@code functionCallingConfig} {@code NONE|AUTO|ANY|ANY + allowed name}.</li>
 *   <li>{@code reasoning_effort} → {@code thinkingConfig} ({@link #thinkingConfig}); {@code user} → the end user.</li>
 * </ul>
 */
public record OpenAiChatRequest(GenerationRequest request, boolean stream, boolean includeUsage,
                                Optional<String> endUser) {

    /** Parameters translated below. */
    private static final Set<String> TRANSLATED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "stop", "n", "seed", "response_format", "tools", "tool_choice",
            "reasoning_effort", "user", "stream", "stream_options", "presence_penalty", "frequency_penalty",
            "logprobs", "top_logprobs", "modalities");
    /**
     * Parameters OpenAI's SDKs and common clients send that change nothing Gemini does (bookkeeping for OpenAI's own
     * services): accepted and not forwarded, as Google's own OpenAI layer does.
     */
    private static final Set<String> ACCEPTED = Set.of("store", "metadata", "parallel_tool_calls", "service_tier",
            "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "verbosity", "logit_bias",
            "prediction");
    private static final Pattern GEMINI_VERSION = Pattern.compile("^gemini-(\\d+)(?:[.-]|$)");

    /**
     * Reads {@code body} (one JSON object, read by the same hardened reader as every tenant body).
     */
    public static OpenAiChatRequest read(byte[] body, ImageUrls images) {
        return translate(GeminiJson.readObject(body), images);
    }

    static OpenAiChatRequest translate(Map<String, Object> body, ImageUrls images) {
        for (String field : body.keySet()) {
            if (!TRANSLATED.contains(field) && !ACCEPTED.contains(field)) {
                throw OpenAiRequestException.invalid(field, "Unrecognized request argument supplied: " + field,
                        "unknown_parameter");
            }
        }
        ModelId model = model(body.get("model"));
        Map<String, Object> gemini = new LinkedHashMap<>();
        Messages messages = new Messages(images);
        messages.read(body.get("messages"));
        gemini.put("contents", messages.contents);
        if (!messages.system.isEmpty()) {
            gemini.put("systemInstruction", Map.of("parts", messages.system));
        }
        Map<String, Object> config = generationConfig(body, model);
        readTools(body, gemini);
        if (!config.isEmpty()) {
            gemini.put("generationConfig", config);
        }
        boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        if (body.get("stream_options") != null) {
            Map<String, Object> options = object(body.get("stream_options"), "stream_options");
            if (!stream) {
                throw OpenAiRequestException.invalid("stream_options",
                        "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
            }
            includeUsage = bool(options, "include_usage", "stream_options.include_usage");
        }
        Optional<String> endUser = Optional.empty();
        if (body.get("user") != null) {
            try {
                endUser = EndUserName.parse(string(body.get("user"), "user"));
            } catch (IllegalArgumentException e) {
                throw OpenAiRequestException.invalid("user", "user " + e.getMessage() + ".");
            }
        }
        return new OpenAiChatRequest(new GenerationRequest(model, gemini), stream, includeUsage, endUser);
    }

    private static ModelId model(Object value) {
        if (value == null) {
            throw OpenAiRequestException.invalid("model", "you must provide a model parameter",
                    "missing_required_parameter");
        }
        return OpenAiModelsJson.modelId(string(value, "model"));
    }

    /** The conversation: Gemini turns and the system instruction's parts. */
    private static final class Messages {
        private final ImageUrls images;
        private final List<Object> contents = new ArrayList<>();
        private final List<Object> system = new ArrayList<>();
        /** Tool call id → function name, from the assistant messages so far (a tool message names only the id). */
        private final Map<String, String> callNames = new HashMap<>();
        /** The functionResponse parts of consecutive tool messages, which Gemini takes as one turn. */
        private List<Object> toolResponses;

        Messages(ImageUrls images) {
            this.images = images;
        }

        void read(Object raw) {
            if (raw == null) {
                throw OpenAiRequestException.invalid("messages", "you must provide a messages parameter",
                        "missing_required_parameter");
            }
            List<Object> messages = list(raw, "messages");
            if (messages.isEmpty()) {
                throw OpenAiRequestException.invalid("messages", "messages must not be empty; "
                        + "expected an array with minimum length 1.");
            }
            for (int i = 0; i < messages.size(); i++) {
                String path = "messages[" + i + "]";
                Map<String, Object> message = object(messages.get(i), path);
                String role = string(message.get("role"), path + ".role");
                if (!role.equals("tool")) {
                    endToolTurn();
                }
                switch (role) {
                    case "system", "developer" -> system.addAll(textParts(message.get("content"), path + ".content"));
                    case "user" -> contents.add(turn("user", userParts(message.get("content"), path + ".content")));
                    case "assistant" -> contents.add(turn("model", assistantParts(message, path)));
                    case "tool" -> toolResponse(message, path);
                    case "function" -> throw OpenAiRequestException.invalid(path + ".role", "The 'function' role is"
                            + " deprecated and not supported; use tool messages.", "unsupported_value");
                    default -> throw OpenAiRequestException.invalid(path + ".role", "Invalid value: '" + role
                            + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
                }
            }
            endToolTurn();
            if (contents.isEmpty()) {
                throw OpenAiRequestException.invalid("messages", "messages must contain at least one user, assistant"
                        + " or tool message besides system and developer messages.");
            }
        }

        private static Map<String, Object> turn(String role, List<Object> parts) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("role", role);
            content.put("parts", parts);
            return content;
        }

        private List<Object> userParts(Object content, String path) {
            if (content instanceof String text) {
                return List.of(Map.of("text", text));
            }
            List<Object> raw = list(content, path);
            if (raw.isEmpty()) {
                throw OpenAiRequestException.invalid(path, "content must not be empty.");
            }
            List<Object> parts = new ArrayList<>(raw.size());
            for (int j = 0; j < raw.size(); j++) {
                String partPath = path + "[" + j + "]";
                Map<String, Object> part = object(raw.get(j), partPath);
                String type = string(part.get("type"), partPath + ".type");
                switch (type) {
                    case "text" -> parts.add(Map.of("text", string(part.get("text"), partPath + ".text")));
                    case "image_url" -> {
                        Object image = part.get("image_url");
                        String url = image instanceof String s ? s
                                : string(object(image, partPath + ".image_url").get("url"), partPath + ".image_url.url");
                        parts.add(images.part(url, partPath + ".image_url.url"));
                    }
                    case "input_audio" -> {
                        Map<String, Object> audio = object(part.get("input_audio"), partPath + ".input_audio");
                        String format = string(audio.get("format"), partPath + ".input_audio.format");
                        String mime = switch (format) {
                            case "wav" -> "audio/wav";
                            case "mp3" -> "audio/mp3";
                            default -> throw OpenAiRequestException.invalid(partPath + ".input_audio.format",
                                    "Invalid value: '" + format + "'. Supported values are: 'wav' and 'mp3'.");
                        };
                        parts.add(Map.of("inlineData", Map.of("mimeType", mime,
                                "data", string(audio.get("data"), partPath + ".input_audio.data"))));
                    }
                    default -> throw OpenAiRequestException.invalid(partPath + ".type", "Invalid value: '" + type
                            + "'. Supported values are: 'text', 'image_url' and 'input_audio'.", "unsupported_value");
                }
            }
            return parts;
        }

        private List<Object> assistantParts(Map<String, Object> message, String path) {
            List<Object> parts = new ArrayList<>();
            Object content = message.get("content");
            if (content != null) {
                for (Object part : textParts(content, path + ".content")) {
                    if (!((String) ((Map<?, ?>) part).get("text")).isEmpty()) {
                        parts.add(part);
                    }
                }
            }
            if (message.get("tool_calls") != null) {
                List<Object> calls = list(message.get("tool_calls"), path + ".tool_calls");
                for (int k = 0; k < calls.size(); k++) {
                    parts.add(functionCall(object(calls.get(k), path + ".tool_calls[" + k + "]"),
                            path + ".tool_calls[" + k + "]"));
                }
            }
            if (message.get("function_call") != null) {
                throw OpenAiRequestException.invalid(path + ".function_call", "function_call is deprecated and not "
                        + "supported; use tool_calls.", "unsupported_value");
            }
            if (parts.isEmpty()) {
                throw OpenAiRequestException.invalid(path + ".content", "An assistant message needs content or "
                        + "tool_calls.");
            }
            return parts;
        }

        private Map<String, Object> functionCall(Map<String, Object> call, String path) {
            String id = string(call.get("id"), path + ".id");
            Object type = call.get("type");
            if (type != null && !"function".equals(type)) {
                throw OpenAiRequestException.invalid(path + ".type", "Only function tool calls are supported.",
                        "unsupported_value");
            }
            Map<String, Object> function = object(call.get("function"), path + ".function");
            String name = string(function.get("name"), path + ".function.name");
            Object arguments = function.get("arguments");
            Map<String, Object> args = arguments == null ? Map.of()
                    : jsonObject(string(arguments, path + ".function.arguments"), path + ".function.arguments");
            callNames.put(id, name);
            Map<String, Object> functionCall = new LinkedHashMap<>();
            functionCall.put("name", name);
            functionCall.put("args", args);
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("functionCall", functionCall);
            ToolCallIds.signature(call).ifPresent(signature -> part.put("thoughtSignature", signature));
            return part;
        }

        private void toolResponse(Map<String, Object> message, String path) {
            String id = string(message.get("tool_call_id"), path + ".tool_call_id");
            String name = callNames.get(id);
            if (name == null) {
                throw OpenAiRequestException.invalid(path + ".tool_call_id", "No assistant message before this one has "
                        + "a tool call with id " + abbreviate(id) + ".");
            }
            StringBuilder text = new StringBuilder();
            for (Object part : textParts(message.get("content"), path + ".content")) {
                text.append(((Map<?, ?>) part).get("text"));
            }
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("name", name);
            response.put("response", responseObject(text.toString()));
            if (toolResponses == null) {
                toolResponses = new ArrayList<>();
            }
            toolResponses.add(Map.of("functionResponse", response));
        }

        private void endToolTurn() {
            if (toolResponses != null) {
                contents.add(turn("user", toolResponses));
                toolResponses = null;
            }
        }
    }

    /**
     * A tool's output as Gemini's {@code functionResponse.response} (an object): the output itself when it is a JSON
     * object, else {@code {"content": <the text>}}.
     */
    private static Map<String, Object> responseObject(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            try {
                return GeminiJson.readObject(trimmed.getBytes(StandardCharsets.UTF_8));
            } catch (DomainException notJson) {
                // plain text that starts with a brace
            }
        }
        return Map.of("content", text);
    }

    /** A content that may only hold text: a string, or a list of {@code text} parts. */
    private static List<Object> textParts(Object content, String path) {
        if (content == null) {
            throw OpenAiRequestException.invalid(path, "content is required.", "missing_required_parameter");
        }
        if (content instanceof String text) {
            return List.of(Map.of("text", text));
        }
        List<Object> raw = list(content, path);
        List<Object> parts = new ArrayList<>(raw.size());
        for (int j = 0; j < raw.size(); j++) {
            Map<String, Object> part = object(raw.get(j), path + "[" + j + "]");
            Object type = part.get("type");
            if ("refusal".equals(type)) {
                continue; // an assistant's refusal: nothing the model needs to read again
            }
            if (!"text".equals(type)) {
                throw OpenAiRequestException.invalid(path + "[" + j + "].type", "Only text parts are allowed here.",
                        "unsupported_value");
            }
            parts.add(Map.of("text", string(part.get("text"), path + "[" + j + "].text")));
        }
        return parts;
    }

    private static Map<String, Object> generationConfig(Map<String, Object> body, ModelId model) {
        Map<String, Object> config = new LinkedHashMap<>();
        Object maxCompletion = body.get("max_completion_tokens");
        Object maxTokens = body.get("max_tokens");
        if (maxCompletion != null) {
            config.put("maxOutputTokens", whole(maxCompletion, "max_completion_tokens", 1, Integer.MAX_VALUE));
        } else if (maxTokens != null) {
            config.put("maxOutputTokens", whole(maxTokens, "max_tokens", 1, Integer.MAX_VALUE));
        }
        number(body, "temperature", 0, 2).ifPresent(t -> config.put("temperature", t));
        number(body, "top_p", 0, 1).ifPresent(p -> config.put("topP", p));
        number(body, "presence_penalty", -2, 2).ifPresent(p -> config.put("presencePenalty", p));
        number(body, "frequency_penalty", -2, 2).ifPresent(p -> config.put("frequencyPenalty", p));
        if (body.get("n") != null) {
            config.put("candidateCount", whole(body.get("n"), "n", 1, GenerationRequest.MAX_CANDIDATES));
        }
        if (body.get("seed") != null) {
            config.put("seed", whole(body.get("seed"), "seed", Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        Object stop = body.get("stop");
        if (stop instanceof String s) {
            config.put("stopSequences", List.of(s));
        } else if (stop != null) {
            List<Object> sequences = list(stop, "stop");
            if (sequences.size() > 5) {
                throw OpenAiRequestException.invalid("stop", "stop may hold at most 5 sequences.");
            }
            for (int i = 0; i < sequences.size(); i++) {
                string(sequences.get(i), "stop[" + i + "]");
            }
            if (!sequences.isEmpty()) {
                config.put("stopSequences", sequences);
            }
        }
        if (bool(body, "logprobs") || body.get("top_logprobs") != null) {
            throw OpenAiRequestException.invalid(bool(body, "logprobs") ? "logprobs" : "top_logprobs",
                    "Log probabilities are not supported by this gateway.", "unsupported_value");
        }
        if (body.get("modalities") != null) {
            List<Object> modalities = list(body.get("modalities"), "modalities");
            if (!modalities.stream().allMatch("text"::equals)) {
                throw OpenAiRequestException.invalid("modalities", "Only the text modality is supported.",
                        "unsupported_value");
            }
        }
        responseFormat(body.get("response_format"), config);
        if (body.get("reasoning_effort") != null) {
            config.put("thinkingConfig", thinkingConfig(string(body.get("reasoning_effort"), "reasoning_effort"),
                    model));
        }
        return config;
    }

    private static void responseFormat(Object raw, Map<String, Object> config) {
        if (raw == null) {
            return;
        }
        Map<String, Object> format = object(raw, "response_format");
        String type = string(format.get("type"), "response_format.type");
        switch (type) {
            case "text" -> {
            }
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                Map<String, Object> schema = object(format.get("json_schema"), "response_format.json_schema");
                string(schema.get("name"), "response_format.json_schema.name");
                config.put("responseMimeType", "application/json");
                if (schema.get("schema") != null) {
                    config.put("responseJsonSchema", object(schema.get("schema"), "response_format.json_schema.schema"));
                }
            }
            default -> throw OpenAiRequestException.invalid("response_format.type", "Invalid value: '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        }
    }

    /**
     * {@code reasoning_effort} as Gemini's thinking configuration, by the model's generation: Gemini 2.x takes a token
     * budget (Google's own OpenAI layer: low 1,024, medium 8,192, high 24,576, none 0; minimal 512 here); Gemini 3.x a
     * level ({@code none} becomes {@code minimal}, the least it thinks; {@code xhigh} becomes {@code high}); Gemini 4
     * and later a level from low to high (and xhigh): {@code none} and {@code minimal} become {@code low}.
     */
    static Map<String, Object> thinkingConfig(String effort, ModelId model) {
        if (!Set.of("none", "minimal", "low", "medium", "high", "xhigh").contains(effort)) {
            throw OpenAiRequestException.invalid("reasoning_effort", "Invalid value: '" + effort + "'. Supported "
                    + "values are: 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'.");
        }
        Matcher version = GEMINI_VERSION.matcher(model.value().toLowerCase(Locale.ROOT));
        int major = version.find() ? Integer.parseInt(version.group(1)) : 3;
        if (major <= 2) {
            int budget = switch (effort) {
                case "none" -> 0;
                case "minimal" -> 512;
                case "low" -> 1024;
                case "medium" -> 8192;
                default -> 24_576;
            };
            return Map.of("thinkingBudget", budget);
        }
        String level = major == 3
                ? switch (effort) {
                    case "none", "minimal" -> "minimal";
                    case "xhigh" -> "high";
                    default -> effort;
                }
                : switch (effort) {
                    case "none", "minimal" -> "low";
                    default -> effort;
                };
        return Map.of("thinkingLevel", level);
    }

    private static void readTools(Map<String, Object> body, Map<String, Object> gemini) {
        Object rawTools = body.get("tools");
        List<Object> declarations = new ArrayList<>();
        if (rawTools != null) {
            List<Object> tools = list(rawTools, "tools");
            for (int i = 0; i < tools.size(); i++) {
                String path = "tools[" + i + "]";
                Map<String, Object> tool = object(tools.get(i), path);
                if (!"function".equals(tool.get("type"))) {
                    throw OpenAiRequestException.invalid(path + ".type", "Only tools of type 'function' are "
                            + "supported.", "unsupported_value");
                }
                Map<String, Object> function = object(tool.get("function"), path + ".function");
                Map<String, Object> declaration = new LinkedHashMap<>();
                declaration.put("name", string(function.get("name"), path + ".function.name"));
                if (function.get("description") != null) {
                    declaration.put("description", string(function.get("description"), path + ".function.description"));
                }
                if (function.get("parameters") != null) {
                    declaration.put("parametersJsonSchema", object(function.get("parameters"),
                            path + ".function.parameters"));
                }
                declarations.add(declaration);
            }
            if (!declarations.isEmpty()) {
                gemini.put("tools", List.of(Map.of("functionDeclarations", declarations)));
            }
        }
        Object choice = body.get("tool_choice");
        if (choice == null) {
            return;
        }
        Map<String, Object> calling = new LinkedHashMap<>();
        if (choice instanceof String mode) {
            calling.put("mode", switch (mode) {
                case "none" -> "NONE";
                case "auto" -> "AUTO";
                case "required" -> "ANY";
                default -> throw OpenAiRequestException.invalid("tool_choice", "Invalid value: '" + mode
                        + "'. Supported values are: 'none', 'auto' and 'required', or a named function.");
            });
        } else {
            Map<String, Object> named = object(choice, "tool_choice");
            if (!"function".equals(named.get("type"))) {
                throw OpenAiRequestException.invalid("tool_choice.type", "Only a named function may be chosen.",
                        "unsupported_value");
            }
            String name = string(object(named.get("function"), "tool_choice.function").get("name"),
                    "tool_choice.function.name");
            if (declarations.stream().noneMatch(d -> name.equals(((Map<?, ?>) d).get("name")))) {
                throw OpenAiRequestException.invalid("tool_choice.function.name", "No tool named " + abbreviate(name)
                        + " was declared in tools.");
            }
            calling.put("mode", "ANY");
            calling.put("allowedFunctionNames", List.of(name));
        }
        if (!"NONE".equals(calling.get("mode")) && declarations.isEmpty()) {
            throw OpenAiRequestException.invalid("tool_choice", "tool_choice needs tools.");
        }
        gemini.put("toolConfig", Map.of("functionCallingConfig", calling));
    }

    // -- JSON values, each refusal naming its parameter --

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String param) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw OpenAiRequestException.invalid(param, "Invalid type for '" + param + "': expected an object, but got "
                + describe(value) + " instead.", "invalid_type");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value, String param) {
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw OpenAiRequestException.invalid(param, "Invalid type for '" + param + "': expected an array, but got "
                + describe(value) + " instead.", "invalid_type");
    }

    private static String string(Object value, String param) {
        if (value instanceof String s) {
            return s;
        }
        if (value == null) {
            throw OpenAiRequestException.invalid(param, "Missing required parameter: '" + param + "'.",
                    "missing_required_parameter");
        }
        throw OpenAiRequestException.invalid(param, "Invalid type for '" + param + "': expected a string, but got "
                + describe(value) + " instead.", "invalid_type");
    }

    private static boolean bool(Map<String, Object> object, String field) {
        return bool(object, field, field);
    }

    private static boolean bool(Map<String, Object> object, String field, String param) {
        Object value = object.get(field);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw OpenAiRequestException.invalid(param, "Invalid type for '" + param + "': expected a boolean, but got "
                + describe(value) + " instead.", "invalid_type");
    }

    private static long whole(Object value, String param, long min, long max) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= min && d <= max) {
                return (long) d;
            }
        }
        if (!(value instanceof Number)) {
            throw OpenAiRequestException.invalid(param, "Invalid type for '" + param + "': expected an integer, but"
                    + " got " + describe(value) + " instead.", "invalid_type");
        }
        throw OpenAiRequestException.invalid(param, "Invalid '" + param + "': expected an integer from " + min
                + " to " + max + ", but got " + value + " instead.");
    }

    private static Optional<Double> number(Map<String, Object> body, String param, double min, double max) {
        Object value = body.get(param);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Number n)) {
            throw OpenAiRequestException.invalid(param, "Invalid type for '" + param + "': expected a number, but got "
                    + describe(value) + " instead.", "invalid_type");
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            throw OpenAiRequestException.invalid(param, "Invalid '" + param + "': expected a number from "
                    + format(min) + " to " + format(max) + ", but got " + value + " instead.");
        }
        return Optional.of(d);
    }

    private static Map<String, Object> jsonObject(String text, String param) {
        try {
            return GeminiJson.readObject(text.isBlank() ? "{}".getBytes(StandardCharsets.UTF_8)
                    : text.getBytes(StandardCharsets.UTF_8));
        } catch (DomainException e) {
            throw OpenAiRequestException.invalid(param, "The function arguments must be a JSON object: "
                    + e.getMessage());
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            default -> "a value";
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
