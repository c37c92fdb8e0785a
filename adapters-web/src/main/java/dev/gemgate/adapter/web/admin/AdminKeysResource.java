package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gemgate.application.tenant.ApiKeyView;
import dev.gemgate.application.tenant.ChangeApiKeyScopes;
import dev.gemgate.application.tenant.GetApiKey;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.application.tenant.RevokeApiKey;
import dev.gemgate.application.tenant.RotateApiKey;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A tenant's API keys on the admin API: issue (the secret is in the answer once), list, get, rotate with a grace
 * period, revoke, and change scopes. Never the secret again, never the hash. Every change is audited by its use case.
 */
@Path("/admin/api/v1/tenants/{tenantId}/keys")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "API keys")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "404", description = "No such tenant or key",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminKeysResource {
    /** What a key may be used for; every list empty or absent means no restriction there. */
    @Schema(name = "KeyScopes")
    public record ScopesBody(@Schema(description = "exact model names or prefixes such as gemini-3.*",
                                     example = "[\"gemini-2.5-flash\",\"gemini-3.*\"]") List<String> models,
                             @Schema(description = "GEMINI, OPENAI, EMBEDDINGS, BATCH, USAGE") List<String> surfaces,
                             @Schema(description = "client addresses allowed, as CIDR blocks (IPv4 or IPv6)",
                                     example = "[\"10.0.0.0/8\"]") List<String> addresses) {
        KeyScopes toDomain() {
            return ChangeApiKeyScopes.scopes(orEmpty(models), orEmpty(surfaces), orEmpty(addresses));
        }

        static ScopesBody of(KeyScopes scopes) {
            return new ScopesBody(scopes.modelTexts(), scopes.surfaceTexts(), scopes.addressTexts());
        }

        private static List<String> orEmpty(List<String> list) {
            return list == null ? List.of() : list;
        }
    }

    @Schema(name = "IssueKey")
    public record IssueRequest(@Schema(required = true, example = "ci pipeline") String name,
                               @Schema(description = "ISO-8601 instant after which the key is refused")
                               String expiresAt, ScopesBody scopes) {
    }

    @Schema(name = "RotateKey")
    public record RotateRequest(@Schema(description = "how long the old key keeps working, ISO-8601 (PT24H) or "
            + "seconds; 0 ends it at once; at most 30 days", example = "PT24H") String gracePeriod,
                                @Schema(description = "ISO-8601 expiry of the new key") String expiresAt) {
    }

    /** A key as the admin API shows it: never its secret or hash. */
    @Schema(name = "ApiKey")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyView(String id, String tenantId, String name, String prefix,
                          @Schema(enumeration = {"ACTIVE", "EXPIRED", "REVOKED"}) String status, String createdAt,
                          String lastUsedAt, String expiresAt, String revokedAt, ScopesBody scopes) {
        static KeyView of(ApiKeyView key) {
            return new KeyView(key.id().toString(), key.tenant().toString(), key.label(), key.prefix(),
                    key.status().name(), key.createdAt().toString(), text(key.lastUsedAt()), text(key.expiresAt()),
                    text(key.revokedAt()), ScopesBody.of(key.scopes()));
        }

        private static String text(Optional<Instant> instant) {
            return instant.map(Instant::toString).orElse(null);
        }
    }

    /** A newly issued key with its secret, shown this once; on rotation, also the key it replaces. */
    @Schema(name = "IssuedKey")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IssuedView(KeyView key, @Schema(description = "the API key itself: shown once, store it now")
                             String secret, KeyView replaces) {
    }

    @Schema(name = "KeyList")
    public record KeyList(List<KeyView> keys) {
    }

    private final IssueApiKey issueApiKey;
    private final ListApiKeys listApiKeys;
    private final GetApiKey getApiKey;
    private final RotateApiKey rotateApiKey;
    private final RevokeApiKey revokeApiKey;
    private final ChangeApiKeyScopes changeScopes;
    private final SecurityIdentity identity;

    public AdminKeysResource(IssueApiKey issueApiKey, ListApiKeys listApiKeys, GetApiKey getApiKey,
                             RotateApiKey rotateApiKey, RevokeApiKey revokeApiKey, ChangeApiKeyScopes changeScopes,
                             SecurityIdentity identity) {
        this.issueApiKey = issueApiKey;
        this.listApiKeys = listApiKeys;
        this.getApiKey = getApiKey;
        this.rotateApiKey = rotateApiKey;
        this.revokeApiKey = revokeApiKey;
        this.changeScopes = changeScopes;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Issue a key; its secret is in this answer and never again")
    @APIResponse(responseCode = "201", description = "Issued",
            content = @Content(schema = @Schema(implementation = IssuedView.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response issue(@PathParam("tenantId") String tenantId, IssueRequest request, @Context UriInfo uri,
                          @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        if (request == null || request.name() == null || request.name().isBlank()) {
            return AdminProblem.invalidFields(List.of(new AdminProblem.FieldError("name", "is required")))
                    .toResponse(context);
        }
        IssueApiKey.Issued issued = issueApiKey.execute(new IssueApiKey.Command(tenant(tenantId), request.name(),
                instant("expiresAt", request.expiresAt()),
                request.scopes() == null ? KeyScopes.UNRESTRICTED : request.scopes().toDomain(),
                AdminRequests.actor(identity, http, context)));
        return Response.created(uri.getAbsolutePathBuilder().path(issued.key().id().toString()).build())
                .entity(new IssuedView(KeyView.of(issued.view()), issued.secret().reveal(), null)).build();
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "List a tenant's keys")
    @APIResponse(responseCode = "200", description = "The keys",
            content = @Content(schema = @Schema(implementation = KeyList.class)))
    public KeyList list(@PathParam("tenantId") String tenantId) {
        return new KeyList(listApiKeys.execute(new ListApiKeys.Query(tenant(tenantId))).stream().map(KeyView::of)
                .toList());
    }

    @GET
    @Path("{keyId}")
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "Get a key")
    @APIResponse(responseCode = "200", description = "The key",
            content = @Content(schema = @Schema(implementation = KeyView.class)))
    public KeyView get(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId) {
        return KeyView.of(getApiKey.execute(new GetApiKey.Query(tenant(tenantId), key(keyId))));
    }

    @POST
    @Path("{keyId}/rotate")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Rotate a key: a new key works at once, the old one until its grace period ends")
    @APIResponse(responseCode = "201", description = "The new key (with its secret, shown once) and the old one",
            content = @Content(schema = @Schema(implementation = IssuedView.class)))
    @APIResponse(responseCode = "409", description = "The key is revoked or expired",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public Response rotate(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId,
                           RotateRequest request, @Context UriInfo uri, @Context ContainerRequestContext context,
                           @Context HttpServerRequest http) {
        RotateRequest body = request == null ? new RotateRequest(null, null) : request;
        RotateApiKey.Result result = rotateApiKey.execute(new RotateApiKey.Command(tenant(tenantId), key(keyId),
                grace(body.gracePeriod()), instant("expiresAt", body.expiresAt()),
                AdminRequests.actor(identity, http, context)));
        IssueApiKey.Issued replacement = result.replacement();
        return Response.created(uri.getBaseUriBuilder().path("admin/api/v1/tenants").path(tenantId).path("keys")
                        .path(replacement.key().id().toString()).build())
                .entity(new IssuedView(KeyView.of(replacement.view()), replacement.secret().reveal(),
                        KeyView.of(result.previous()))).build();
    }

    @POST
    @Path("{keyId}/revoke")
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Revoke a key at once")
    @APIResponse(responseCode = "200", description = "The revoked key",
            content = @Content(schema = @Schema(implementation = KeyView.class)))
    public KeyView revoke(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId,
                          @Context ContainerRequestContext context, @Context HttpServerRequest http) {
        return KeyView.of(revokeApiKey.execute(new RevokeApiKey.Command(tenant(tenantId), key(keyId),
                AdminRequests.actor(identity, http, context))));
    }

    @PUT
    @Path("{keyId}/scopes")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(AdminRoles.ADMIN)
    @Operation(summary = "Replace a key's scopes (models, surfaces, client addresses)")
    @APIResponse(responseCode = "200", description = "The key",
            content = @Content(schema = @Schema(implementation = KeyView.class)))
    public KeyView changeScopes(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId,
                                ScopesBody scopes, @Context ContainerRequestContext context,
                                @Context HttpServerRequest http) {
        return KeyView.of(changeScopes.execute(new ChangeApiKeyScopes.Command(tenant(tenantId), key(keyId),
                scopes == null ? KeyScopes.UNRESTRICTED : scopes.toDomain(),
                AdminRequests.actor(identity, http, context))));
    }

    private static TenantId tenant(String id) {
        return AdminTenantsResource.tenantId(id);
    }

    static ApiKeyId key(String id) {
        try {
            return new ApiKeyId(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No key " + id + ".");
        }
    }

    private static Optional<Instant> instant(String field, String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text.strip()));
        } catch (DateTimeParseException e) {
            throw InvalidRequestException.forField(field, "must be an ISO-8601 instant such as 2027-01-31T00:00:00Z");
        }
    }

    /** ISO-8601 ({@code PT24H}) or whole seconds; absent: 24 hours. */
    private static Duration grace(String text) {
        if (text == null || text.isBlank()) {
            return Duration.ofHours(24);
        }
        String value = text.strip();
        try {
            return value.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw InvalidRequestException.forField("gracePeriod",
                    "must be an ISO-8601 duration such as PT24H, or seconds");
        }
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
