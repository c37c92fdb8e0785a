package dev.gemgate.adapter.web;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Request ids on the wire. Every request gets a server-generated id ({@code x-gemgate-request-id}, and the
 * RequestInfo of error envelopes); a caller may bring its own {@code x-request-id} to correlate logs, which is echoed
 * and recorded but never keyed on. Without one, {@code x-request-id} carries the server id.
 */
public final class RequestIds {
    public static final String HEADER = "x-request-id";
    public static final String SERVER_HEADER = "x-gemgate-request-id";
    static final String PROPERTY = "gemgate.requestId";
    static final String CORRELATION_PROPERTY = "gemgate.correlationId";
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{8,128}");

    private RequestIds() {
    }

    /** The caller's id if it is sane; anything odd is dropped rather than logged or stored. */
    public static Optional<String> correlation(String header) {
        return header != null && ACCEPTABLE.matcher(header).matches() ? Optional.of(header) : Optional.empty();
    }
}
