package dev.gemgate.adapter.web;

import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.RequestId;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.Optional;

/** Gives every request a server id, keeps the caller's own id apart, puts both in the log context, echoes them. */
public class RequestIdFilter {
    private final IdGenerator ids;

    public RequestIdFilter(IdGenerator ids) {
        this.ids = ids;
    }

    @ServerRequestFilter(preMatching = true)
    public void assignRequestId(ContainerRequestContext request) {
        RequestId id = ids.newRequestId();
        Optional<String> correlation = RequestIds.correlation(request.getHeaderString(RequestIds.HEADER));
        request.setProperty(RequestIds.PROPERTY, id);
        request.setProperty(RequestIds.CORRELATION_PROPERTY, correlation);
        MDC.put("requestId", id.value());
        correlation.ifPresent(c -> MDC.put("correlationId", c));
    }

    @ServerResponseFilter
    public void echoRequestId(ContainerRequestContext request, ContainerResponseContext response) {
        Object id = request.getProperty(RequestIds.PROPERTY);
        if (id != null) {
            response.getHeaders().putSingle(RequestIds.SERVER_HEADER, id.toString());
            response.getHeaders().putSingle(RequestIds.HEADER, correlationOf(request).orElse(id.toString()));
        }
        MDC.remove("requestId");
        MDC.remove("correlationId");
        MDC.remove("tenantId");
    }

    public static RequestId of(ContainerRequestContext request) {
        return (RequestId) request.getProperty(RequestIds.PROPERTY);
    }

    @SuppressWarnings("unchecked")
    public static Optional<String> correlationOf(ContainerRequestContext request) {
        Object correlation = request.getProperty(RequestIds.CORRELATION_PROPERTY);
        return correlation == null ? Optional.empty() : (Optional<String>) correlation;
    }
}
