package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link AuditEvent} as one line of the audit spool: a version tag, then the event's fields separated by tabs, in
 * the escaping of PostgreSQL's {@code COPY} text format ({@code \\}, {@code \t}, {@code \n}, {@code \r}; an absent
 * optional is {@code \N}, so that "absent" and "present but empty" stay apart). Instants and durations are in
 * ISO-8601, exact to the nanosecond.
 *
 * <p>Why a format of our own rather than JSON: this module has no JSON library of its own (Jackson only comes in
 * transitively, through Flyway), the record has a fixed set of scalar fields, and the spool needs a line-oriented,
 * checksummed framing anyway to survive a torn write; a hand-written codec of 18 fields is shorter than the mapping
 * configuration Jackson would need for {@code Optional}s, value types and records. A change of the record's shape
 * needs a new version tag: lines of an older version must still decode (or be refused, never misread).
 *
 * <p>Versions: {@code audit-v1} has the 18 fields of the request path; {@code audit-v2} adds the admin
 * details: actor name, source address and target (all three {@code \N} when the event has none), then the before and
 * after states; {@code audit-v3} adds the end user ({@code \N} when the request named none); {@code audit-v4}
 * (written now) adds the micro-dollars a response-cache hit saved. A v1 line (spooled by an older release) decodes as
 * an event without admin details, a v1 or v2 line as one without end user, a v1 to v3 line as one that saved nothing.
 */
final class AuditEventLineCodec implements LineCodec<AuditEvent> {
    static final String VERSION = "audit-v4";
    static final String VERSION_3 = "audit-v3";
    static final String VERSION_2 = "audit-v2";
    static final String VERSION_1 = "audit-v1";
    private static final int FIELDS_V1 = 18;
    private static final int FIELDS_V2 = FIELDS_V1 + 5;
    private static final int FIELDS_V3 = FIELDS_V2 + 1;
    private static final int FIELDS = FIELDS_V3 + 1;
    private static final String ABSENT = "\\N";

    @Override
    public String encode(AuditEvent e) {
        StringBuilder line = new StringBuilder(256).append(VERSION);
        field(line, e.id().toString());
        field(line, e.occurredAt().toString());
        field(line, e.type().name());
        field(line, e.requestId().value());
        optional(line, e.correlationId());
        optional(line, e.tenant().map(t -> t.value().toString()));
        optional(line, e.apiKey().map(k -> k.value().toString()));
        field(line, e.actor());
        optional(line, e.model().map(ModelId::value));
        field(line, Long.toString(e.usage().promptTokens()));
        field(line, Long.toString(e.usage().candidatesTokens()));
        field(line, Long.toString(e.usage().thoughtsTokens()));
        field(line, Long.toString(e.usage().cachedTokens()));
        field(line, Long.toString(e.cost().micros()));
        field(line, e.latency().toString());
        field(line, e.outcome().name());
        optional(line, e.promptHash());
        field(line, e.detail());
        optional(line, e.admin().map(AdminDetails::actorName));
        optional(line, e.admin().map(AdminDetails::sourceAddress));
        optional(line, e.admin().map(AdminDetails::target));
        optional(line, e.admin().flatMap(AdminDetails::before));
        optional(line, e.admin().flatMap(AdminDetails::after));
        optional(line, e.endUser());
        field(line, Long.toString(e.saved().micros()));
        return line.toString();
    }

