package dev.gemgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's server-side resources as the emulator keeps them: uploaded and generated files (bytes in a temporary
 * directory, never in memory), context caches and batch jobs. Times come from the emulator's clock
 * ({@link GeminiEmulator#now()}); ids are deterministic (a counter hashed into lower-case letters and digits).
 */
final class Resources {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The URI form Google gives files: what clients put back in {@code fileData.fileUri}. */
    static final String FILE_URI_PREFIX = "https://generativelanguage.googleapis.com/v1beta/files/";
    static final Duration FILE_RETENTION = Duration.ofHours(48);
    static final long MAX_FILE_BYTES = 2L * 1024 * 1024 * 1024;
    static final Duration DEFAULT_CACHE_TTL = Duration.ofHours(1);
    static final String BATCH_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch";
    static final String EMBED_BATCH_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch";
    static final String BATCH_OUTPUT_TYPE =
            "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput";
    static final String EMBED_BATCH_OUTPUT_TYPE =
            "type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatchOutput";

    /** {@code files/<id>} or a URI ending in {@code /v1.../files/<id>}. */
    private static final Pattern FILE_REF = Pattern.compile("^(?:files/|[a-z]+://[^/]+(?:/[^/]+)*/v1[a-z0-9]*/files/)"
            + "([a-z0-9-]{1,40})$");
    private static final Pattern FILE_ID = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Pattern DURATION = Pattern.compile("^(\\d{1,12})(?:\\.(\\d{1,9}))?s$");

    private final GeminiEmulator emulator;
    private final AtomicLong counter = new AtomicLong();
    private Path dir;
    private final Map<String, StoredFile> files = new LinkedHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final Map<String, Cache> caches = new LinkedHashMap<>();
    private final Map<String, Batch> batches = new LinkedHashMap<>();

    Resources(GeminiEmulator emulator) {
        this.emulator = emulator;
    }

    private Instant now() {
        return emulator.now();
    }

    /** A deterministic id of {@code length} lower-case letters and digits. */
    String newId(String kind, int length) {
        long n = counter.incrementAndGet();
        long hash = EmulatorEmbeddings.fnv1a64(kind + '\u0000' + n);
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(Character.forDigit((int) Math.floorMod(hash, 36L), 36));
            hash = Long.rotateRight(hash * 0x9E3779B97F4A7C15L + n, 17);
        }
        return id.toString();
    }

    private synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("gemgate-emulator-files");
        }
        return dir;
    }

    /** Forgets every resource and deletes the stored bytes. */
    synchronized void clear() {
        files.values().forEach(f -> deleteQuietly(f.path));
        files.clear();
        uploads.values().forEach(Upload::abandon);
        uploads.clear();
        caches.clear();
        batches.clear();
    }

    void close() {
        clear();
        synchronized (this) {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            if (path != null) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temp file the OS cleans up
        }
    }

    static String timestamp(Instant instant) {
        return instant.toString();
    }

    // ------------------------------------------------------------------------------------------------ files

    /** A stored file: uploaded (source UPLOADED) or written by the emulator (GENERATED, batch results). */
    static final class StoredFile {
        final String id;
        final String displayName;
        final String mimeType;
        final long size;
        final String sha256;
        final Instant createTime;
        final Instant expirationTime;
        final boolean generated;
        final Path path;
        final String downloadBase;

        StoredFile(String id, String displayName, String mimeType, long size, String sha256, Instant createTime,
                   boolean generated, Path path, String downloadBase) {
            this.id = id;
            this.displayName = displayName;
            this.mimeType = mimeType;
            this.size = size;
            this.sha256 = sha256;
            this.createTime = createTime;
            this.expirationTime = createTime.plus(FILE_RETENTION);
            this.generated = generated;
            this.path = path;
            this.downloadBase = downloadBase;
        }

        String name() {
            return "files/" + id;
        }

        ObjectNode json() {
            ObjectNode node = NODES.objectNode();
            node.put("name", name());
            if (displayName != null && !displayName.isEmpty()) {
                node.put("displayName", displayName);
            }
            node.put("mimeType", mimeType);
            node.put("sizeBytes", Long.toString(size));
            node.put("createTime", timestamp(createTime));
            node.put("updateTime", timestamp(createTime));
            node.put("expirationTime", timestamp(expirationTime));
            node.put("sha256Hash", sha256);
            node.put("uri", FILE_URI_PREFIX + id);
            if (generated) {
                node.put("downloadUri", downloadBase + "/v1beta/files/" + id + ":download?alt=media");
            }
            node.put("state", "ACTIVE");
            node.put("source", generated ? "GENERATED" : "UPLOADED");
            return node;
        }
    }

    /** 403 PERMISSION_DENIED, Google's answer for a file that is missing (or not the caller's). */
    static ApiError fileNotFound(String id) {
        return new ApiError(403, "PERMISSION_DENIED", "You do not have permission to access the File " + id
                + " or it may not exist.");
    }

    /** The live file {@code id} (a bare id), else Google's 403. */
    synchronized StoredFile file(String id) {
        StoredFile file = files.get(id);
        if (file == null || !file.expirationTime.isAfter(now())) {
            if (file != null) {
                files.remove(id);
                deleteQuietly(file.path);
            }
            throw fileNotFound(id);
        }
        return file;
    }

    synchronized List<StoredFile> listFiles() {
        Instant now = now();
        files.values().removeIf(f -> {
            boolean expired = !f.expirationTime.isAfter(now);
            if (expired) {
                deleteQuietly(f.path);
            }
            return expired;
        });
        return new ArrayList<>(files.values());
    }

    synchronized void deleteFile(String id) {
        StoredFile file = file(id);
        files.remove(id);
        deleteQuietly(file.path);
    }

    /** The file id a {@code fileData.fileUri} (or a {@code files/x} name) designates, or null when it is not one. */
    static String fileIdOf(String uriOrName) {
        Matcher m = FILE_REF.matcher(uriOrName.trim());
        return m.matches() ? m.group(1) : null;
    }

    /** 403 for the first {@code fileData} part of {@code parts} that references a file the emulator does not hold. */
    void checkFileReferences(JsonNode contents, JsonNode systemInstruction) {
        if (contents != null && contents.isArray()) {
            for (JsonNode content : contents) {
                checkParts(content.path("parts"));
            }
        }
        if (systemInstruction != null && systemInstruction.isObject()) {
            checkParts(systemInstruction.path("parts"));
        }
    }

    private void checkParts(JsonNode parts) {
        if (!parts.isArray()) {
            return;
        }
        for (JsonNode part : parts) {
            JsonNode data = Generation.field(part, "fileData", "file_data");
            JsonNode uri = Generation.field(data, "fileUri", "file_uri");
            if (uri.isTextual()) {
                String id = fileIdOf(uri.asText());
                if (id != null) {
                    file(id);
                }
            }
        }
    }

    /** A resumable upload in progress: its bytes go to a temporary file, hashed as they pass. */
    static final class Upload {
        final String uploadId;
        final String fileId;
        final String displayName;
        final String mimeType;
        final long declaredSize;
        final String version;
        final Path path;
        final OutputStream out;
        final MessageDigest digest;
        long received;
        boolean finished;

        Upload(String uploadId, String fileId, String displayName, String mimeType, long declaredSize, String version,
               Path path) throws IOException {
            this.uploadId = uploadId;
            this.fileId = fileId;
            this.displayName = displayName;
            this.mimeType = mimeType;
            this.declaredSize = declaredSize;
            this.version = version;
            this.path = path;
            this.out = Files.newOutputStream(path);
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void abandon() {
            try {
                out.close();
            } catch (IOException e) {
                // going away anyway
            }
            deleteQuietly(path);
        }
    }

    /** Starts an upload: checks the requested name (free, valid) and opens the temporary file. */
    Upload startUpload(String requestedName, String displayName, String mimeType, long declaredSize, String version) {
        String fileId;
        synchronized (this) {
            if (requestedName != null && !requestedName.isEmpty()) {
                String id = requestedName.startsWith("files/") ? requestedName.substring("files/".length())
                        : requestedName;
                if (!FILE_ID.matcher(id).matches() || id.startsWith("-") || id.endsWith("-")) {
                    throw ApiError.invalidArgument("* CreateFileRequest.file.name: The file name must be \"files/\" "
                            + "followed by up to 40 lower-case letters, digits or dashes (not at either end): "
                            + requestedName + "\n");
                }
                boolean taken = files.containsKey(id)
                        || uploads.values().stream().anyMatch(u -> u.fileId.equals(id) && !u.finished);
                if (taken) {
                    throw new ApiError(409, "ALREADY_EXISTS", "File files/" + id + " already exists.");
                }
                fileId = id;
            } else {
                fileId = newId("file", 12);
            }
        }
        String uploadId = newId("upload", 24);
        try {
            Upload upload = new Upload(uploadId, fileId, displayName, mimeType, declaredSize, version,
                    Files.createTempFile(dir(), "upload-", ".bin"));
            uploads.put(uploadId, upload);
            return upload;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Upload upload(String uploadId) {
        return uploadId == null ? null : uploads.get(uploadId);
    }

    /** Completes an upload: the file becomes ACTIVE. */
    StoredFile finishUpload(Upload upload) throws IOException {
        upload.out.close();
        uploads.remove(upload.uploadId);
        StoredFile file = new StoredFile(upload.fileId, upload.displayName, upload.mimeType, upload.received,
                Base64.getEncoder().encodeToString(upload.digest.digest()), now(), false, upload.path, null);
        synchronized (this) {
            if (files.containsKey(upload.fileId)) {
                deleteQuietly(upload.path);
                throw new ApiError(409, "ALREADY_EXISTS", "File files/" + upload.fileId + " already exists.");
            }
            files.put(upload.fileId, file);
        }
        return file;
    }

    void abandon(Upload upload) {
        uploads.remove(upload.uploadId);
        upload.abandon();
    }

    /** Writes a generated file (batch results). */
    StoredFile writeGenerated(String displayName, String mimeType, byte[] bytes, String downloadBase) {
        try {
            Path path = Files.createTempFile(dir(), "generated-", ".bin");
            Files.write(path, bytes);
            String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
            StoredFile file = new StoredFile(newId("file", 12), displayName, mimeType, bytes.length, sha, now(), true,
                    path, downloadBase);
            synchronized (this) {
                files.put(file.id, file);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ caches

    /** A context cache: what a request using it is prefixed with. */
    static final class Cache {
        final String id;
        final String model;
        final String displayName;
        final JsonNode contents;
        final JsonNode systemInstruction;
        final JsonNode tools;
        final JsonNode toolConfig;
        final Generation.PromptCount count;
        final Instant createTime;
        Instant updateTime;
        Instant expireTime;

        Cache(String id, String model, String displayName, JsonNode contents, JsonNode systemInstruction, JsonNode tools,
              JsonNode toolConfig, Generation.PromptCount count, Instant createTime, Instant expireTime) {
            this.id = id;
            this.model = model;
            this.displayName = displayName;
            this.contents = contents;
            this.systemInstruction = systemInstruction;
            this.tools = tools;
            this.toolConfig = toolConfig;
            this.count = count;
            this.createTime = createTime;
            this.updateTime = createTime;
            this.expireTime = expireTime;
        }

        String name() {
            return "cachedContents/" + id;
        }

        synchronized ObjectNode json() {
            ObjectNode node = NODES.objectNode();
            node.put("name", name());
            node.put("model", "models/" + model);
            node.put("createTime", timestamp(createTime));
            node.put("updateTime", timestamp(updateTime));
            node.put("expireTime", timestamp(expireTime));
            node.put("displayName", displayName == null ? "" : displayName);
            node.putObject("usageMetadata").put("totalTokenCount", count.total());
            return node;
        }
    }

    /** Google's answer for a cache that is missing, expired or not the caller's: 403, never 404. */
    static ApiError cacheNotFound() {
        return new ApiError(403, "PERMISSION_DENIED", "CachedContent not found (or permission denied)");
    }

    /** The smallest cache a model takes (Google: 1,024 tokens for Flash models, 2,048 for Pro). */
    static int minCacheTokens(KnownModel model) {
        return model.id().contains("-pro") ? 2048 : 1024;
    }

    Cache createCache(JsonNode body) {
        JsonNode modelNode = body.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank()) {
            throw ApiError.invalidArgument("* CreateCachedContentRequest.cached_content.model: model is not specified\n");
        }
        KnownModel model = KnownModel.find(FaultPlan.normalizeModel(modelNode.asText()));
        if (model == null || model.isEmbedding()) {
            throw ApiError.notFound(modelNode.asText() + " is not found for API version v1beta, or is not supported for "
                    + "createCachedContent. Call ListModels to see the list of available models and their supported "
                    + "methods.");
        }
        JsonNode contents = body.get("contents");
        JsonNode systemInstruction = Generation.field(body, "systemInstruction", "system_instruction");
        if (contents != null && !contents.isNull() && !(contents.isArray() && contents.isEmpty())) {
            Generation.validateContents(contents, "CreateCachedContentRequest.cached_content");
        } else {
            contents = NODES.arrayNode();
        }
        checkFileReferences(contents, systemInstruction);
        Generation.PromptCount count = Generation.countPrompt(contents, systemInstruction);
        int min = minCacheTokens(model);
        if (count.total() < min) {
            throw ApiError.invalidArgument("Cached content is too small. total_token_count=" + count.total()
                    + ", min_total_token_count=" + min);
        }
        Instant now = now();
        Instant expire = expiry(body, now, true);
        JsonNode tools = body.get("tools");
        JsonNode toolConfig = Generation.field(body, "toolConfig", "tool_config");
        Cache cache = new Cache(newId("cache", 40), model.id(), body.path("displayName").asText(""), contents,
                systemInstruction.isMissingNode() || systemInstruction.isNull() ? null : systemInstruction,
                tools == null || tools.isNull() ? null : tools,
                toolConfig.isMissingNode() || toolConfig.isNull() ? null : toolConfig, count, now, expire);
        synchronized (this) {
            caches.put(cache.id, cache);
        }
        return cache;
    }

    /**
     * The expiry a create or patch body asks for: {@code ttl} (a Duration string, "3600s", "1.5s") or
     * {@code expireTime} (RFC 3339), not both; without either, one hour for a create.
     */
    private static Instant expiry(JsonNode body, Instant now, boolean creating) {
        JsonNode ttl = body.get("ttl");
        JsonNode expireTime = Generation.field(body, "expireTime", "expire_time");
        boolean hasTtl = ttl != null && !ttl.isNull();
        boolean hasExpire = !expireTime.isMissingNode() && !expireTime.isNull();
        if (hasTtl && hasExpire) {
            throw ApiError.invalidArgument("Only one of ttl and expire_time can be set.");
        }
        if (hasTtl) {
            Matcher m = DURATION.matcher(ttl.asText(""));
            if (!ttl.isTextual() || !m.matches()) {
                throw ApiError.invalidArgument("Invalid value at 'cached_content.ttl' (type.googleapis.com/"
                        + "google.protobuf.Duration), " + ttl);
            }
            String fraction = m.group(2) == null ? "0" : (m.group(2) + "000000000").substring(0, 9);
            Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)), Long.parseLong(fraction));
            if (d.isZero()) {
                throw ApiError.invalidArgument("* CachedContent.ttl: ttl must be positive.\n");
            }
            return now.plus(d);
        }
        if (hasExpire) {
            Instant at;
            try {
                at = OffsetDateTime.parse(expireTime.asText("")).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiError.invalidArgument("Invalid value at 'cached_content.expire_time' (type.googleapis.com/"
                        + "google.protobuf.Timestamp), " + expireTime);
            }
            if (!at.isAfter(now)) {
                throw ApiError.invalidArgument("* CachedContent.expire_time: expire_time must be in the future.\n");
            }
            return at;
        }
        if (creating) {
            return now.plus(DEFAULT_CACHE_TTL);
        }
        throw ApiError.invalidArgument("* UpdateCachedContentRequest: only ttl or expire_time can be updated, and one "
                + "of them must be set.\n");
    }

    /** The live cache with this id, else Google's 403. */
    synchronized Cache cache(String id) {
        Cache cache = caches.get(id);
        if (cache == null || !cache.expireTime.isAfter(now())) {
            if (cache != null) {
                caches.remove(id);
            }
            throw cacheNotFound();
        }
        return cache;
    }

    synchronized List<Cache> listCaches() {
        Instant now = now();
        caches.values().removeIf(c -> !c.expireTime.isAfter(now));
        return new ArrayList<>(caches.values());
    }

    Cache updateCache(String id, JsonNode body) {
        Cache cache = cache(id);
        Instant now = now();
        Instant expire = expiry(body, now, false);
        synchronized (cache) {
            cache.expireTime = expire;
            cache.updateTime = now;
        }
        return cache;
    }

    synchronized void deleteCache(String id) {
        cache(id);
        caches.remove(id);
    }

    /** A request ready for {@link Generation}: the cache's members merged in, and the cached tokens. */
    record Prepared(JsonNode request, Generation.PromptCount cached) {
    }

    /**
     * Checks the request's file references, then applies its {@code cachedContent}: the cache's contents come before
     * the request's, its systemInstruction, tools and toolConfig are the request's. Refuses a request that sets those
     * itself (400, Google's message), a cache of another model (400), a missing or expired cache (403).
     */
    Prepared prepare(JsonNode request, KnownModel model) {
        JsonNode ref = Generation.field(request, "cachedContent", "cached_content");
        checkFileReferences(request.get("contents"), Generation.field(request, "systemInstruction", "system_instruction"));
        if (ref.isMissingNode() || ref.isNull() || ref.asText("").isEmpty()) {
            return new Prepared(request, null);
        }
        for (String[] names : new String[][] {{"systemInstruction", "system_instruction"}, {"tools", "tools"},
                {"toolConfig", "tool_config"}}) {
            JsonNode value = Generation.field(request, names[0], names[1]);
            if (!value.isMissingNode() && !value.isNull()) {
                throw ApiError.invalidArgument("CachedContent can not be used with GenerateContent request setting "
                        + "system_instruction, tools or tool_config.\n\nProposed fix: move those values to "
                        + "CachedContent from GenerateContent request.");
            }
        }
        String name = ref.asText();
        String id = name.startsWith("cachedContents/") ? name.substring("cachedContents/".length()) : name;
        Cache cache = cache(id);
        if (!cache.model.equals(model.id())) {
            throw ApiError.invalidArgument("Model used by GenerateContent request (models/" + model.id()
                    + ") and CachedContent (models/" + cache.model + ") has to be the same.");
        }
        ObjectNode merged = ((ObjectNode) request).deepCopy();
        merged.remove(List.of("cachedContent", "cached_content"));
        ArrayNode contents = merged.putArray("contents");
        cache.contents.forEach(contents::add);
        JsonNode own = request.get("contents");
        if (own != null && own.isArray()) {
            own.forEach(contents::add);
        }
        if (cache.systemInstruction != null) {
            merged.set("systemInstruction", cache.systemInstruction);
        }
        if (cache.tools != null) {
            merged.set("tools", cache.tools);
        }
        if (cache.toolConfig != null) {
            merged.set("toolConfig", cache.toolConfig);
        }
        return new Prepared(merged, cache.count);
    }

    // ------------------------------------------------------------------------------------------------ batches

    enum BatchState { BATCH_STATE_PENDING, BATCH_STATE_RUNNING, BATCH_STATE_SUCCEEDED, BATCH_STATE_CANCELLED }

    /** A batch job: its requests, how far it got, the results of the requests that ran. */
    static final class Batch {
        final String id;
        final KnownModel model;
        final boolean embed;
        final String displayName;
        final List<JsonNode> requests;
        /** Per request: the inlined request's metadata (inlined input) or its key (file input). */
        final List<JsonNode> tags;
        final String inputFile;
        final String downloadBase;
        final Instant createTime;
        Instant updateTime;
        Instant endTime;
        int polls;
        boolean cancelled;
        int done;
        final List<JsonNode> results = new ArrayList<>();
        String responsesFile;

        Batch(String id, KnownModel model, boolean embed, String displayName, List<JsonNode> requests,
              List<JsonNode> tags, String inputFile, String downloadBase, Instant createTime) {
            this.id = id;
            this.model = model;
            this.embed = embed;
            this.displayName = displayName;
            this.requests = requests;
            this.tags = tags;
            this.inputFile = inputFile;
            this.downloadBase = downloadBase;
            this.createTime = createTime;
            this.updateTime = createTime;
        }

        BatchState state() {
            if (cancelled) {
                return BatchState.BATCH_STATE_CANCELLED;
            }
            if (done == requests.size() && endTime != null) {
                return BatchState.BATCH_STATE_SUCCEEDED;
            }
            return polls == 0 && done == 0 ? BatchState.BATCH_STATE_PENDING : BatchState.BATCH_STATE_RUNNING;
        }

        boolean terminal() {
            return cancelled || endTime != null;
        }
    }

    /** Google's answer for a batch that is missing (not established: see the README). */
    static ApiError batchNotFound() {
        return ApiError.notFound("Requested entity was not found.");
    }

    /**
     * Creates a job from {@code {"batch":{"displayName":..,"inputConfig":{"requests":{"requests":[...]}} or
     * {"fileName":"files/x"}}}} (also {@code file_name}).
     */
    Batch createBatch(JsonNode body, KnownModel model, boolean embed, String downloadBase) {
        JsonNode batch = body.get("batch");
        if (batch == null || !batch.isObject()) {
            batch = body; // a bare GenerateContentBatch is accepted too
        }
        JsonNode input = Generation.field(batch, "inputConfig", "input_config");
        if (!input.isObject()) {
            throw ApiError.invalidArgument("* " + (embed ? "AsyncBatchEmbedContentRequest" : "BatchGenerateContentRequest")
                    + ".batch.input_config: input_config is not specified\n");
        }
        JsonNode fileName = Generation.field(input, "fileName", "file_name");
        JsonNode inlined = input.path("requests");
        boolean hasFile = fileName.isTextual() && !fileName.asText().isEmpty();
        boolean hasInlined = inlined.isObject();
        if (hasFile == hasInlined) {
            throw ApiError.invalidArgument("* BatchGenerateContentRequest.batch.input_config: exactly one of file_name "
                    + "and requests must be set\n");
        }
        List<JsonNode> requests = new ArrayList<>();
        List<JsonNode> tags = new ArrayList<>();
        String inputFile = null;
        if (hasInlined) {
            JsonNode list = inlined.path("requests");
            if (!list.isArray() || list.isEmpty()) {
                throw ApiError.invalidArgument("* BatchGenerateContentRequest.batch.input_config.requests.requests: "
                        + "requests is not specified\n");
            }
            for (JsonNode one : list) {
                JsonNode request = one.path("request");
                requests.add(request.isObject() ? request : NODES.objectNode());
                JsonNode metadata = one.get("metadata");
                tags.add(metadata == null || metadata.isNull() ? null : metadata);
            }
        } else {
            String id = fileIdOf(fileName.asText());
            if (id == null) {
                throw ApiError.invalidArgument("* BatchGenerateContentRequest.batch.input_config.file_name: invalid "
                        + "file name " + fileName.asText() + "\n");
            }
            StoredFile file = file(id);
            inputFile = file.name();
            readJsonl(file, requests, tags);
            if (requests.isEmpty()) {
                throw ApiError.invalidArgument("The input file " + file.name() + " has no requests.");
            }
        }
        Batch job = new Batch(newId("batch", 36), model, embed, batch.path("displayName").asText(""), requests, tags,
                inputFile, downloadBase, now());
        synchronized (this) {
            batches.put(job.id, job);
        }
        return job;
    }

    private static void readJsonl(StoredFile file, List<JsonNode> requests, List<JsonNode> tags) {
        try (BufferedReader reader = Files.newBufferedReader(file.path, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = EmulatorHandler.JSON.readTree(line);
                } catch (IOException e) {
                    node = null;
                }
                if (node == null || !node.isObject()) {
                    requests.add(null); // reported as this request's error
                    tags.add(NODES.textNode("line-" + (requests.size())));
                    continue;
                }
                JsonNode request = node.path("request");
                requests.add(request.isObject() ? request : NODES.objectNode());
                JsonNode key = node.get("key");
                tags.add(key == null ? NODES.textNode(Integer.toString(requests.size())) : key);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The job, advanced by a {@code get} poll when {@code poll}. */
    Batch batch(String id, boolean poll) {
        Batch job;
        synchronized (this) {
            job = batches.get(id);
        }
        if (job == null) {
            throw batchNotFound();
        }
        synchronized (job) {
            if (poll && !job.terminal()) {
                job.polls++;
            }
            advance(job);
        }
        return job;
    }

    /** Every job, newest first, advanced by time (not a poll). */
    List<Batch> listBatches() {
        List<Batch> all;
        synchronized (this) {
            all = new ArrayList<>(batches.values());
        }
        // advanced outside the store's lock: a job's lock is always taken before the store's (running a request
        // looks up caches and files, ending a job writes its responses file)
        all.sort(Comparator.comparing((Batch b) -> b.createTime).reversed());
        all.forEach(job -> {
            synchronized (job) {
                advance(job);
            }
        });
        return all;
    }

    Batch cancelBatch(String id) {
        Batch job = batch(id, false);
        synchronized (job) {
            if (!job.terminal()) {
                job.cancelled = true;
                Instant now = now();
                job.updateTime = now;
                job.endTime = now;
                writeResponsesFile(job);
            }
        }
        return job;
    }

    synchronized void deleteBatch(String id) {
        if (batches.remove(id) == null) {
            throw batchNotFound();
        }
    }

    /**
     * Runs the requests due by now: the share of the polls ({@code polls / batchPollsToComplete}) or of the time since
     * creation ({@code elapsed / batchCompletionTime}), whichever is larger; all of them ends the job.
     */
    private void advance(Batch job) {
        if (job.terminal()) {
            return;
        }
        int n = job.requests.size();
        EmulatorConfig config = emulator.config();
        Duration elapsed = Duration.between(job.createTime, now());
        double byPolls = (double) job.polls / config.batchPollsToComplete();
        double byTime = elapsed.isNegative() ? 0 : (double) elapsed.toNanos() / config.batchCompletionTime().toNanos();
        int due = (int) Math.min(n, Math.floor(n * Math.max(byPolls, byTime)));
        if (due > job.done) {
            while (job.done < due) {
                job.results.add(run(job, job.done));
                job.done++;
            }
            job.updateTime = now();
        }
        if (job.done == n) {
            job.endTime = job.updateTime;
            writeResponsesFile(job);
        }
    }

    /** One request's result: {@code {"response":{...}}} or {@code {"error":{...}}}. */
    private JsonNode run(Batch job, int index) {
        JsonNode request = job.requests.get(index);
        ObjectNode result = NODES.objectNode();
        try {
            if (request == null) {
                throw ApiError.invalidArgument("Invalid JSON in the input file, line " + (index + 1) + ".");
            }
            if (job.embed) {
                result.set("response", EmulatorHandler.embedContent(request, job.model));
            } else {
                Prepared prepared = prepare(request, job.model);
                Generation generation = Generation.of(prepared.request(), job.model, request.toString())
                        .withCached(prepared.cached());
                result.set("response", generation.response());
            }
        } catch (ApiError e) {
            ObjectNode error = result.putObject("error");
            error.put("code", e.code);
            error.put("message", e.getMessage());
            error.put("status", e.status);
        }
        return result;
    }

    /** For file input, once the job ends: the results as JSONL in a GENERATED file. */
    private void writeResponsesFile(Batch job) {
        if (job.inputFile == null || job.responsesFile != null) {
            return;
        }
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < job.results.size(); i++) {
            ObjectNode line = NODES.objectNode();
            line.set("key", job.tags.get(i));
            job.results.get(i).properties().forEach(e -> line.set(e.getKey(), e.getValue()));
            jsonl.append(line).append('\n');
        }
        job.responsesFile = writeGenerated("batch-" + job.id, "application/jsonl",
                jsonl.toString().getBytes(StandardCharsets.UTF_8), job.downloadBase).name();
    }

    /** The long-running Operation Google answers for a job (create, get, list). */
    static ObjectNode operationJson(Batch job) {
        synchronized (job) {
            ObjectNode op = NODES.objectNode();
            op.put("name", "batches/" + job.id);
            ObjectNode meta = op.putObject("metadata");
            meta.put("@type", job.embed ? EMBED_BATCH_TYPE : BATCH_TYPE);
            meta.put("name", "batches/" + job.id);
            meta.put("model", "models/" + job.model.id());
            meta.put("displayName", job.displayName);
            if (job.inputFile != null) {
                meta.putObject("inputConfig").put("fileName", job.inputFile);
            }
            meta.put("createTime", timestamp(job.createTime));
            meta.put("updateTime", timestamp(job.updateTime));
            if (job.endTime != null) {
                meta.put("endTime", timestamp(job.endTime));
            }
            int n = job.requests.size();
            long failed = job.results.stream().filter(r -> r.has("error")).count();
            ObjectNode stats = meta.putObject("batchStats");
            stats.put("requestCount", Integer.toString(n));
            if (job.done > 0) {
                stats.put("successfulRequestCount", Long.toString(job.done - failed));
            }
            if (failed > 0) {
                stats.put("failedRequestCount", Long.toString(failed));
            }
            stats.put("pendingRequestCount", Integer.toString(job.cancelled ? 0 : n - job.done));
            BatchState state = job.state();
            meta.put("state", state.name());
            if (job.terminal()) {
                ObjectNode output = NODES.objectNode();
                if (job.responsesFile != null) {
                    output.put("responsesFile", job.responsesFile);
                } else {
                    ArrayNode list = output.putObject("inlinedResponses").putArray("inlinedResponses");
                    for (int i = 0; i < job.results.size(); i++) {
                        ObjectNode item = job.results.get(i).deepCopy();
                        if (job.tags.get(i) != null) {
                            item.set("metadata", job.tags.get(i));
                        }
                        list.add(item);
                    }
                }
                meta.set("output", output);
                op.put("done", true);
                if (job.cancelled) {
                    ObjectNode error = op.putObject("error");
                    error.put("code", 1);
                    error.put("message", "The batch was cancelled.");
                } else {
                    ObjectNode response = NODES.objectNode();
                    response.put("@type", job.embed ? EMBED_BATCH_OUTPUT_TYPE : BATCH_OUTPUT_TYPE);
                    output.properties().forEach(e -> response.set(e.getKey(), e.getValue()));
                    op.set("response", response);
                }
            }
            return op;
        }
    }
}
