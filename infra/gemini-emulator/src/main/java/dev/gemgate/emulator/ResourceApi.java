package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The HTTP side of the Files API (resumable upload, get, list, delete, download), {@code cachedContents} and
 * {@code batches}. Upload bytes are streamed to disk, never held; everything else is small JSON.
 */
final class ResourceApi {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> VERSIONS = Set.of("v1", "v1beta", "v1alpha");
    private static final int DEFAULT_PAGE_SIZE = 10;
    private static final int MAX_PAGE_SIZE = 100;
    private static final int COPY_BUFFER = 64 * 1024;
    private static final String UPLOAD_STATUS = "X-Goog-Upload-Status";

    /** A resource path: kind files, cachedContents or batches; id null for the collection; action after the colon. */
    record Target(String kind, String version, String id, String action) {
    }

    private final GeminiEmulator emulator;
    private final EmulatorHandler handler;

    ResourceApi(GeminiEmulator emulator, EmulatorHandler handler) {
        this.emulator = emulator;
        this.handler = handler;
    }

    /**
     * Parses {@code /{v}/files[/{id}[:download]]}, {@code /download/{v}/files/{id}:download},
     * {@code /{v}/cachedContents[/{id}]} and {@code /{v}/batches[/{id}[:cancel]]}; null for anything else.
     */
    static Target target(String path) {
        String p = path;
        boolean download = false;
        if (p.startsWith("/download/")) {
            p = p.substring("/download".length());
            download = true;
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        String[] segs = p.split("/", -1);
        if (segs.length < 3 || segs.length > 4 || !segs[0].isEmpty() || !VERSIONS.contains(segs[1])) {
            return null;
        }
        String kind = segs[2];
        if (!kind.equals("files") && !kind.equals("cachedContents") && !kind.equals("batches")) {
            return null;
        }
        if (segs.length == 3) {
            return download ? null : new Target(kind, segs[1], null, null);
        }
        String name = segs[3];
        int colon = name.indexOf(':');
        String id = colon < 0 ? name : name.substring(0, colon);
        String action = colon < 0 ? null : name.substring(colon + 1);
        if (id.isEmpty() || (download && (!kind.equals("files") || !"download".equals(action)))) {
            return null;
        }
        return new Target(kind, segs[1], id, action);
    }

    // ------------------------------------------------------------------------------------------------ upload

    /** {@code /upload/{v}/files}: a start (no {@code upload_id}) or a chunk of a session. */
    void upload(HttpExchange exchange, String path, String rawQuery, Map<String, List<String>> headers)
            throws IOException {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] segs = p.split("/", -1);
        if (segs.length != 4 || !segs[1].equals("upload") || !VERSIONS.contains(segs[2]) || !segs[3].equals("files")) {
            EmulatorHandler.discard(exchange);
            throw ApiError.notFound("The requested URL " + path + " was not found on this server.");
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            EmulatorHandler.discard(exchange);
            throw new ApiError(405, "INVALID_ARGUMENT", "Method " + exchange.getRequestMethod() + " is not allowed for "
                    + path + "; use POST.").header("Allow", "POST");
        }
        Map<String, String> query = Credentials.queryParams(rawQuery);
        String uploadId = query.get("upload_id");
        if (uploadId == null) {
            startUpload(exchange, segs[2], path, rawQuery, headers);
        } else {
            chunk(exchange, uploadId, path, rawQuery, headers);
        }
    }

