package dev.gemgate.domain.cache;

import dev.gemgate.domain.generation.GenerationRequest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The canonical fingerprint of a request: an HMAC-SHA256, under a server secret, of the model and the body written with
 * sorted object keys and normalised numbers, so that field order and {@code 40} vs {@code 40.0} do not make two equal
 * requests differ. Used as the response-cache key and as the prompt hash in audit records: keyed, because a bare
 * SHA-256 of a short prompt is reversed by a dictionary, and the audit table is read by more people than prompts are.
 */
public final class RequestFingerprint {
    /** Shortest secret accepted: 32 bytes, the HMAC-SHA256 block's security level. */
    public static final int MIN_SECRET_BYTES = 32;

    private final Mac prototype;

    public RequestFingerprint(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the fingerprint secret needs at least " + MIN_SECRET_BYTES + " bytes");
        }
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(secret, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * The fields of a {@code GenerateContentRequest} that decide its answer, and only those: what the response cache
     * keys on ({@link #forCache}). Whatever else a body carries (a surface's own extras, fields Google ignores) does not
     * split the cache, so a request translated from another API surface into the same Gemini request hits the same
     * entry.
     */
    public static final List<String> SEMANTIC_FIELDS = List.of("contents", "systemInstruction", "generationConfig",
            "tools", "toolConfig", "safetySettings", "cachedContent");

    /** The fingerprint of the whole request (the audit record's prompt hash). */
    public String of(GenerationRequest request) {
        return digest(request.model().value(), request.body());
    }

    /**
     * The response-cache fingerprint: the model and the {@link #SEMANTIC_FIELDS semantic fields} of the body,
     * canonically written. Scoped by tenant by its {@link CacheKey}, never here.
     */
    public String forCache(GenerationRequest request) {
        Map<String, Object> semantic = new HashMap<>(); // written with its keys sorted, as every object is
        for (String field : SEMANTIC_FIELDS) {
            if (request.body().containsKey(field)) {
                semantic.put(field, request.body().get(field));
            }
        }
        return digest("cache\n" + request.model().value(), semantic);
    }

    private String digest(String prefix, Map<String, Object> body) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(prefix).append('\n');
        write(sb, body);
        return HexFormat.of().formatHex(newMac().doFinal(sb.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A Mac is not thread-safe; cloning the initialised prototype is far cheaper than a provider lookup. */
    private Mac newMac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 supports clone", e);
        }
    }

    private static void write(StringBuilder sb, Object value) {
        switch (value) {
            case null -> sb.append("null");
            case Map<?, ?> map -> {
                sb.append('{');
                // the keys in their natural order (a JSON object's keys are strings), sorted in place: no sorted copy
                Object[] keys = map.keySet().toArray();
                if (keys.length > 1) {
                    Arrays.sort(keys);
                }
                for (int i = 0; i < keys.length; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    writeString(sb, String.valueOf(keys[i]));
                    sb.append(':');
                    write(sb, map.get(keys[i]));
                }
                sb.append('}');
            }
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(sb, list.get(i));
                }
                sb.append(']');
            }
            case String s -> writeString(sb, s);
            case Number n -> {
                double d = n.doubleValue();
                sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
            }
            default -> sb.append(value);
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        int plainFrom = 0; // runs without a quote or backslash go in whole
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append(s, plainFrom, i).append('\\');
                plainFrom = i; // the character itself starts the next run
            }
        }
        sb.append(s, plainFrom, s.length()).append('"');
    }
}
