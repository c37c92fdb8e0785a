package dev.gemgate.adapter.web.admin;

import dev.gemgate.application.upstream.AddUpstreamCredential;
import dev.gemgate.application.upstream.ChangeUpstreamCredential;
import dev.gemgate.application.upstream.DeleteUpstreamCredential;
import dev.gemgate.application.upstream.GetUpstreamCredential;
import dev.gemgate.application.upstream.ListUpstreamCredentials;
import dev.gemgate.application.upstream.ReadUpstreamHealth;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The upstream credential pool on the admin API: the Gemini API keys and Vertex AI projects Gemgate calls Google with.
 * A secret goes in once, on creation, and is never shown again (stored encrypted under the deployment's master key).
 * A rotation: add the new credential, drain the old one (no new calls; those in flight finish), disable it, delete it.
 * A change is in force on this instance at once and on the other replicas at their next reload. Every change is
 * audited by its use case, without the secret.
 */
@Path("/admin/api/v1/upstream-credentials")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Upstream credentials")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminUpstreamCredentialsResource {
    @Schema(name = "UpstreamCredentialList")
    public record ListView(List<UpstreamCredentialsJson.View> credentials) {
    }

    /** One credential's health on the replica that answers. */
    @Schema(name = "UpstreamCredentialHealth")
    public record HealthView(String id, String status, int weight,
                             @Schema(description = "calls in flight with it on this replica") int inFlight,
                             @Schema(description = "when Google rejected it (401/403): held out until then")
                             Instant heldOutUntil,
                             @Schema(description = "each model's circuit: CLOSED, HALF_OPEN or OPEN")
                             Map<String, String> circuits,
                             @Schema(description = "upstream calls made with it on this replica since it started")
                             long calls,
                             @Schema(description = "when the last of those calls began") Instant lastCallAt) {
        static HealthView of(CredentialPool.Health h) {
            Map<String, String> circuits = new TreeMap<>();
            h.circuits().forEach((model, state) -> circuits.put(model.value(), state.name()));
            return new HealthView(h.credential().value(), h.status().name(), h.weight(), h.inFlight(),
                    h.heldOutUntil().orElse(null), circuits, h.calls(), h.lastCallAt().orElse(null));
        }
    }

    @Schema(name = "UpstreamPoolHealth")
    public record PoolHealthView(@Schema(description = "whether some credential can serve (readiness)")
                                 boolean canServe, List<HealthView> credentials) {
    }

    private final ListUpstreamCredentials listCredentials;
    private final GetUpstreamCredential getCredential;
    private final AddUpstreamCredential addCredential;
    private final ChangeUpstreamCredential changeCredential;
    private final DeleteUpstreamCredential deleteCredential;
    private final ReadUpstreamHealth readHealth;
    private final SecurityIdentity identity;

    public AdminUpstreamCredentialsResource(ListUpstreamCredentials listCredentials,
                                            GetUpstreamCredential getCredential, AddUpstreamCredential addCredential,
                                            ChangeUpstreamCredential changeCredential,
                                            DeleteUpstreamCredential deleteCredential, ReadUpstreamHealth readHealth,
                                            SecurityIdentity identity) {
        this.readHealth = readHealth;
        this.listCredentials = listCredentials;
        this.getCredential = getCredential;
        this.addCredential = addCredential;
        this.changeCredential = changeCredential;
        this.deleteCredential = deleteCredential;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "List the pool's credentials in id order, without their secrets")
    @APIResponse(responseCode = "200", description = "The credentials",
            content = @Content(schema = @Schema(implementation = ListView.class)))
    public ListView list() {
        return new ListView(listCredentials.execute().stream().map(UpstreamCredentialsJson.View::of).toList());
    }

    @GET
    @Path("health")
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "The pool's health on the replica that answers: calls in flight, rejected credentials held "
            + "out, circuit states per model, and whether any credential can serve")
    @APIResponse(responseCode = "200", description = "The health",
            content = @Content(schema = @Schema(implementation = PoolHealthView.class)))
    public PoolHealthView health() {
        ReadUpstreamHealth.Result result = readHealth.execute();
        return new PoolHealthView(result.canServe(), result.credentials().stream().map(HealthView::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Add a Gemini API key or a Vertex AI project to the pool (ACTIVE at once)")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.Input.class)))
    @APIResponse(responseCode = "201", description = "Added",
            content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.View.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields (every one named, no secret quoted)",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    @APIResponse(responseCode = "409", description = "The id is taken",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response add(String body, @Context UriInfo uri, @Context ContainerRequestContext context,
                        @Context HttpServerRequest http) {
        UpstreamCredentialsJson.CredentialInput input = UpstreamCredentialsJson.credential(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        CredentialEntry added = addCredential.execute(new AddUpstreamCredential.Command(input.spec(),
                AdminRequests.actor(identity, http, context)));
        return Response.created(uri.getAbsolutePathBuilder().path(added.id().value()).build())
                .entity(UpstreamCredentialsJson.View.of(added)).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "One credential of the pool, without its secret")
    @APIResponse(responseCode = "200", description = "The credential",
            content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.View.class)))
    @APIResponse(responseCode = "404", description = "No such credential",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public UpstreamCredentialsJson.View get(@PathParam("id") String id) {
        return UpstreamCredentialsJson.View.of(getCredential.execute(credentialId(id)));
    }

    @POST
    @Path("{id}/drain")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Drain a credential: no new calls, those in flight finish (the middle step of a rotation)")
    @APIResponse(responseCode = "200", description = "The credential as it now is",
            content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.View.class)))
    public UpstreamCredentialsJson.View drain(@PathParam("id") String id, @Context ContainerRequestContext context,
                                              @Context HttpServerRequest http) {
        return setStatus(id, CredentialStatus.DRAINING, context, http);
    }

    @POST
    @Path("{id}/disable")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Disable a credential: never used until enabled again")
    @APIResponse(responseCode = "200", description = "The credential as it now is",
            content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.View.class)))
    public UpstreamCredentialsJson.View disable(@PathParam("id") String id, @Context ContainerRequestContext context,
                                                @Context HttpServerRequest http) {
        return setStatus(id, CredentialStatus.DISABLED, context, http);
    }

    @POST
    @Path("{id}/enable")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Enable a drained or disabled credential: ACTIVE again")
    @APIResponse(responseCode = "200", description = "The credential as it now is",
            content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.View.class)))
    public UpstreamCredentialsJson.View enable(@PathParam("id") String id, @Context ContainerRequestContext context,
                                               @Context HttpServerRequest http) {
        return setStatus(id, CredentialStatus.ACTIVE, context, http);
    }

    @PUT
    @Path("{id}/weight")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Set a credential's weight: its share of new calls among the usable credentials")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.WeightInput.class)))
    @APIResponse(responseCode = "200", description = "The credential as it now is",
            content = @Content(schema = @Schema(implementation = UpstreamCredentialsJson.View.class)))
    @APIResponse(responseCode = "400", description = "The weight is not from 1 to 1000",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response weight(@PathParam("id") String id, String body, @Context ContainerRequestContext context,
                           @Context HttpServerRequest http) {
        UpstreamCredentialsJson.ParsedWeight input = UpstreamCredentialsJson.weightBody(body);
        if (!input.errors().isEmpty()) {
            return AdminProblem.invalidFields(input.errors()).toResponse(context);
        }
        return Response.ok(UpstreamCredentialsJson.View.of(changeCredential.execute(new ChangeUpstreamCredential
                .Command(credentialId(id), Optional.empty(), Optional.of(input.weight()),
                AdminRequests.actor(identity, http, context))))).build();
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Delete a DISABLED credential and its secret (not the configured one)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "The credential is not DISABLED, or comes from the configuration",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response delete(@PathParam("id") String id, @Context ContainerRequestContext context,
                           @Context HttpServerRequest http) {
        deleteCredential.execute(new DeleteUpstreamCredential.Command(credentialId(id),
                AdminRequests.actor(identity, http, context)));
        return Response.noContent().build();
    }

    private UpstreamCredentialsJson.View setStatus(String id, CredentialStatus status,
                                                   ContainerRequestContext context, HttpServerRequest http) {
        return UpstreamCredentialsJson.View.of(changeCredential.execute(new ChangeUpstreamCredential.Command(
                credentialId(id), Optional.of(status), Optional.empty(), AdminRequests.actor(identity, http, context))));
    }

    static UpstreamCredentialId credentialId(String id) {
        try {
            return new UpstreamCredentialId(id);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No such upstream credential (an id has 1 to 64 letters, digits, '.', '_' "
                    + "or '-').");
        }
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
