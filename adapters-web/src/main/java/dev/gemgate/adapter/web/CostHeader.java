package dev.gemgate.adapter.web;

import dev.gemgate.domain.common.Money;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * {@code x-gemgate-cost-usd}: what a tenant request was charged, as decimal US dollars with six decimals
 * ({@code 0.001234}; {@code 0.000000} for what costs nothing). A resource that charged something sets it on its
 * response; every other response of a {@link TenantSurface} (free calls, refusals, errors: a failed non-streamed call
 * is never charged) gets zero here. A stream's cost is only known at its end: it goes in an HTTP trailer of the same
 * name (see the adapters-web README), and a stream's headers announce it with {@code Trailer: x-gemgate-cost-usd}.
 */
public class CostHeader {
    public static final String NAME = "x-gemgate-cost-usd";

    public static String usd(Money cost) {
        return cost.toDollars().toPlainString();
    }

    @ServerResponseFilter
    public void zeroUnlessCharged(ContainerRequestContext request, ContainerResponseContext response,
                                  SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null
                || resource.getResourceClass().getAnnotation(TenantSurface.class) == null) {
            return;
        }
        if (!response.getHeaders().containsKey(NAME)) {
            response.getHeaders().putSingle(NAME, usd(Money.ZERO));
        }
    }
}
