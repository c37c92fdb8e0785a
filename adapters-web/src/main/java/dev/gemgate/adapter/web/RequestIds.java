package dev.gemgate.adapter.web;

import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.RequestId;

import java.util.regex.Pattern;

/** A caller may bring its own {@code x-request-id} (to correlate logs); anything odd is replaced by a fresh one. */
public final class RequestIds {
    public static final String HEADER = "x-request-id";
    static final String PROPERTY = "gemgate.requestId";
    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{8,128}");

    private RequestIds() {
    }

    public static RequestId fromHeaderOrNew(String header, IdGenerator ids) {
        return header != null && ACCEPTABLE.matcher(header).matches() ? new RequestId(header) : ids.newRequestId();
    }
}
