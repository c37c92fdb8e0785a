package dev.gemgate.adapter.gemini;

import com.google.genai.ApiResponse;
import com.google.genai.errors.ApiException;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.common.UpstreamException.Kind;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.CachedContent;
import dev.gemgate.domain.resource.CachedContentsPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link CachedContentsPort} on the google-genai SDK's HTTP client without its typed model (as
 * {@link GenAiGenerationAdapter} generates): the SDK adds the key, base URL, API version and its client headers and
 * raises its typed exceptions for error replies; the caller's body goes out as it came, Google's answer comes back as
 * Google wrote it. Every call is bounded by an {@link UpstreamCallGuard}. Gemini Developer API (API keys) only.
 *
 * <p>Google answers a cache it does not have (expired, deleted, never there, another project's) with 403
 * PERMISSION_DENIED "CachedContent not found (or permission denied)", the same status as a suspended key. On a call
 * naming a cache that answer (and a 404) is {@link Kind#NOT_FOUND}: the cache is gone, the credential is fine and must
 * not be held out of the pool. Telling the two apart needs a look at the message, as for an invalid key
 * ({@link UpstreamErrors}): a 403 carrying Google's words for a missing cache is the cache; any other 403 is the
 * credential's.
 */
public final class GenAiCachedContentsAdapter implements CachedContentsPort, AutoCloseable {
    static final String MISSING_CACHE = "CachedContent not found";

    private final GenAiClients clients;
    private final JsonBodies json = new JsonBodies();

    public GenAiCachedContentsAdapter() {
        this(GenAiSettings.defaults());
    }

    public GenAiCachedContentsAdapter(GenAiSettings settings) {
        this.clients = new GenAiClients(Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public CachedContent create(UpstreamCredential credential, String body, Duration timeout) {
        return cache(call(credential, "post", "cachedContents", body, timeout, false));
    }

    @Override
    public CachedContent get(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
        return cache(call(credential, "get", path(name), "", timeout, true));
    }

    @Override
    public CachedContent update(UpstreamCredential credential, UpstreamResourceName name, String body,
                                Duration timeout) {
        return cache(call(credential, "patch", path(name), body, timeout, true));
    }

    @Override
    public void delete(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
        call(credential, "delete", path(name), "", timeout, true);
    }

    @Override
    public void close() {
        clients.close();
    }

    private static String path(UpstreamResourceName name) {
        if (name.kind() != ResourceKind.CACHED_CONTENT) {
            throw new IllegalArgumentException("not a cached content: " + name);
        }
        return name.value();
    }

    private String call(UpstreamCredential credential, String method, String path, String body, Duration timeout,
                        boolean namesCache) {
        if (credential.mode() != UpstreamCredential.Mode.GEMINI_API_KEY) {
            throw new UpstreamException(Kind.INVALID_REQUEST, 0, "context caches go through Gemini API keys only; "
                    + "upstream credential " + credential.id() + " is a Vertex AI credential");
        }
        try (UpstreamCallGuard guard = UpstreamCallGuard.open(timeout)) {
            try (ApiResponse response = clients.rawClientFor(credential).request(method, path, body,
                    Optional.empty())) {
                return response.getBody().string();
            } catch (IOException | RuntimeException e) {
                if (namesCache && e instanceof ApiException api && cacheMissing(api)) {
                    throw new UpstreamException(Kind.NOT_FOUND, api.code(), "the cached content is not found upstream");
                }
                throw UpstreamErrors.translate(e, credential.secret(), guard);
            }
        }
    }

    static boolean cacheMissing(ApiException api) {
        return api.code() == 404 || api.code() == 403 && String.valueOf(api.message()).contains(MISSING_CACHE);
    }

    /** The fields the gateway reads of Google's CachedContent; the text itself is kept as Google wrote it. */
    private CachedContent cache(String text) {
        Map<String, Object> cache;
        try {
            cache = json.parseObject(text);
        } catch (RuntimeException e) {
            throw protocol("is not a JSON object");
        }
        String name = JsonTree.string(cache, "name").filter(n -> UpstreamResourceName.isValid(
                ResourceKind.CACHED_CONTENT, n)).orElseThrow(() -> protocol("has no cachedContents/ name"));
        ModelId model = JsonTree.string(cache, "model").filter(ModelId::isValid).map(ModelId::parse)
                .orElseThrow(() -> protocol("has no model"));
        long tokens = JsonTree.object(cache, "usageMetadata").flatMap(u -> {
            java.util.OptionalLong n = JsonTree.wholeNumber(u, "totalTokenCount");
            return n.isPresent() ? Optional.of(n.getAsLong()) : Optional.empty();
        }).orElse(0L);
        Instant expireTime = JsonTree.string(cache, "expireTime").flatMap(GenAiCachedContentsAdapter::time)
                .orElseThrow(() -> protocol("has no expireTime"));
        return new CachedContent(new UpstreamResourceName(ResourceKind.CACHED_CONTENT, name), model,
                Math.max(0, tokens), JsonTree.string(cache, "createTime").flatMap(GenAiCachedContentsAdapter::time),
                expireTime, text);
    }

    private static Optional<Instant> time(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static UpstreamException protocol(String problem) {
        return new UpstreamException(Kind.PROTOCOL_ERROR, 200, "the upstream's cached content " + problem);
    }
}
