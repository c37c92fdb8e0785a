package dev.gemgate.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /emulator/*}: out-of-process control of the fault plan, the request log, the stream log, stalled streams and
 * response extras. Never recorded, never authenticated, never subject to faults.
 */
final class ControlApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final GeminiEmulator emulator;

    ControlApi(GeminiEmulator emulator) {
        this.emulator = emulator;
    }

    void handle(HttpExchange exchange, String path, String rawQuery, byte[] body) throws IOException {
        String method = exchange.getRequestMethod();
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        switch (p) {
            case "/emulator/health" -> {
                require(method, "GET");
                EmulatorHandler.sendJson(exchange, 200, NODES.objectNode().put("status", "UP"));
            }
            case "/emulator/faults" -> {
                switch (method) {
                    case "GET" -> EmulatorHandler.sendJson(exchange, 200, faultsJson(emulator.faults().pending()));
                    case "POST" -> {
                        addFaults(new String(body, StandardCharsets.UTF_8));
                        EmulatorHandler.sendJson(exchange, 200, faultsJson(emulator.faults().pending()));
                    }
                    case "DELETE" -> {
                        Map<String, String> query = Credentials.queryParams(rawQuery);
                        FaultPlan view = emulator.faults();
                        String model = query.get("model");
                        if (model != null && !model.isBlank()) {
                            view = view.forModel(model);
                        }
                        String apiKey = query.get("apiKey");
                        if (apiKey != null && !apiKey.isBlank()) {
                            view = view.forApiKey(apiKey);
                        }
                        view.clear();
                        EmulatorHandler.sendJson(exchange, 200, faultsJson(emulator.faults().pending()));
                    }
                    default -> throw notAllowed(method, "GET, POST, DELETE");
                }
            }
            case "/emulator/requests" -> {
                switch (method) {
                    case "GET" -> {
                        if (!emulator.config().recordRequests()) {
                            throw new ApiError(400, "FAILED_PRECONDITION",
                                    "This emulator does not record requests: start it with --record.");
                        }
                        EmulatorHandler.sendJson(exchange, 200, requestsJson(emulator.recordedRequests()));
                    }
                    case "DELETE" -> {
                        emulator.clearRecordedRequests();
                        EmulatorHandler.sendJson(exchange, 200, NODES.arrayNode());
                    }
                    default -> throw notAllowed(method, "GET, DELETE");
                }
            }
            case "/emulator/streams" -> {
                switch (method) {
                    case "GET" -> EmulatorHandler.sendJson(exchange, 200, streamsJson());
                    case "DELETE" -> {
                        emulator.streamLog().clear();
                        EmulatorHandler.sendJson(exchange, 200, streamsJson());
                    }
                    default -> throw notAllowed(method, "GET, DELETE");
                }
            }
            case "/emulator/keys" -> {
                switch (method) {
                    case "GET" -> { }
                    case "DELETE" -> emulator.keyLog().clear();
                    default -> throw notAllowed(method, "GET, DELETE");
                }
                EmulatorHandler.sendJson(exchange, 200, keysJson(emulator.keyLog().all()));
            }
            case "/emulator/actions" -> {
                switch (method) {
                    case "GET" -> { }
                    case "DELETE" -> emulator.actionLog().clear();
                    default -> throw notAllowed(method, "GET, DELETE");
                }
                ObjectNode root = NODES.objectNode();
                ArrayNode actions = root.putArray("actions");
                for (ActionLog.Usage usage : emulator.actionLog().all()) {
                    ObjectNode item = actions.addObject();
                    item.put("model", usage.model());
                    item.put("action", usage.action());
                    item.put("calls", usage.calls());
                    item.put("items", usage.items());
                    item.put("largestCall", usage.largestCall());
                }
                EmulatorHandler.sendJson(exchange, 200, root);
            }
            case "/emulator/clock" -> {
                switch (method) {
                    case "GET" -> { }
                    case "POST" -> {
                        JsonNode advance = EmulatorHandler.parseBody(new String(body, StandardCharsets.UTF_8)).path("advanceMillis");
                        if (!advance.canConvertToLong() || advance.asLong() < 0) {
                            throw ApiError.invalidArgument("Expected {\"advanceMillis\": n} with n >= 0.");
                        }
                        emulator.advanceClock(Duration.ofMillis(advance.asLong()));
                    }
                    default -> throw notAllowed(method, "GET, POST");
                }
                EmulatorHandler.sendJson(exchange, 200, NODES.objectNode().put("now", emulator.now().toString()));
            }
            case "/emulator/streams/resume" -> {
                require(method, "POST");
                EmulatorHandler.sendJson(exchange, 200, NODES.objectNode().put("resumed", emulator.resumeStalledStreams()));
            }
            case "/emulator/response-extras" -> {
                switch (method) {
                    case "GET" -> { }
                    case "PUT" -> {
                        try {
                            emulator.responseExtras(new String(body, StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException e) {
                            throw ApiError.invalidArgument("Invalid response extras: " + e.getMessage());
                        }
                    }
                    case "DELETE" -> emulator.clearResponseExtras();
                    default -> throw notAllowed(method, "GET, PUT, DELETE");
                }
                EmulatorHandler.sendJson(exchange, 200, emulator.responseExtras());
            }
            case "/emulator/reset" -> {
                require(method, "POST");
                emulator.reset();
                EmulatorHandler.sendJson(exchange, 200, NODES.objectNode().put("reset", true));
            }
            default -> throw ApiError.notFound("Unknown emulator control endpoint " + path
                    + " (known: /emulator/health, /emulator/faults, /emulator/requests, /emulator/keys, /emulator/streams, "
                    + "/emulator/streams/resume, /emulator/response-extras, /emulator/reset).");
        }
    }

    private static void require(String method, String allowed) {
        if (!allowed.equals(method)) {
            throw notAllowed(method, allowed);
        }
    }

    private static ApiError notAllowed(String method, String allowed) {
        return new ApiError(405, "INVALID_ARGUMENT", "Method " + method + " is not allowed here; use " + allowed + ".")
                .header("Allow", allowed);
    }

    private void addFaults(String body) {
        JsonNode node;
        try {
            node = EmulatorHandler.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalidArgument("Invalid JSON payload received. " + e.getOriginalMessage());
        }
        if (node == null || !(node.isObject() || node.isArray())) {
            throw ApiError.invalidArgument("Expected a fault object or an array of fault objects.");
        }
        List<JsonNode> specs = node.isArray() ? iterate(node) : List.of(node);
        // parse everything first so that a bad element adds nothing
        List<FaultPlan.Fault> faults = specs.stream().map(ControlApi::parseFault).toList();
        faults.forEach(emulator.faults()::add);
    }

    private static List<JsonNode> iterate(JsonNode array) {
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    /**
     * Parses {"type":"RATE_LIMIT","times":2,"retryDelayMillis":3000,"model":"gemini-2.5-flash","quotaId":"..."} and
     * friends; any of them may name {@code "apiKey"} (the credential it is scoped to).
     */
    static FaultPlan.Fault parseFault(JsonNode spec) {
        if (!spec.isObject()) {
            throw ApiError.invalidArgument("A fault must be a JSON object.");
        }
        String typeName = spec.path("type").asText("").trim().toUpperCase(Locale.ROOT).replace('-', '_');
        FaultPlan.Type type;
        try {
            type = FaultPlan.Type.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidArgument("Unknown fault type \"" + spec.path("type").asText("")
                    + "\"; use RATE_LIMIT, SERVER_ERROR, LATENCY, CUT_STREAM, HANG, STREAM_ERROR, CHUNK_DELAY or "
                    + "STALL_STREAM.");
        }
        int times = spec.path("times").asInt(1);
        String model = spec.hasNonNull("model") ? spec.get("model").asText() : null;
        String apiKey = spec.hasNonNull("apiKey") ? spec.get("apiKey").asText() : null;
        try {
            FaultPlan.Fault fault = faultOf(spec, type, times, model);
            return fault.with(fault.times(), fault.model(), apiKey);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidArgument("Invalid fault: " + e.getMessage());
        }
    }

    private static FaultPlan.Fault faultOf(JsonNode spec, FaultPlan.Type type, int times, String model) {
        return switch (type) {
            case RATE_LIMIT -> new FaultPlan.Fault(type, times, model,
                    Duration.ofMillis(spec.path("retryDelayMillis").asLong(1000)), 429, 0,
                    spec.hasNonNull("quotaId") ? spec.get("quotaId").asText() : null);
            case SERVER_ERROR -> new FaultPlan.Fault(type, times, model, spec.has("retryAfterMillis")
                    ? Duration.ofMillis(spec.path("retryAfterMillis").asLong()) : null, spec.path("status").asInt(503),
                    0);
            case LATENCY, CHUNK_DELAY -> {
                if (!spec.hasNonNull("delayMillis")) {
                    throw ApiError.invalidArgument("A " + type + " fault needs \"delayMillis\".");
                }
                yield new FaultPlan.Fault(type, times, model, Duration.ofMillis(spec.get("delayMillis").asLong()), 0, 0);
            }
            case STALL_STREAM -> new FaultPlan.Fault(type, times, model, null, 0, spec.path("afterChunks").asInt(1));
            case CUT_STREAM -> new FaultPlan.Fault(type, times, model, null, 0, spec.path("afterChunks").asInt(1));
            case HANG -> new FaultPlan.Fault(type, times, model, null, 0, 0);
            case STREAM_ERROR -> new FaultPlan.Fault(type, times, model, null, spec.path("status").asInt(503),
                    spec.path("afterChunks").asInt(1));
        };
    }

    static ArrayNode faultsJson(List<FaultPlan.Fault> faults) {
        ArrayNode array = NODES.arrayNode();
        for (FaultPlan.Fault f : faults) {
            ObjectNode node = array.addObject();
            node.put("type", f.type().name());
            node.put("times", f.times());
            if (f.model() != null) {
                node.put("model", f.model());
            }
            if (f.apiKey() != null) {
                node.put("apiKey", KeyLog.mask(f.apiKey()));
            }
            switch (f.type()) {
                case RATE_LIMIT -> node.put("retryDelayMillis", f.delay().toMillis()).put("quotaId",
                        f.effectiveQuotaId());
                case LATENCY, CHUNK_DELAY -> node.put("delayMillis", f.delay().toMillis());
                case SERVER_ERROR -> {
                    node.put("status", f.httpStatus());
                    if (f.delay() != null) {
                        node.put("retryAfterMillis", f.delay().toMillis());
                    }
                }
                case CUT_STREAM, STALL_STREAM -> node.put("afterChunks", f.afterChunks());
                case STREAM_ERROR -> node.put("status", f.httpStatus()).put("afterChunks", f.afterChunks());
                case HANG -> {
                }
            }
        }
        return array;
    }

    /** {@code {"keys":[{"key":"...abcd","calls":n,"firstSeen":"...","lastSeen":"...","inFlight":n}],"untrackedCalls":n}}. */
    private ObjectNode keysJson(List<KeyLog.KeyUsage> usages) {
        ObjectNode root = NODES.objectNode();
        ArrayNode keys = root.putArray("keys");
        for (KeyLog.KeyUsage u : usages) {
            keys.addObject().put("key", KeyLog.mask(u.key())).put("calls", u.calls())
                    .put("firstSeen", u.firstSeen().toString()).put("lastSeen", u.lastSeen().toString())
                    .put("inFlight", u.inFlight());
        }
        root.put("untrackedCalls", emulator.keyLog().untrackedCalls());
        return root;
    }

    /** {@code {"counts":{"COMPLETED":n,...},"inProgress":n,"stalled":n,"records":[...]}}. */
    private ObjectNode streamsJson() {
        StreamLog log = emulator.streamLog();
        ObjectNode root = NODES.objectNode();
        ObjectNode counts = root.putObject("counts");
        log.counts().forEach((end, count) -> counts.put(end.name(), count));
        root.put("inProgress", log.inProgress());
        root.put("stalled", emulator.stalledStreams());
        ArrayNode records = root.putArray("records");
        for (StreamLog.Record r : log.records()) {
            ObjectNode node = records.addObject();
            node.put("model", r.model());
            node.put("sse", r.sse());
            node.put("responseId", r.responseId());
            node.put("chunksWritten", r.chunksWritten());
            node.put("chunksPlanned", r.chunksPlanned());
            node.put("end", r.end().name());
            node.put("clientCut", r.clientCut());
            node.put("startedAt", r.startedAt().toString());
            node.put("endedAt", r.endedAt().toString());
        }
        return root;
    }

    static ArrayNode requestsJson(List<RecordedRequest> requests) {
        ArrayNode array = NODES.arrayNode();
        for (RecordedRequest r : requests) {
            ObjectNode node = array.addObject();
            node.put("method", r.method());
            node.put("path", r.path());
            node.put("query", r.query());
            ObjectNode headers = node.putObject("headers");
            for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(r.headers()).entrySet()) {
                ArrayNode values = headers.putArray(e.getKey());
                e.getValue().forEach(values::add);
            }
            node.put("body", r.body());
            node.put("receivedAt", r.receivedAt().toString());
        }
        return array;
    }
}
