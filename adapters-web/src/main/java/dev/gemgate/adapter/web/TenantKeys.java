package dev.gemgate.adapter.web;

import dev.gemgate.domain.common.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a tenant key may come from, in the order the SDKs use: {@code x-goog-api-key} (Google's SDKs),
 * {@code ?key=} (REST examples), {@code Authorization: Bearer} (OpenAI-style clients). A request that presents a
 * credential twice in one place, or two different credentials in two places, is refused as ambiguous: a proxy in
 * front must never be able to make Gemgate pick a different key than the one it checked.
 */
public final class TenantKeys {
    private TenantKeys() {
    }

    public static Optional<String> extract(List<String> googApiKeyHeaders, List<String> keyQueries,
                                           List<String> authorizations) {
        List<String> presented = new ArrayList<>(2);
        addFrom(presented, googApiKeyHeaders, "x-goog-api-key header");
        addFrom(presented, keyQueries, "key query parameter");
        if (authorizations != null && authorizations.size() > 1) {
            throw ambiguous("more than one Authorization header");
        }
        if (authorizations != null && authorizations.size() == 1) {
            String authorization = authorizations.getFirst();
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String token = authorization.substring(7).strip();
                if (!token.isEmpty()) {
                    presented.add(token);
                }
            }
        }
        if (presented.stream().distinct().count() > 1) {
            throw ambiguous("different API keys in different places");
        }
        return presented.stream().findFirst();
    }

    private static void addFrom(List<String> presented, List<String> values, String where) {
        if (values == null || values.isEmpty()) {
            return;
        }
        if (values.size() > 1) {
            throw ambiguous("more than one " + where);
        }
        String value = values.getFirst();
        if (value != null && !value.isBlank()) {
            presented.add(value.strip());
        }
    }

    private static InvalidRequestException ambiguous(String why) {
        return new InvalidRequestException("Ambiguous credentials: " + why + ". Send exactly one API key.");
    }
}
