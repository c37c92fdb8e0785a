package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.InvalidRequestException;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of a tenant's resources ends: the creation time (to the microsecond) and id of its last resource. Sent
 * to callers as Gemini's opaque {@code nextPageToken}: 24 bytes (epoch microseconds, the id) in unpadded base64url, 32
 * characters. It names no tenant and carries nothing secret: a token replayed by another tenant only positions that
 * tenant's own list.
 */
public record ResourcePageToken(Instant createdAt, UUID id) {
    private static final int BYTES = 24;

    public ResourcePageToken {
        if (createdAt == null || id == null) {
            throw new IllegalArgumentException("a page token has a time and an id");
        }
        createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
    }

    public static ResourcePageToken after(TenantResource last) {
        return new ResourcePageToken(last.createdAt(), last.id());
    }

    public String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
        ByteBuffer bytes = ByteBuffer.allocate(BYTES).putLong(micros).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** Reads a token {@link #encode} wrote; anything else is a 400 on {@code pageToken}. */
    public static ResourcePageToken decode(String token) {
        byte[] bytes;
        try {
            bytes = token == null ? new byte[0] : Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != BYTES) {
            throw InvalidRequestException.forField("pageToken", "is not a page token this list returned");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long micros = buffer.getLong();
        UUID id = new UUID(buffer.getLong(), buffer.getLong());
        try {
            return new ResourcePageToken(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), id);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw InvalidRequestException.forField("pageToken", "is not a page token this list returned");
        }
    }
}
