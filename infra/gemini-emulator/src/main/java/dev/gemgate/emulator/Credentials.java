package dev.gemgate.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The credential a request carries and the small query-string helpers. */
record Credentials(String value, Kind kind) {

    enum Kind { API_KEY, BEARER, NONE }

    static final Credentials NONE = new Credentials(null, Kind.NONE);

    static Credentials of(Map<String, List<String>> lowerCaseHeaders, String rawQuery) {
        String key = first(lowerCaseHeaders, "x-goog-api-key");
        if (key != null && !key.isBlank()) {
            return new Credentials(key.trim(), Kind.API_KEY);
        }
        String queryKey = queryParams(rawQuery).get("key");
        if (queryKey != null && !queryKey.isBlank()) {
            return new Credentials(queryKey, Kind.API_KEY);
        }
        String authorization = first(lowerCaseHeaders, "authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            if (!token.isEmpty()) {
                return new Credentials(token, Kind.BEARER);
            }
        }
        return NONE;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Decoded query parameters; the first value wins. */
    static Map<String, String> queryParams(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, String> params = new HashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
