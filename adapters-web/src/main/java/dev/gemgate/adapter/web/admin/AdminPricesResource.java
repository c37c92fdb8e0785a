package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.pricing.AddModelPrice;
import dev.gemgate.application.pricing.ListPrices;
import dev.gemgate.application.pricing.PriceEntry;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.pricing.ModelPrice;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;

/**
 * The price catalog on the admin API. GET lists every price with its effective dates (past, in force, scheduled). POST
 * adds a model's price from an effective date that is not in the past; a price already in force is never updated or
 * deleted (there is no PUT or DELETE), and a model and date that already have a price are a 409. A new price is served
 * on this instance at once and on the other replicas within {@code gemgate.pricing.refresh}. Audited by the use case.
 */
@Path("/admin/api/v1/prices")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Prices")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminPricesResource {
    private final ListPrices listPrices;
    private final AddModelPrice addPrice;
    private final SecurityIdentity identity;

    public AdminPricesResource(ListPrices listPrices, AddModelPrice addPrice, SecurityIdentity identity) {
        this.listPrices = listPrices;
        this.addPrice = addPrice;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "Every price with its effective dates: past, in force and scheduled")
    @APIResponse(responseCode = "200", description = "The catalog, by model then date",
            content = @Content(schema = @Schema(implementation = PricesJson.PriceList.class)))
    public PricesJson.PriceList list() {
        return new PricesJson.PriceList(listPrices.execute().stream().map(PricesJson.Price::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Add a model's price from an effective date (now or later) on")
    @RequestBody(content = @Content(schema = @Schema(implementation = PricesJson.Price.class)))
    @APIResponse(responseCode = "201", description = "The price added",
            content = @Content(schema = @Schema(implementation = PricesJson.Price.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, or an effective date in the past",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    @APIResponse(responseCode = "409", description = "The model already has a price from that date",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response add(String body, @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        PricesJson.Input input = PricesJson.price(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        ModelPrice added = addPrice.execute(new AddModelPrice.Command(input.price(),
                AdminRequests.actor(identity, http, context)));
        PriceEntry entry = listPrices.execute().stream()
                .filter(e -> e.price().model().equals(added.model())
                        && e.price().effectiveFrom().equals(added.effectiveFrom()))
                .findFirst().orElseThrow();
        return Response.created(URI.create("/admin/api/v1/prices")).entity(PricesJson.Price.of(entry)).build();
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
