package dev.gemgate.domain.resource;

import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A resumable upload in progress through Gemgate: the tenant and key that started it, the upstream credential whose
 * project receives it and that credential's upload URL, how many bytes the upstream has accepted, and until when the
 * session may be used. {@code tokenHash} is the {@link UploadToken#hash()} of the upload id handed to the tenant.
 */
public record UploadSession(String tokenHash, TenantId tenant, ApiKeyId apiKey, UpstreamCredentialId credential,
                            FilesPort.UpstreamUploadUrl upstreamUrl, long receivedBytes, Instant createdAt,
                            Instant expiresAt) {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    public UploadSession {
        if (tokenHash == null || !HASH.matcher(tokenHash).matches() || tenant == null || apiKey == null
                || credential == null || upstreamUrl == null || createdAt == null || expiresAt == null) {
            throw new IllegalArgumentException("every field of an upload session is required");
        }
        if (receivedBytes < 0 || !expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("an upload session has received no negative count and expires after "
                    + "it starts");
        }
    }

    public UploadSession withReceivedBytes(long bytes) {
        return new UploadSession(tokenHash, tenant, apiKey, credential, upstreamUrl, bytes, createdAt, expiresAt);
    }
}