    private void startUpload(HttpExchange exchange, String version, String path, String rawQuery,
                             Map<String, List<String>> headers) throws IOException {
        byte[] body = handler.readBody(exchange);
        String bodyText = new String(body, StandardCharsets.UTF_8);
        record(exchange, path, rawQuery, headers, bodyText);
        Credentials credentials = Credentials.of(headers, rawQuery);
        KeyLog.Entry usage = emulator.keyLog().start(credentials.value());
        try {
            handler.authenticate(false, credentials);
            handler.applyFaults(emulator.faults().next(null, credentials.value(), false), null, credentials, false);
            String command = first(headers, "x-goog-upload-command");
            if (command == null || !commands(command).contains("start")) {
                throw ApiError.invalidArgument("X-Goog-Upload-Command: start is required to begin an upload (with "
                        + "X-Goog-Upload-Protocol: resumable).");
            }
            JsonNode request = EmulatorHandler.parseBody(bodyText);
            JsonNode file = request.path("file");
            String mimeType = first(headers, "x-goog-upload-header-content-type");
            if (mimeType == null || mimeType.isBlank()) {
                mimeType = file.path("mimeType").asText(file.path("mime_type").asText(""));
            }
            mimeType = mimeType.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (mimeType.isEmpty()) {
                mimeType = "application/octet-stream";
            }
            long declared = -1;
            String length = first(headers, "x-goog-upload-header-content-length");
            JsonNode sizeBytes = Generation.field(file, "sizeBytes", "size_bytes");
            try {
                if (length != null && !length.isBlank()) {
                    declared = Long.parseLong(length.trim());
                } else if (!sizeBytes.isMissingNode() && !sizeBytes.isNull()) {
                    declared = Long.parseLong(sizeBytes.asText().trim());
                }
            } catch (NumberFormatException e) {
                throw ApiError.invalidArgument("Invalid X-Goog-Upload-Header-Content-Length: " + length);
            }
            if (declared > Resources.MAX_FILE_BYTES) {
                throw ApiError.invalidArgument("File too large: " + declared + " bytes; at most "
                        + Resources.MAX_FILE_BYTES + " bytes per file.");
            }
            Resources.Upload upload = emulator.resources().startUpload(file.path("name").asText(null),
                    Generation.field(file, "displayName", "display_name").asText(null), mimeType, declared, version);
            String url = publicBase(headers) + "/upload/" + version + "/files?upload_id=" + upload.uploadId
                    + "&upload_protocol=resumable";
            Map<String, String> out = new LinkedHashMap<>();
            out.put("X-Goog-Upload-URL", url);
            out.put(UPLOAD_STATUS, "active");
            out.put("X-Goog-Upload-Chunk-Granularity", "262144");
            EmulatorHandler.sendBytes(exchange, 200, new byte[0], out);
        } finally {
            usage.finish();
        }
    }

    /** A chunk: its bytes go to the session's file; errors carry {@code X-Goog-Upload-Status: final}. */
    private void chunk(HttpExchange exchange, String uploadId, String path, String rawQuery,
                       Map<String, List<String>> headers) throws IOException {
        record(exchange, path, rawQuery, headers, "");
        Credentials credentials = Credentials.of(headers, rawQuery);
        KeyLog.Entry usage = emulator.keyLog().start(credentials.value());
        Resources.Upload upload = emulator.resources().upload(uploadId);
        try {
            if (upload == null) {
                throw ApiError.notFound("No upload session " + uploadId + ": it never existed, was finalized or failed.");
            }
            handler.applyFaults(emulator.faults().next(null, credentials.value(), false), null, credentials, false);
            Set<String> command = commands(first(headers, "x-goog-upload-command"));
            if (command.contains("query") && !command.contains("upload")) {
                EmulatorHandler.discard(exchange);
                synchronized (upload) {
                    EmulatorHandler.sendBytes(exchange, 200, new byte[0], Map.of(UPLOAD_STATUS, "active",
                            "X-Goog-Upload-Size-Received", Long.toString(upload.received)));
                }
                return;
            }
            if (!command.contains("upload") && !command.contains("finalize")) {
                throw ApiError.invalidArgument("X-Goog-Upload-Command must be \"upload\", \"upload, finalize\" or "
                        + "\"finalize\" on an upload URL.");
            }
            synchronized (upload) {
                if (upload.finished) {
                    throw ApiError.notFound("No upload session " + uploadId + ": it was finalized.");
                }
                String offsetHeader = first(headers, "x-goog-upload-offset");
                long offset;
                try {
                    offset = offsetHeader == null ? upload.received : Long.parseLong(offsetHeader.trim());
                } catch (NumberFormatException e) {
                    throw ApiError.invalidArgument("Invalid X-Goog-Upload-Offset: " + offsetHeader);
                }
                if (offset != upload.received) {
                    throw ApiError.invalidArgument("X-Goog-Upload-Offset " + offset + " does not match the "
                            + upload.received + " bytes received so far.");
                }
                copy(exchange.getRequestBody(), upload);
                if (!command.contains("finalize")) {
                    EmulatorHandler.sendBytes(exchange, 200, new byte[0], Map.of(UPLOAD_STATUS, "active",
                            "X-Goog-Upload-Size-Received", Long.toString(upload.received)));
                    return;
                }
                upload.finished = true;
                if (upload.declaredSize >= 0 && upload.declaredSize != upload.received) {
                    emulator.resources().abandon(upload);
                    throw ApiError.invalidArgument("The upload has " + upload.received + " bytes, but "
                            + upload.declaredSize + " were declared (X-Goog-Upload-Header-Content-Length).");
                }
                Resources.StoredFile file = emulator.resources().finishUpload(upload);
                ObjectNode reply = NODES.objectNode();
                reply.set("file", file.json());
                EmulatorHandler.sendBytes(exchange, 200, EmulatorHandler.JSON.writeValueAsBytes(reply),
                        Map.of(UPLOAD_STATUS, "final"));
            }
        } catch (ApiError e) {
            EmulatorHandler.discard(exchange);
            throw e.header(UPLOAD_STATUS, "final");
        } catch (IOException e) {
            if (upload != null) {
                emulator.resources().abandon(upload);
            }
            throw e;
        } finally {
            usage.finish();
        }
    }

