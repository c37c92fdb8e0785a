package dev.gemgate.adminui.portal;

import dev.gemgate.application.audit.AuditLogFilters;
import dev.gemgate.application.audit.SearchAuditLog;
import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.tenant.ApiKeyView;
import dev.gemgate.application.tenant.ChangeApiKeyScopes;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.application.tenant.DeleteTenant;
import dev.gemgate.application.tenant.GetTenant;
import dev.gemgate.application.tenant.IssueApiKey;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.application.tenant.ListTenants;
import dev.gemgate.application.tenant.ResumeTenant;
import dev.gemgate.application.tenant.RevokeApiKey;
import dev.gemgate.application.tenant.RotateApiKey;
import dev.gemgate.application.tenant.SuspendTenant;
import dev.gemgate.application.tenant.UpdateTenant;
import dev.gemgate.domain.audit.AdminDetails;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.ApiSurface;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.tenant.TenantPage;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Tenants and their API keys in the portal, through the same use cases as the admin API (so every change is audited
 * with the signed-in admin): list, create, edit, suspend, resume and delete tenants; issue, rotate, revoke and scope
 * keys; the tenant's recent audit events. Viewers read; every write is {@code @RolesAllowed(admin)}, so a viewer's
 * forged form post is refused with 403 even though their pages show no write controls. Pages have fixed paths (the
 * tenant's id is a query parameter) because Quarkus's CSRF filter issues its token on a fixed list of paths.
 *
 * <p>Rules stay in the use cases and the domain: when one refuses a form, the portal finds the field at fault by
 * asking the same domain constructor about each field alone ({@link #profileErrors}, {@link #scopeErrors}), so the
 * error shows next to that field.
 */
@Path(PortalSessionMechanism.PORTAL)
@Produces(MediaType.TEXT_HTML)
@RunOnVirtualThread
public class PortalTenants {
    public static final String LIST = PortalSessionMechanism.PORTAL + "/tenants";
    public static final String DETAIL = PortalSessionMechanism.PORTAL + "/tenant";
    static final int PAGE_SIZE = 20;
    /** How many of a tenant's audit events its page shows (the audit log page has them all). */
    static final int RECENT_EVENTS = 10;
    /** Grace periods offered when rotating a key, in hours. */
    static final List<Integer> GRACE_HOURS = List.of(0, 1, 24, 72, 168);
    static final List<String> SURFACES = Arrays.stream(ApiSurface.values()).map(ApiSurface::name).toList();

    /** A form's rejected input: which field, and why, shown next to it. */
    public record FieldError(String field, String message) {
    }

    /** A tenant's list page: one page of tenants, the search, and the create form's state. */
    public record ListView(List<Tenant> tenants, long total, String search, int offset, Integer previousOffset,
                           Integer nextOffset, String name, String displayName, Optional<FieldError> error,
                           String deleted) {
        /** The create form's error about the name, or null. */
        public String nameError() {
            return error.filter(e -> !e.field().equals("displayName")).map(FieldError::message).orElse(null);
        }

        public String displayNameError() {
            return error.filter(e -> e.field().equals("displayName")).map(FieldError::message).orElse(null);
        }

        /** The search as a query parameter's value, for the paging links. */
        public String searchParam() {
            return URLEncoder.encode(search, StandardCharsets.UTF_8);
        }

        public int first() {
            return tenants.isEmpty() ? 0 : offset + 1;
        }

        public int last() {
            return offset + tenants.size();
        }
    }

    /**
     * A key in the tenant's keys table, with the state of its scopes form: the submitted text and the errors when
     * that form was refused, else the key's own scopes.
     */
    public record KeyRow(ApiKeyView key, String models, Set<String> surfaces, String addresses,
                         Map<String, String> errors) {
        public boolean hasSurface(String surface) {
            return surfaces.contains(surface);
        }

        public String error(String field) {
            return errors.get(field);
        }

        /** The scopes form is open when it was refused, so its errors show without JavaScript. */
        public boolean open() {
            return !errors.isEmpty();
        }

        public boolean active() {
            return key.status() == ApiKeyView.Status.ACTIVE;
        }
    }

    /** One line of the tenant's recent audit events: for an admin action, the admin's name. */
    public record EventRow(Instant at, String type, String actor, String detail) {
        static EventRow of(AuditEvent event) {
            return new EventRow(event.occurredAt(), event.type().name(),
                    event.admin().map(AdminDetails::actorName).orElse(event.actor()), event.detail());
        }
    }

    /**
     * The tenant detail page: the tenant, its keys, its recent audit events, and the forms' state ({@code values}
     * as submitted when a form was refused, else the tenant's own; {@code errors} by field).
     */
    public record DetailView(Tenant tenant, List<KeyRow> keys, List<EventRow> events, boolean moreEvents,
                             Map<String, String> values, Set<String> issueSurfaces, Map<String, String> errors,
                             List<String> surfaceNames, List<Integer> graceHours) {
        public String error(String field) {
            return errors.get(field);
        }

        public String value(String field) {
            return values.getOrDefault(field, "");
        }

        public boolean issueSurface(String surface) {
            return issueSurfaces.contains(surface);
        }

        public boolean suspended() {
            return tenant.status() == dev.gemgate.domain.tenant.TenantStatus.SUSPENDED;
        }

        public List<Map.Entry<String, String>> metadata() {
            return List.copyOf(tenant.metadata().entrySet());
        }
    }

    /** A key shown once, right after it was issued or rotated. */
    public record RevealedKey(String secret, String label, String prefix, String replacedPrefix) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(PortalPage page, ListView view);

        static native TemplateInstance detail(PortalPage page, DetailView view);

        static native TemplateInstance revealed(PortalPage page, Tenant tenant, RevealedKey key);

    }

    private final ListTenants listTenants;
    private final GetTenant getTenant;
    private final CreateTenant createTenant;
    private final UpdateTenant updateTenant;
    private final SuspendTenant suspendTenant;
    private final ResumeTenant resumeTenant;
    private final DeleteTenant deleteTenant;
    private final ListApiKeys listApiKeys;
    private final IssueApiKey issueApiKey;
    private final RotateApiKey rotateApiKey;
    private final RevokeApiKey revokeApiKey;
    private final ChangeApiKeyScopes changeScopes;
    private final SearchAuditLog searchAuditLog;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalTenants(ListTenants listTenants, GetTenant getTenant, CreateTenant createTenant,
                         UpdateTenant updateTenant, SuspendTenant suspendTenant, ResumeTenant resumeTenant,
                         DeleteTenant deleteTenant, ListApiKeys listApiKeys, IssueApiKey issueApiKey,
                         RotateApiKey rotateApiKey, RevokeApiKey revokeApiKey, ChangeApiKeyScopes changeScopes,
                         SearchAuditLog searchAuditLog, SecurityIdentity identity, GatewayInfo gateway) {
        this.listTenants = listTenants;
        this.getTenant = getTenant;
        this.createTenant = createTenant;
        this.updateTenant = updateTenant;
        this.suspendTenant = suspendTenant;
        this.resumeTenant = resumeTenant;
        this.deleteTenant = deleteTenant;
        this.listApiKeys = listApiKeys;
        this.issueApiKey = issueApiKey;
        this.rotateApiKey = rotateApiKey;
        this.revokeApiKey = revokeApiKey;
        this.changeScopes = changeScopes;
        this.searchAuditLog = searchAuditLog;
        this.identity = identity;
        this.gateway = gateway;
    }

    @GET
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public Response home() {
        return Response.seeOther(URI.create(PortalDashboard.PATH)).build();
    }

    @GET
    @Path("tenants")
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public TemplateInstance list(@QueryParam("search") String search,
                                 @QueryParam("offset") @DefaultValue("0") int offset,
                                 @QueryParam("deleted") String deleted) {
        return listPage(search, Math.max(0, offset), "", "", Optional.empty(), deleted);
    }

    @POST
    @Path("tenants")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response create(@RestForm String name, @RestForm String displayName, @Context HttpServerRequest http) {
        String givenName = name == null ? "" : name;
        String givenDisplay = displayName == null ? "" : displayName;
        try {
            Tenant tenant = createTenant.execute(new CreateTenant.Command(givenName,
                    Optional.of(givenDisplay).filter(d -> !d.isBlank()), Optional.empty(), Map.of(),
                    PortalActors.actor(identity, http)));
            return toDetail(tenant.id());
        } catch (InvalidRequestException e) {
            String field = e.field().orElse("name");
            String message = e.field().isPresent() ? e.problem() : e.getMessage();
            return Response.status(400).entity(listPage("", 0, givenName, givenDisplay,
                    Optional.of(new FieldError(field, message)), null)).build();
        } catch (ConflictException e) {
            return Response.status(409).entity(listPage("", 0, givenName, givenDisplay,
                    Optional.of(new FieldError("name", "is taken: " + e.getMessage())), null)).build();
        }
    }

    @GET
    @Path("tenant")
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public Response detail(@QueryParam("id") String id) {
        return Response.ok(detailPage(tenantId(id), FormState.NONE)).build();
    }

    /** Replaces the display name, contact and metadata (one {@code key=value} a line), as the admin API's PATCH. */
    @POST
    @Path("tenant/edit")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response edit(@RestForm String tenant, @RestForm String displayName, @RestForm String contact,
                         @RestForm String metadata, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        Tenant current = getTenant.execute(new GetTenant.Query(tenantId));
        Map<String, String> submitted = Map.of("displayName", orEmpty(displayName), "contact", orEmpty(contact),
                "metadata", orEmpty(metadata));
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> entries = parseMetadata(orEmpty(metadata), errors);
        if (errors.isEmpty()) {
            try {
                updateTenant.execute(new UpdateTenant.Command(tenantId, orEmpty(displayName),
                        Optional.of(orEmpty(contact)), entries, PortalActors.actor(identity, http)));
                return toDetail(tenantId);
            } catch (InvalidRequestException e) {
                errors.putAll(profileErrors(current, orEmpty(displayName).strip(), orEmpty(contact).strip(),
                        entries));
                if (errors.isEmpty()) {
                    errors.put(e.field().filter(submitted::containsKey).orElse("displayName"),
                            e.field().isPresent() ? e.problem() : e.getMessage());
                }
            }
        } else {
            // the metadata could not be read: still say what is wrong with the other fields
            profileErrors(current, orEmpty(displayName).strip(), orEmpty(contact).strip(), current.metadata())
                    .forEach(errors::putIfAbsent);
        }
        return Response.status(400).entity(detailPage(tenantId, new FormState(submitted, Set.of(), errors,
                null, Map.of()))).build();
    }

    @POST
    @Path("tenant/suspend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response suspend(@RestForm String tenant, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        suspendTenant.execute(new SuspendTenant.Command(tenantId, PortalActors.actor(identity, http)));
        return toDetail(tenantId);
    }

    @POST
    @Path("tenant/resume")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response resume(@RestForm String tenant, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        resumeTenant.execute(new ResumeTenant.Command(tenantId, PortalActors.actor(identity, http)));
        return toDetail(tenantId);
    }

    /** Deletes the tenant once its name is typed in the confirmation field (a confirmation that needs no script). */
    @POST
    @Path("tenant/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response delete(@RestForm String tenant, @RestForm String confirmName, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        Tenant current = getTenant.execute(new GetTenant.Query(tenantId));
        if (!current.name().equals(orEmpty(confirmName).strip())) {
            return Response.status(400).entity(detailPage(tenantId, new FormState(
                    Map.of("confirmName", orEmpty(confirmName)), Set.of(),
                    Map.of("confirmName", "type the tenant's name, " + current.name() + ", to delete it"),
                    null, Map.of()))).build();
        }
        deleteTenant.execute(new DeleteTenant.Command(tenantId, PortalActors.actor(identity, http)));
        return Response.seeOther(URI.create(LIST + "?deleted="
                + URLEncoder.encode(current.name(), StandardCharsets.UTF_8))).build();
    }

    @POST
    @Path("tenant/keys")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response issue(@RestForm String tenant, @RestForm String label, @RestForm String models,
                          @RestForm List<String> surfaces, @RestForm String addresses, @RestForm String expiresOn,
                          @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        List<String> surfaceList = surfaces == null ? List.of() : surfaces;
        Map<String, String> submitted = Map.of("label", orEmpty(label), "models", orEmpty(models),
                "addresses", orEmpty(addresses), "expiresOn", orEmpty(expiresOn));
        Map<String, String> errors = new LinkedHashMap<>();
        if (orEmpty(label).isBlank()) {
            errors.put("label", "is required");
        }
        Optional<Instant> expiresAt = expiry(orEmpty(expiresOn), errors);
        Map<String, String> scopeErrors = scopeErrors(words(models), surfaceList, words(addresses));
        errors.putAll(scopeErrors);
        if (errors.isEmpty()) {
            try {
                IssueApiKey.Issued issued = issueApiKey.execute(new IssueApiKey.Command(tenantId, label.strip(),
                        expiresAt, ChangeApiKeyScopes.scopes(words(models), surfaceList, words(addresses)),
                        PortalActors.actor(identity, http)));
                return Response.ok(Templates.revealed(page("Key issued"),
                        getTenant.execute(new GetTenant.Query(tenantId)), new RevealedKey(issued.secret().reveal(),
                                issued.view().label(), issued.view().prefix(), null))).build();
            } catch (InvalidRequestException e) {
                String field = e.field().map(f -> f.equals("expiresAt") ? "expiresOn" : f)
                        .filter(submitted::containsKey).orElse("label");
                errors.put(field, e.field().isPresent() ? e.problem() : e.getMessage());
            }
        }
        return Response.status(400).entity(detailPage(tenantId, new FormState(submitted, Set.copyOf(surfaceList),
                errors, null, Map.of()))).build();
    }

    /** Replaces a key's scopes: models and addresses as lists (commas or spaces), surfaces as checkboxes. */
    @POST
    @Path("tenant/keys/scopes")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response scopes(@RestForm String tenant, @RestForm String key, @RestForm String models,
                           @RestForm List<String> surfaces, @RestForm String addresses,
                           @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        ApiKeyId keyId = keyId(key);
        List<String> surfaceList = surfaces == null ? List.of() : surfaces;
        Map<String, String> errors = scopeErrors(words(models), surfaceList, words(addresses));
        if (errors.isEmpty()) {
            try {
                changeScopes.execute(new ChangeApiKeyScopes.Command(tenantId, keyId,
                        ChangeApiKeyScopes.scopes(words(models), surfaceList, words(addresses)),
                        PortalActors.actor(identity, http)));
                return toDetail(tenantId);
            } catch (InvalidRequestException e) {
                errors = Map.of("models", e.field().isPresent() ? e.problem() : e.getMessage());
            }
        }
        Map<String, String> submitted = Map.of("models", orEmpty(models), "addresses", orEmpty(addresses));
        return Response.status(400).entity(detailPage(tenantId, new FormState(Map.of(), Set.of(), Map.of(),
                keyId, errors, submitted, Set.copyOf(surfaceList)))).build();
    }

    @POST
    @Path("tenant/keys/rotate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response rotate(@RestForm String tenant, @RestForm String key, @RestForm("graceHours") String graceHours,
                           @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        Optional<Integer> hours = parseHours(graceHours);
        if (hours.isEmpty()) {
            return Response.status(400).entity(detailPage(tenantId, new FormState(Map.of(), Set.of(),
                    Map.of("graceHours", "choose one of " + GRACE_HOURS + " hours"), null, Map.of()))).build();
        }
        RotateApiKey.Result result = rotateApiKey.execute(new RotateApiKey.Command(tenantId, keyId(key),
                Duration.ofHours(hours.get()), Optional.empty(), PortalActors.actor(identity, http)));
        IssueApiKey.Issued replacement = result.replacement();
        return Response.ok(Templates.revealed(page("Key rotated"), getTenant.execute(new GetTenant.Query(tenantId)),
                new RevealedKey(replacement.secret().reveal(), replacement.view().label(),
                        replacement.view().prefix(), result.previous().prefix()))).build();
    }

    @POST
    @Path("tenant/keys/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response revoke(@RestForm String tenant, @RestForm String key, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        revokeApiKey.execute(new RevokeApiKey.Command(tenantId, keyId(key), PortalActors.actor(identity, http)));
        return toDetail(tenantId);
    }

    /** The detail page's forms as submitted: the tenant/issue forms' values and errors, and one key's scope form. */
    private record FormState(Map<String, String> values, Set<String> issueSurfaces, Map<String, String> errors,
                             ApiKeyId scopedKey, Map<String, String> scopeErrors, Map<String, String> scopeValues,
                             Set<String> scopeSurfaces) {
        static final FormState NONE = new FormState(Map.of(), Set.of(), Map.of(), null, Map.of());

        FormState(Map<String, String> values, Set<String> issueSurfaces, Map<String, String> errors,
                  ApiKeyId scopedKey, Map<String, String> scopeErrors) {
            this(values, issueSurfaces, errors, scopedKey, scopeErrors, Map.of(), Set.of());
        }
    }

    private TemplateInstance listPage(String search, int offset, String name, String displayName,
                                      Optional<FieldError> error, String deleted) {
        String query = search == null ? "" : search.strip();
        TenantPage page = listTenants.execute(new ListTenants.Query(Optional.of(query).filter(s -> !s.isEmpty()),
                false, offset, PAGE_SIZE));
        long next = (long) offset + page.tenants().size();
        return Templates.list(page("Tenants"), new ListView(page.tenants(), page.total(), query, offset,
                offset > 0 ? Math.max(0, offset - PAGE_SIZE) : null, next < page.total() ? (int) next : null,
                name, displayName, error, deleted == null || deleted.isBlank() ? null : deleted.strip()));
    }

    private TemplateInstance detailPage(TenantId tenantId, FormState form) {
        Tenant tenant = getTenant.execute(new GetTenant.Query(tenantId));
        List<KeyRow> keys = listApiKeys.execute(new ListApiKeys.Query(tenantId)).stream()
                .map(key -> key.id().equals(form.scopedKey())
                        ? new KeyRow(key, form.scopeValues().get("models"), form.scopeSurfaces(),
                        form.scopeValues().get("addresses"), form.scopeErrors())
                        : new KeyRow(key, String.join(", ", key.scopes().modelTexts()),
                        Set.copyOf(key.scopes().surfaceTexts()), String.join(", ", key.scopes().addressTexts()),
                        Map.of()))
                .toList();
        SearchAuditLog.Result events = searchAuditLog.execute(new SearchAuditLog.Query(
                new AuditLogFilters(tenantId.toString(), null, null, null, null), String.valueOf(RECENT_EVENTS),
                null));
        Map<String, String> values = new HashMap<>(Map.of("displayName", tenant.displayName(),
                "contact", tenant.contact().orElse(""), "metadata", tenant.metadata().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"))));
        values.putAll(form.values());
        return Templates.detail(page(tenant.displayName()), new DetailView(tenant, keys,
                events.events().stream().map(EventRow::of).toList(), events.nextPageToken().isPresent(),
                values, form.issueSurfaces(), form.errors(), SURFACES, GRACE_HOURS));
    }

    /**
     * Which profile fields a refused update got wrong: the same domain rule ({@link Tenant#withProfile}) asked about
     * each field alone, the others kept as they are.
     */
    private static Map<String, String> profileErrors(Tenant current, String displayName, String contact,
                                                     Map<String, String> metadata) {
        Map<String, String> errors = new LinkedHashMap<>();
        refusedBy(() -> current.withProfile(displayName, current.contact(), current.metadata()))
                .ifPresent(m -> errors.put("displayName", m));
        refusedBy(() -> current.withProfile(current.displayName(),
                Optional.of(contact).filter(c -> !c.isEmpty()), current.metadata()))
                .ifPresent(m -> errors.put("contact", m));
        refusedBy(() -> current.withProfile(current.displayName(), current.contact(), metadata))
                .ifPresent(m -> errors.put("metadata", m));
        return errors;
    }

    /** Which scope fields are wrong: the domain's parser asked about each dimension alone. */
    private static Map<String, String> scopeErrors(List<String> models, List<String> surfaces,
                                                   List<String> addresses) {
        Map<String, String> errors = new LinkedHashMap<>();
        refusedBy(() -> KeyScopes.parse(models, List.of(), List.of()))
                .ifPresent(m -> errors.put("models", unprefixed("models", m)));
        refusedBy(() -> KeyScopes.parse(List.of(), surfaces, List.of()))
                .ifPresent(m -> errors.put("surfaces", unprefixed("surfaces", m)));
        refusedBy(() -> KeyScopes.parse(List.of(), List.of(), addresses))
                .ifPresent(m -> errors.put("addresses", unprefixed("addresses", m)));
        return errors;
    }

    /** The parser names the dimension before each refusal; next to the field that name is noise. */
    private static String unprefixed(String dimension, String message) {
        return message.replaceAll("(^|; )" + dimension + ": ", "$1");
    }

    private static Optional<String> refusedBy(Supplier<?> build) {
        try {
            build.get();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Metadata as typed: one {@code key=value} a line, blank lines ignored; the keys' rules are the domain's. */
    private static Map<String, String> parseMetadata(String text, Map<String, String> errors) {
        Map<String, String> entries = new LinkedHashMap<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 1) {
                errors.put("metadata", "line " + (i + 1) + " is not key=value");
                return Map.of();
            }
            String key = line.substring(0, equals).strip();
            if (entries.put(key, line.substring(equals + 1).strip()) != null) {
                errors.put("metadata", "line " + (i + 1) + " repeats the key " + key);
                return Map.of();
            }
        }
        return entries;
    }

    /** The optional expiry date: the key works through that whole day (UTC). */
    private static Optional<Instant> expiry(String text, Map<String, String> errors) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(text.strip()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            errors.put("expiresOn", "is not a date (2026-12-31)");
            return Optional.empty();
        }
    }

    /** A list typed into one field: entries separated by commas, spaces or new lines. */
    private static List<String> words(String text) {
        return List.copyOf(new LinkedHashSet<>(Arrays.stream(orEmpty(text).split("[,\\s]+"))
                .filter(s -> !s.isEmpty()).toList()));
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private PortalPage page(String title) {
        return PortalPage.of(title, "tenants", identity, gateway);
    }

    private static Response toDetail(TenantId tenant) {
        return Response.seeOther(URI.create(DETAIL + "?id=" + tenant)).build();
    }

    private static Optional<Integer> parseHours(String text) {
        try {
            int hours = Integer.parseInt(text == null ? "" : text.strip());
            return GRACE_HOURS.contains(hours) ? Optional.of(hours) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static TenantId tenantId(String id) {
        try {
            return new TenantId(UUID.fromString(id == null ? "" : id.strip()));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No tenant " + id + ".");
        }
    }

    private static ApiKeyId keyId(String id) {
        try {
            return new ApiKeyId(UUID.fromString(id == null ? "" : id.strip()));
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No key " + id + ".");
        }
    }

    /** A missing or deleted tenant, a missing key, a revoked key rotated: a portal page with the reason, never a 500. */
    @org.jboss.resteasy.reactive.server.ServerExceptionMapper
    public Response domain(DomainException e) {
        return PortalErrorPages.plain(e);
    }
}
