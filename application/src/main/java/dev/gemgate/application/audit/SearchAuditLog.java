package dev.gemgate.application.audit;

import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditFilter;
import dev.gemgate.domain.audit.AuditPosition;
import dev.gemgate.domain.audit.AuditSearch;
import dev.gemgate.domain.common.InvalidRequestException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One page of the audit log for an admin, newest first (time descending, then id), filtered by
 * {@link AuditLogFilters}. Paging is by keyset: {@code nextPageToken} is an opaque token naming the last event of the
 * page, present when there may be more; sending it back as {@code pageToken} (with the same filters) continues right
 * after that event, so pages neither repeat nor skip events while new ones are appended. {@code pageSize} is 1 to
 * {@link #MAX_PAGE_SIZE}, {@link #DEFAULT_PAGE_SIZE} by default. A read: not audited.
 */
public final class SearchAuditLog {
    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 500;

    /** Parameters as sent; a null or blank one is absent (or takes its default). */
    public record Query(AuditLogFilters filters, String pageSize, String pageToken) {
        public Query {
            if (filters == null) {
                throw new IllegalArgumentException("filters are required (their fields may be null)");
            }
        }
    }

    public record Result(List<AuditEvent> events, Optional<String> nextPageToken) {
    }

    private final AuditSearch search;

    public SearchAuditLog(AuditSearch search) {
        this.search = search;
    }

    public Result execute(Query query) {
        AuditFilter filter = query.filters().parse();
        int size = pageSize(query.pageSize());
        Optional<AuditPosition> after = position(query.pageToken());
        // one more than asked says whether a next page exists without a second query
        List<AuditEvent> events = search.page(filter, after, size + 1);
        if (events.size() <= size) {
            return new Result(events, Optional.empty());
        }
        List<AuditEvent> page = events.subList(0, size);
        return new Result(List.copyOf(page), Optional.of(token(AuditPosition.of(page.getLast()))));
    }

    private static int pageSize(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_PAGE_SIZE;
        }
        try {
            int size = Integer.parseInt(text.strip());
            if (size >= 1 && size <= MAX_PAGE_SIZE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw InvalidRequestException.forField("pageSize", "'" + AuditLogFilters.cut(text) + "' is not a whole "
                + "number from 1 to " + MAX_PAGE_SIZE);
    }

    /** The token: base64url of the event's time (seconds, nanoseconds) and id, so it is opaque but not secret. */
    static String token(AuditPosition position) {
        ByteBuffer bytes = ByteBuffer.allocate(8 + 4 + 16);
        bytes.putLong(position.occurredAt().getEpochSecond()).putInt(position.occurredAt().getNano())
                .putLong(position.id().getMostSignificantBits()).putLong(position.id().getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private static Optional<AuditPosition> position(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        try {
            byte[] decoded = Base64.getUrlDecoder().decode(token.strip().getBytes(StandardCharsets.US_ASCII));
            if (decoded.length == 28) {
                ByteBuffer bytes = ByteBuffer.wrap(decoded);
                Instant at = Instant.ofEpochSecond(bytes.getLong(), bytes.getInt());
                return Optional.of(new AuditPosition(at, new UUID(bytes.getLong(), bytes.getLong())));
            }
        } catch (RuntimeException e) {
            // refused below: not base64, or a time out of range
        }
        throw InvalidRequestException.forField("pageToken", "is not a token this API returned as nextPageToken");
    }
}
