package dev.gemgate.app;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Bounds the {@code method} label of the HTTP server meters ({@code http_server_requests_seconds} and its kin). Vert.x
 * accepts any token as a request method and the http-server binder puts it in the label as sent, so without this each
 * made-up method ({@code FOO1}, {@code FOO2}...) adds a series; a method outside the standard ones becomes
 * {@code OTHER}. Quarkus applies every {@link MeterFilter} bean before a meter is registered.
 */
@Singleton
public class HttpMethodTagFilter implements MeterFilter {
    static final String OTHER = "OTHER";
    private static final Set<String> STANDARD =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

    @Override
    public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith("http.server")) {
            return id;
        }
        String method = id.getTag("method");
        if (method == null || STANDARD.contains(method)) {
            return id;
        }
        List<Tag> tags = new ArrayList<>();
        for (Tag tag : id.getTagsAsIterable()) {
            tags.add(tag.getKey().equals("method") ? Tag.of("method", OTHER) : tag);
        }
        return id.replaceTags(tags);
    }
}
