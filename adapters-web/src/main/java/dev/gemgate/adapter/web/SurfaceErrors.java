package dev.gemgate.adapter.web;

import dev.gemgate.domain.common.DomainException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * How one tenant API surface writes its refusals, each in its own envelope: Gemini's on the Gemini-native surface,
 * OpenAI's on the OpenAI-compatible one. {@link TenantExceptionMappers} picks the surface of each failed request.
 */
public interface SurfaceErrors {
    /** A typed domain failure (bad input, key, scope, quota, budget, upstream). */
    Response domain(DomainException e, ContainerRequestContext request);

    /** No resource at this path. */
    Response noRoute(ContainerRequestContext request);

    /** A resource at this path, but not for this method; {@code allow} is the allowed methods' header, if known. */
    Response methodNotAllowed(ContainerRequestContext request, String allow);

    /** The framework refused the request with this 4xx status (unreadable body, unsupported media type, too large). */
    Response rejected(int status, ContainerRequestContext request);

    /** Anything unexpected: a 500 without internals (the caller logged it with the request id). */
    Response internal(ContainerRequestContext request);
}
