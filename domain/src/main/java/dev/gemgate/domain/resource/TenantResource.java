package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A Gemini server-side resource (a file, a context cache, a batch job) that a tenant created through Gemgate, as the
 * {@link TenantResources} store keeps it.
 *
 * <ul>
 *   <li>{@code id}: Gemgate's own id of the record (keyset paging breaks ties of {@code createdAt} by it);</li>
 *   <li>{@code name}: the name Google gave the resource (its kind is {@code name.kind()});</li>
 *   <li>{@code tenant}, {@code apiKey}: who created it; only that tenant ever sees it;</li>
 *   <li>{@code credential}: the upstream credential that created it. The resource lives in that credential's Google
 *       project, so every later call naming it (get, delete, use in a generate request, batch cancel) must go to that
 *       credential, never to another the pool would pick;</li>
 *   <li>{@code model}: the model it was created for (caches and batches; files have none);</li>
 *   <li>{@code sizeBytes} (files only), {@code tokenCount} (caches only: the cached tokens), {@code requestCount}
 *       (batches only): what it is billed or reported by, absent until known;</li>
 *   <li>{@code state}: Google's state as an upper-case word ({@code ACTIVE}, {@code PROCESSING},
 *       {@code BATCH_STATE_RUNNING}, ...; a cache, which has no state at Google, is {@code ACTIVE});</li>
 *   <li>{@code expireTime}: when Google drops it (files after 48 h, caches at their TTL; batches have none);</li>
 *   <li>{@code reserved}, {@code settled}: the money reserved for it (a batch at creation) and settled so far (a
 *       batch's results, a cache's tokens and storage hours);</li>
 *   <li>{@code deletedAt}: when it was deleted through Gemgate; a deleted resource is kept for billing history but is
 *       never found, listed or changed again;</li>
 *   <li>{@code description}: the resource as Google last described it, as its JSON text (a File, a CachedContent, a
 *       batch Operation without its results), what a list answers without calling the upstream; empty when not
 *       known.</li>
 * </ul>
 */
public record TenantResource(UUID id, UpstreamResourceName name, TenantId tenant, ApiKeyId apiKey,
                             UpstreamCredentialId credential, Optional<ModelId> model, OptionalLong sizeBytes,
                             OptionalLong tokenCount, OptionalLong requestCount, String state,
                             Optional<Instant> expireTime, Money reserved, Money settled, Instant createdAt,
                             Instant updatedAt, Optional<Instant> deletedAt, String description) {
    private static final Pattern STATE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    public TenantResource {
        if (id == null || name == null || tenant == null || apiKey == null || credential == null || model == null
                || sizeBytes == null || tokenCount == null || requestCount == null || state == null
                || expireTime == null || reserved == null || settled == null || createdAt == null
                || updatedAt == null || deletedAt == null || description == null) {
            throw new IllegalArgumentException("every field of a tenant resource is required (Optional.empty when "
                    + "absent)");
        }
        checkQuantity("sizeBytes", sizeBytes, name.kind() == ResourceKind.FILE);
        checkQuantity("tokenCount", tokenCount, name.kind() == ResourceKind.CACHED_CONTENT);
        checkQuantity("requestCount", requestCount, name.kind() == ResourceKind.BATCH);
        checkState(state);
        if (updatedAt.isBefore(createdAt) || deletedAt.map(d -> d.isBefore(createdAt)).orElse(false)) {
            throw new IllegalArgumentException("a resource is updated or deleted after it was created");
        }
    }

    /** A resource just created upstream: nothing reserved or settled yet, not deleted, created and updated at now. */
    public static TenantResource created(UUID id, UpstreamResourceName name, TenantId tenant, ApiKeyId apiKey,
                                         UpstreamCredentialId credential, Optional<ModelId> model, String state,
                                         Optional<Instant> expireTime, Instant now) {
        return new TenantResource(id, name, tenant, apiKey, credential, model, OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), state, expireTime, Money.ZERO, Money.ZERO, now, now,
                Optional.empty(), "");
    }

    public ResourceKind kind() {
        return name.kind();
    }

    public boolean deleted() {
        return deletedAt.isPresent();
    }

    public TenantResource withSizeBytes(long bytes) {
        return new TenantResource(id, name, tenant, apiKey, credential, model, OptionalLong.of(bytes), tokenCount,
                requestCount, state, expireTime, reserved, settled, createdAt, updatedAt, deletedAt, description);
    }

    public TenantResource withTokenCount(long tokens) {
        return new TenantResource(id, name, tenant, apiKey, credential, model, sizeBytes, OptionalLong.of(tokens),
                requestCount, state, expireTime, reserved, settled, createdAt, updatedAt, deletedAt, description);
    }

    public TenantResource withRequestCount(long requests) {
        return new TenantResource(id, name, tenant, apiKey, credential, model, sizeBytes, tokenCount,
                OptionalLong.of(requests), state, expireTime, reserved, settled, createdAt, updatedAt, deletedAt, description);
    }

    public TenantResource withDescription(String json) {
        return new TenantResource(id, name, tenant, apiKey, credential, model, sizeBytes, tokenCount, requestCount,
                state, expireTime, reserved, settled, createdAt, updatedAt, deletedAt, json);
    }

    public TenantResource withReserved(Money amount) {
        return new TenantResource(id, name, tenant, apiKey, credential, model, sizeBytes, tokenCount, requestCount,
                state, expireTime, amount, settled, createdAt, updatedAt, deletedAt, description);
    }

    /** Google's states are upper-case words: {@code ACTIVE}, {@code BATCH_STATE_SUCCEEDED}. */
    static void checkState(String state) {
        if (state == null || !STATE.matcher(state).matches()) {
            throw new IllegalArgumentException("a resource state is an upper-case word of at most 64 characters "
                    + "(A-Z, 0-9, '_')");
        }
    }

    static void checkQuantity(String field, OptionalLong value, boolean applies) {
        if (value.isPresent() && !applies) {
            throw new IllegalArgumentException(field + " applies only to " + switch (field) {
                case "sizeBytes" -> "files";
                case "tokenCount" -> "cached contents";
                default -> "batches";
            });
        }
        if (value.isPresent() && value.getAsLong() < 0) {
            throw new IllegalArgumentException(field + " cannot be negative");
        }
    }
}
