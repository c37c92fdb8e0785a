package dev.gemgate.adapter.web;

import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.RequestId;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Gives every request an id (the caller's {@code x-request-id} when sane), puts it in the log context, echoes it. */
public class RequestIdFilter {
    private final IdGenerator ids;

    public RequestIdFilter(IdGenerator ids) {
        this.ids = ids;
    }

    @ServerRequestFilter(preMatching = true)
    public void assignRequestId(ContainerRequestContext request) {
        RequestId id = RequestIds.fromHeaderOrNew(request.getHeaderString(RequestIds.HEADER), ids);
        request.setProperty(RequestIds.PROPERTY, id);
        MDC.put("requestId", id.value());
    }

    @ServerResponseFilter
    public void echoRequestId(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(RequestIds.PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(RequestIds.HEADER, id.toString());
        }
        MDC.remove("requestId");
        MDC.remove("tenantId");
    }

    public static RequestId of(ContainerRequestContext request) {
        return (RequestId) request.getProperty(RequestIds.PROPERTY);
    }
}
