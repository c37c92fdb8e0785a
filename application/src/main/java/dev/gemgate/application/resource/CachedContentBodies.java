package dev.gemgate.application.resource;

import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.ModelId;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The fields of a CachedContent body the gateway reads (the body itself goes upstream as the caller wrote it). */
final class CachedContentBodies {
    /** Google's Duration in JSON: seconds with up to nine decimals and an {@code s}, e.g. {@code "3600s"}. */
    private static final Pattern DURATION = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?s");
    /** Without ttl or expireTime a cache lives one hour (Google's default). */
    static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private CachedContentBodies() {
    }

    /** {@code model}, "models/m" (the SDKs prepend "models/") or "m". */
    static ModelId model(Map<String, Object> body) {
        Object model = body.get("model");
        if (!(model instanceof String text) || !ModelId.isValid(text)) {
            throw InvalidRequestException.forField("model", model == null ? "is required (\"models/<model>\")"
                    : "must be a model name such as \"models/gemini-2.5-flash\"");
        }
        return ModelId.parse(text);
    }

    /**
     * The expiry the body asks for, from {@code now}: {@code ttl}, or {@code expireTime}, not both; empty when neither
     * is set. A malformed value is a 400 naming the field.
     */
    static Optional<Instant> requestedExpiry(Map<String, Object> body, Instant now) {
        boolean hasTtl = body.containsKey("ttl");
        boolean hasExpireTime = body.containsKey("expireTime");
        if (hasTtl && hasExpireTime) {
            throw new InvalidRequestException("Set either ttl or expireTime, not both.");
        }
        if (hasTtl) {
            return Optional.of(now.plus(ttl(body.get("ttl"))));
        }
        if (hasExpireTime) {
            return Optional.of(expireTime(body.get("expireTime")));
        }
        return Optional.empty();
    }

    private static Duration ttl(Object value) {
        if (value instanceof String text && DURATION.matcher(text).matches()) {
            BigDecimal seconds = new BigDecimal(text.substring(0, text.length() - 1));
            return Duration.ofSeconds(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        throw InvalidRequestException.forField("ttl", "must be a duration in seconds such as \"3600s\"");
    }

    private static Instant expireTime(Object value) {
        if (value instanceof String text) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                // fall through to the refusal
            }
        }
        throw InvalidRequestException.forField("expireTime",
                "must be an RFC 3339 time such as \"2026-12-01T00:00:00Z\"");
    }

    /** The part of a create body whose tokens are cached and billed: contents and systemInstruction. */
    static Map<String, Object> cachedPart(Map<String, Object> body) {
        Map<String, Object> part = new java.util.LinkedHashMap<>();
        Object contents = body.get("contents");
        boolean hasContents = contents instanceof java.util.List<?> list && !list.isEmpty();
        // a cache may hold only a system instruction: an empty turn stands in for the contents the estimate needs
        part.put("contents", hasContents ? contents
                : java.util.List.of(Map.of("role", "user", "parts", java.util.List.of(Map.of("text", "")))));
        JsonTree.object(body, "systemInstruction").ifPresent(s -> part.put("systemInstruction", s));
        return part;
    }
}