    private static void copy(InputStream in, Resources.Upload upload) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (upload.received + n > Resources.MAX_FILE_BYTES) {
                throw ApiError.invalidArgument("File too large: more than " + Resources.MAX_FILE_BYTES + " bytes.");
            }
            upload.digest.update(buffer, 0, n);
            upload.out.write(buffer, 0, n);
            upload.received += n;
        }
    }

    private static Set<String> commands(String header) {
        if (header == null) {
            return Set.of();
        }
        java.util.HashSet<String> set = new java.util.HashSet<>();
        for (String c : header.split(",")) {
            if (!c.isBlank()) {
                set.add(c.trim().toLowerCase(Locale.ROOT));
            }
        }
        return set;
    }

    /**
     * The base URL the client reached the emulator at: {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} when present,
     * else {@code http://} + the {@code Host} header, else the emulator's own base URL.
     */
    String publicBase(Map<String, List<String>> headers) {
        String host = first(headers, "x-forwarded-host");
        String proto = first(headers, "x-forwarded-proto");
        if (host == null || host.isBlank()) {
            host = first(headers, "host");
        }
        if (host == null || host.isBlank()) {
            return emulator.baseUrl();
        }
        return (proto == null || proto.isBlank() ? "http" : proto.split(",")[0].trim()) + "://"
                + host.split(",")[0].trim();
    }

    private void record(HttpExchange exchange, String path, String rawQuery, Map<String, List<String>> headers,
                        String body) {
        if (emulator.config().recordRequests()) {
            emulator.record(new RecordedRequest(exchange.getRequestMethod(), path, rawQuery == null ? "" : rawQuery,
                    headers, body, Instant.now()));
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    // ------------------------------------------------------------------------------------------------ resources

    /** files, cachedContents and batches (the request was read, recorded and counted by the caller). */
    void serve(HttpExchange exchange, Target target, String rawQuery, Map<String, List<String>> headers, String body)
            throws IOException {
        String method = exchange.getRequestMethod();
        String allowed = allowed(target);
        if (allowed == null) {
            throw ApiError.notFound("The requested URL " + exchange.getRequestURI().getPath()
                    + " was not found on this server.");
        }
        if (!List.of(allowed.split(", ")).contains(method)) {
            throw new ApiError(405, "INVALID_ARGUMENT", "Method " + method + " is not allowed for "
                    + exchange.getRequestURI().getPath() + "; use " + allowed + ".").header("Allow", allowed);
        }
        Credentials credentials = Credentials.of(headers, rawQuery);
        KeyLog.Entry usage = emulator.keyLog().start(credentials.value());
        try {
            handler.authenticate(false, credentials);
            handler.applyFaults(emulator.faults().next(null, credentials.value(), false), null, credentials, false);
            Map<String, String> query = Credentials.queryParams(rawQuery);
            switch (target.kind()) {
                case "files" -> files(exchange, target, method, query);
                case "cachedContents" -> caches(exchange, target, method, query, body);
                default -> batches(exchange, target, method, query);
            }
        } finally {
            usage.finish();
        }
    }

    /** The methods a target takes, or null when the path names nothing. */
    private static String allowed(Target t) {
        if (t.id() == null) {
            return switch (t.kind()) {
                case "files", "batches" -> "GET";
                default -> "GET, POST";
            };
        }
        if (t.action() == null) {
            return switch (t.kind()) {
                case "files", "batches" -> "GET, DELETE";
                default -> "GET, PATCH, DELETE";
            };
        }
        if (t.kind().equals("files") && t.action().equals("download")) {
            return "GET";
        }
        if (t.kind().equals("batches") && t.action().equals("cancel")) {
            return "POST";
        }
        return null;
    }

    private void files(HttpExchange exchange, Target t, String method, Map<String, String> query) throws IOException {
        Resources resources = emulator.resources();
        if (t.id() == null) {
            sendJson(exchange, page(resources.listFiles(), query, "files", Resources.StoredFile::json));
            return;
        }
        if ("download".equals(t.action())) {
            Resources.StoredFile file = resources.file(t.id());
            if (!file.generated) {
                throw new ApiError(400, "FAILED_PRECONDITION", "Only generated files can be downloaded; "
                        + file.name() + " was uploaded.");
            }
            Headers out = exchange.getResponseHeaders();
            out.set("Content-Type", file.mimeType);
            exchange.sendResponseHeaders(200, file.size == 0 ? -1 : file.size);
            if (file.size > 0) {
                try (OutputStream body = exchange.getResponseBody()) {
                    Files.copy(file.path, body);
                }
            }
            return;
        }
        if (method.equals("DELETE")) {
            resources.deleteFile(t.id());
            sendJson(exchange, NODES.objectNode());
        } else {
            sendJson(exchange, resources.file(t.id()).json());
        }
    }

    private void caches(HttpExchange exchange, Target t, String method, Map<String, String> query, String body)
            throws IOException {
        Resources resources = emulator.resources();
        if (t.id() == null) {
            if (method.equals("POST")) {
                sendJson(exchange, resources.createCache(EmulatorHandler.parseBody(body)).json());
            } else {
                sendJson(exchange, page(resources.listCaches(), query, "cachedContents", Resources.Cache::json));
            }
            return;
        }
        switch (method) {
            case "PATCH" -> sendJson(exchange, resources.updateCache(t.id(), EmulatorHandler.parseBody(body)).json());
            case "DELETE" -> {
                resources.deleteCache(t.id());
                sendJson(exchange, NODES.objectNode());
            }
            default -> sendJson(exchange, resources.cache(t.id()).json());
        }
    }

    private void batches(HttpExchange exchange, Target t, String method, Map<String, String> query) throws IOException {
        Resources resources = emulator.resources();
        if (t.id() == null) {
            sendJson(exchange, page(resources.listBatches(), query, "operations", Resources::operationJson));
            return;
        }
        if ("cancel".equals(t.action())) {
            resources.cancelBatch(t.id());
            sendJson(exchange, NODES.objectNode());
            return;
        }
        if (method.equals("DELETE")) {
            resources.deleteBatch(t.id());
            sendJson(exchange, NODES.objectNode());
        } else {
            sendJson(exchange, Resources.operationJson(resources.batch(t.id(), true)));
        }
    }

    private static void sendJson(HttpExchange exchange, JsonNode body) throws IOException {
        EmulatorHandler.sendJson(exchange, 200, body);
    }

    /** One page: {@code pageSize} (default 10, at most 100), an opaque {@code pageToken}; {@code {}} when empty. */
    static <T> ObjectNode page(List<T> all, Map<String, String> query, String field, Function<T, ObjectNode> json) {
        int pageSize = DEFAULT_PAGE_SIZE;
        String size = query.get("pageSize");
        if (size != null && !size.isEmpty()) {
            try {
                pageSize = Integer.parseInt(size);
            } catch (NumberFormatException e) {
                throw ApiError.invalidArgument("Invalid value at 'page_size' (TYPE_INT32), \"" + size + "\"");
            }
            pageSize = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
        }
        int offset = 0;
        String token = query.get("pageToken");
        if (token != null && !token.isEmpty()) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (!decoded.startsWith(field + ":")) {
                    throw new IllegalArgumentException(decoded);
                }
                offset = Integer.parseInt(decoded.substring(field.length() + 1));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalidArgument("Invalid page token.");
            }
            if (offset < 0) {
                throw ApiError.invalidArgument("Invalid page token.");
            }
        }
        ObjectNode root = NODES.objectNode();
        int end = Math.min(all.size(), offset + pageSize);
        if (offset < end) {
            ArrayNode items = root.putArray(field);
            for (int i = offset; i < end; i++) {
                items.add(json.apply(all.get(i)));
            }
        }
        if (end < all.size()) {
            root.put("nextPageToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((field + ":" + end).getBytes(StandardCharsets.UTF_8)));
        }
        return root;
    }
}
