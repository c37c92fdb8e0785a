package dev.gemgate.domain.fakes;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.CachedContent;
import dev.gemgate.domain.resource.CachedContentsPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Google's cachedContents in memory, for use-case tests: each create makes {@code cachedContents/c<n>} of the body's
 * model holding {@code tokens} tokens (a fixed count set by the test), expiring after the body's {@code ttl} (whole
 * seconds, {@code "600s"}) or in one hour; a missing or expired cache is {@link UpstreamException.Kind#NOT_FOUND}, as
 * the adapter reports Google's 403. The body is read by a function the test gives (the domain has no JSON parser).
 * {@link #calls} records every call as {@code "<method> <name or collection>"}.
 */
public final class FakeCachedContentsUpstream implements CachedContentsPort {
    private record Stored(CachedContent cache, UpstreamCredential credential) {
    }

    public final List<String> calls = new ArrayList<>();
    private final Map<String, Stored> caches = new HashMap<>();
    private final Clock clock;
    private final Function<String, Map<String, Object>> parser;
    private long tokens = 2048;
    private int next;

    public FakeCachedContentsUpstream(Clock clock, Function<String, Map<String, Object>> parser) {
        this.clock = clock;
        this.parser = parser;
    }

    /** The token count of the caches created from now on. */
    public FakeCachedContentsUpstream holding(long tokens) {
        this.tokens = tokens;
        return this;
    }

    @Override
    public synchronized CachedContent create(UpstreamCredential credential, String body, Duration timeout) {
        calls.add("POST cachedContents");
        Map<String, Object> tree = parser.apply(body);
        Instant now = clock.instant();
        Instant expiry = expiry(tree, now);
        UpstreamResourceName name = UpstreamResourceName.of(ResourceKind.CACHED_CONTENT, "c" + (++next));
        ModelId model = ModelId.parse(JsonTree.string(tree, "model").orElseThrow());
        CachedContent cache = cache(name, model, tokens, now, expiry);
        caches.put(name.value(), new Stored(cache, credential));
        return cache;
    }

    @Override
    public synchronized CachedContent get(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
        calls.add("GET " + name);
        return live(credential, name).cache();
    }

    @Override
    public synchronized CachedContent update(UpstreamCredential credential, UpstreamResourceName name, String body,
                                             Duration timeout) {
        calls.add("PATCH " + name);
        Stored stored = live(credential, name);
        CachedContent old = stored.cache();
        CachedContent updated = cache(name, old.model(), old.totalTokens(), old.createTime().orElseThrow(),
                expiry(parser.apply(body), clock.instant()));
        caches.put(name.value(), new Stored(updated, credential));
        return updated;
    }

    @Override
    public synchronized void delete(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
        calls.add("DELETE " + name);
        live(credential, name);
        caches.remove(name.value());
    }

    private Stored live(UpstreamCredential credential, UpstreamResourceName name) {
        Stored stored = caches.get(name.value());
        if (stored == null || !stored.credential().id().equals(credential.id())
                || !stored.cache().expireTime().isAfter(clock.instant())) {
            throw new UpstreamException(UpstreamException.Kind.NOT_FOUND, 403, "the cached content is not found");
        }
        return stored;
    }

    private static Instant expiry(Map<String, Object> tree, Instant now) {
        Optional<String> ttl = JsonTree.string(tree, "ttl");
        if (ttl.isPresent()) {
            return now.plusSeconds(Long.parseLong(ttl.get().substring(0, ttl.get().length() - 1)));
        }
        return JsonTree.string(tree, "expireTime").map(Instant::parse).orElse(now.plus(Duration.ofHours(1)));
    }

    private static CachedContent cache(UpstreamResourceName name, ModelId model, long tokens, Instant created,
                                       Instant expiry) {
        String json = "{\"name\":\"" + name + "\",\"model\":\"models/" + model + "\",\"createTime\":\"" + created
                + "\",\"expireTime\":\"" + expiry + "\",\"usageMetadata\":{\"totalTokenCount\":" + tokens + "}}";
        return new CachedContent(name, model, tokens, Optional.of(created), expiry, json);
    }
}
