package dev.gemgate.domain.resource;

import dev.gemgate.domain.upstream.UpstreamCredential;

import java.time.Duration;

/**
 * Port: Gemini's {@code cachedContents} API on one upstream credential (the Google project that holds the cache).
 * Bodies go out as the caller wrote them; answers come back as Google wrote them ({@link CachedContent#json}).
 * Failures are {@link dev.gemgate.domain.common.UpstreamException}s; a cache Google no longer has (expired, deleted,
 * never there: its 403 "CachedContent not found (or permission denied)", or a 404) is
 * {@link dev.gemgate.domain.common.UpstreamException.Kind#NOT_FOUND}, never a rejected credential.
 */
public interface CachedContentsPort {
    /** {@code POST cachedContents} with {@code body} (a CachedContent JSON object). */
    CachedContent create(UpstreamCredential credential, String body, Duration timeout);

    /** {@code GET cachedContents/{id}}. */
    CachedContent get(UpstreamCredential credential, UpstreamResourceName name, Duration timeout);

    /** {@code PATCH cachedContents/{id}} with {@code body} ({@code {"ttl":"600s"}} or {@code {"expireTime":...}}). */
    CachedContent update(UpstreamCredential credential, UpstreamResourceName name, String body, Duration timeout);

    /** {@code DELETE cachedContents/{id}}. */
    void delete(UpstreamCredential credential, UpstreamResourceName name, Duration timeout);
}