    @Override
    public AuditEvent decode(String line) {
        List<String> f = split(line);
        int fields = switch (f.getFirst()) {
            case VERSION -> FIELDS;
            case VERSION_3 -> FIELDS_V3;
            case VERSION_2 -> FIELDS_V2;
            case VERSION_1 -> FIELDS_V1;
            default -> throw new IllegalArgumentException("not an audit spool line of version " + VERSION_1 + ", "
                    + VERSION_2 + ", " + VERSION_3 + " or " + VERSION);
        };
        if (f.size() != fields + 1) {
            throw new IllegalArgumentException("an " + f.getFirst() + " spool line has " + fields + " fields, this one "
                    + (f.size() - 1));
        }
        Optional<AdminDetails> admin = Optional.empty();
        if (fields >= FIELDS_V2) {
            int a = FIELDS_V1 + 1;
            if (f.get(a) != null) {
                admin = Optional.of(new AdminDetails(f.get(a), required(f.get(a + 1)), required(f.get(a + 2)),
                        Optional.ofNullable(f.get(a + 3)), Optional.ofNullable(f.get(a + 4))));
            } else if (f.get(a + 1) != null || f.get(a + 2) != null || f.get(a + 3) != null || f.get(a + 4) != null) {
                throw new IllegalArgumentException("admin fields without an actor name");
            }
        }
        Optional<String> endUser = fields >= FIELDS_V3 ? Optional.ofNullable(f.get(FIELDS_V2 + 1)) : Optional.empty();
        Money saved = fields >= FIELDS ? Money.ofMicros(Long.parseLong(required(f.get(FIELDS_V3 + 1)))) : Money.ZERO;
        int i = 1;
        return new AuditEvent(
                UUID.fromString(required(f.get(i++))),
                Instant.parse(required(f.get(i++))),
                AuditEventType.valueOf(required(f.get(i++))),
                new RequestId(required(f.get(i++))),
                Optional.ofNullable(f.get(i++)),
                Optional.ofNullable(f.get(i++)).map(UUID::fromString).map(TenantId::new),
                Optional.ofNullable(f.get(i++)).map(UUID::fromString).map(ApiKeyId::new),
                required(f.get(i++)),
                Optional.ofNullable(f.get(i++)).map(ModelId::new),
                new Usage(Long.parseLong(required(f.get(i++))), Long.parseLong(required(f.get(i++))),
                        Long.parseLong(required(f.get(i++))), Long.parseLong(required(f.get(i++)))),
                Money.ofMicros(Long.parseLong(required(f.get(i++)))),
                Duration.parse(required(f.get(i++))),
                Outcome.valueOf(required(f.get(i++))),
                Optional.ofNullable(f.get(i++)),
                required(f.get(i)),
                admin,
                endUser,
                saved);
    }

    private static String required(String value) {
        if (value == null) {
            throw new IllegalArgumentException("a required field is absent");
        }
        return value;
    }

    private static void optional(StringBuilder line, Optional<String> value) {
        if (value.isPresent()) {
            field(line, value.get());
        } else {
            line.append('\t').append(ABSENT);
        }
    }

    private static void field(StringBuilder line, String value) {
        line.append('\t');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
    }

    /** The fields of a line, unescaped; {@code null} for {@code \N}. */
    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>(FIELDS + 1);
        StringBuilder current = new StringBuilder();
        boolean absent = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(absent ? null : current.toString());
                current.setLength(0);
                absent = false;
            } else if (c == '\\') {
                if (++i == line.length()) {
                    throw new IllegalArgumentException("a line ends inside an escape");
                }
                char escaped = line.charAt(i);
                switch (escaped) {
                    case '\\' -> current.append('\\');
                    case 't' -> current.append('\t');
                    case 'n' -> current.append('\n');
                    case 'r' -> current.append('\r');
                    case 'N' -> {
                        if (!current.isEmpty() || (i + 1 < line.length() && line.charAt(i + 1) != '\t')) {
                            throw new IllegalArgumentException("\\N must be a whole field");
                        }
                        absent = true;
                    }
                    default -> throw new IllegalArgumentException("unknown escape \\" + escaped);
                }
            } else if (c == '\n' || c == '\r') {
                throw new IllegalArgumentException("a raw line break inside a line");
            } else {
                if (absent) {
                    throw new IllegalArgumentException("\\N must be a whole field");
                }
                current.append(c);
            }
        }
        fields.add(absent ? null : current.toString());
        return fields;
    }
}
