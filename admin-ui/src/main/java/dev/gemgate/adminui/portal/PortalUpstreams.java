package dev.gemgate.adminui.portal;

import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.upstream.AddUpstreamCredential;
import dev.gemgate.application.upstream.ChangeUpstreamCredential;
import dev.gemgate.application.upstream.DeleteUpstreamCredential;
import dev.gemgate.application.upstream.GetUpstreamCredential;
import dev.gemgate.application.upstream.ListUpstreamCredentials;
import dev.gemgate.application.upstream.ReadUpstreamHealth;
import dev.gemgate.application.upstream.UpstreamCredentialSpec;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The upstream credential pool in the portal, through the admin API's use cases (every change audited with the
 * signed-in admin, never with the secret): the credentials with this replica's health of each (calls in flight, held
 * out after Google rejected it, circuit state per model), add one, drain, disable, enable and delete. A secret is typed
 * once into a password field and never rendered back, not even when the form comes back with an error. Deleting asks
 * for a confirmation on a page of its own (a plain link and form, no script). Viewers read; every write is
 * {@code @RolesAllowed(admin)}.
 */
@Path(PortalUpstreams.LIST)
@Produces(MediaType.TEXT_HTML)
@RunOnVirtualThread
public class PortalUpstreams {
    public static final String LIST = PortalSessionMechanism.PORTAL + "/upstreams";
    static final String SECTION = "upstreams";

    /** One circuit of a credential (per model) as this replica sees it. */
    public record Circuit(String model, String state) {
        public boolean open() {
            return state.equals(CircuitState.OPEN.name());
        }
    }

    /** One credential with its health on this replica; {@code health} is empty when this replica has not loaded it. */
    public record Row(CredentialEntry entry, Optional<CredentialPool.Health> health) {
        public String id() {
            return entry.id().value();
        }

        /** Where it calls: Google's default endpoint, the base URL, or the Vertex AI project and location. */
        public String target() {
            String where = entry.mode() == UpstreamCredential.Mode.VERTEX_AI
                    ? entry.vertexProject().orElse("?") + " / " + entry.vertexLocation().orElse("?")
                    : "Gemini API";
            return entry.baseUrl().map(url -> where + " at " + url).orElse(where);
        }

        public int inFlight() {
            return health.map(CredentialPool.Health::inFlight).orElse(0);
        }

        /** Upstream calls made with it on this replica since start-up. */
        public long calls() {
            return health.map(CredentialPool.Health::calls).orElse(0L);
        }

        public String lastCallAt() {
            return health.flatMap(CredentialPool.Health::lastCallAt).map(Object::toString).orElse(null);
        }

        public String heldOutUntil() {
            return health.flatMap(CredentialPool.Health::heldOutUntil).map(Object::toString).orElse(null);
        }

        public List<Circuit> circuits() {
            return health.map(h -> h.circuits().entrySet().stream()
                    .map(e -> new Circuit(e.getKey().value(), e.getValue().name()))
                    .sorted((a, b) -> a.model().compareTo(b.model())).toList()).orElse(List.of());
        }

        /** A word for the health column, by precedence: the admin's setting, then what this replica learnt. */
        public String healthSummary() {
            if (health.isEmpty()) {
                return "Not loaded on this replica yet";
            }
            CredentialPool.Health h = health.get();
            if (h.status() == CredentialStatus.DISABLED) {
                return "Not used (disabled)";
            }
            if (h.heldOutUntil().isPresent()) {
                return "Rejected by Google: held out";
            }
            if (h.status() == CredentialStatus.DRAINING) {
                return h.inFlight() == 0 ? "Drained: no calls in flight" : "Draining";
            }
            long open = h.circuits().values().stream().filter(s -> s == CircuitState.OPEN).count();
            if (open > 0 && open == h.circuits().size()) {
                return "Every circuit open";
            }
            return open > 0 ? "Serving, " + open + " circuit" + (open == 1 ? "" : "s") + " open" : "Serving";
        }

        /** Healthy, warning or bad: the colour of the health column. */
        public String healthLevel() {
            String summary = healthSummary();
            return summary.equals("Serving") ? "good"
                    : summary.startsWith("Rejected") || summary.startsWith("Every") ? "bad" : "warn";
        }

        public boolean canDrain() {
            return entry.status() == CredentialStatus.ACTIVE;
        }

        public boolean canDisable() {
            return entry.status() != CredentialStatus.DISABLED;
        }

        public boolean canEnable() {
            return entry.status() != CredentialStatus.ACTIVE;
        }

        /** Only an added credential, once disabled, is deleted (the use case refuses any other). */
        public boolean canDelete() {
            return entry.status() == CredentialStatus.DISABLED && entry.source() == CredentialSource.ADMIN;
        }
    }

    /** The add form's values as typed, never its secret, and its errors by field. */
    public record AddForm(String id, String mode, String weight, String baseUrl, String vertexProject,
                          String vertexLocation, Map<String, String> errors) {
        static AddForm empty() {
            return new AddForm("", UpstreamCredential.Mode.GEMINI_API_KEY.name(), "1", "", "", "", Map.of());
        }

        /** The error of {@code field}, or null. */
        public String error(String field) {
            return errors.get(field);
        }

        /** Whether the form came back with errors (its secret then has to be typed again). */
        public boolean rejected() {
            return !errors.isEmpty();
        }

        public boolean vertex() {
            return UpstreamCredential.Mode.VERTEX_AI.name().equals(mode);
        }
    }

    /** The page: the pool, the add form, a notice after a change, and a credential whose deletion awaits a yes. */
    public record View(boolean canServe, List<Row> rows, AddForm form, String notice, String problem,
                       Row confirmDelete) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(PortalPage page, View view);
    }

    private final ListUpstreamCredentials listCredentials;
    private final GetUpstreamCredential getCredential;
    private final AddUpstreamCredential addCredential;
    private final ChangeUpstreamCredential changeCredential;
    private final DeleteUpstreamCredential deleteCredential;
    private final ReadUpstreamHealth readHealth;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalUpstreams(ListUpstreamCredentials listCredentials, GetUpstreamCredential getCredential,
                           AddUpstreamCredential addCredential, ChangeUpstreamCredential changeCredential,
                           DeleteUpstreamCredential deleteCredential, ReadUpstreamHealth readHealth,
                           SecurityIdentity identity, GatewayInfo gateway) {
        this.listCredentials = listCredentials;
        this.getCredential = getCredential;
        this.addCredential = addCredential;
        this.changeCredential = changeCredential;
        this.deleteCredential = deleteCredential;
        this.readHealth = readHealth;
        this.identity = identity;
        this.gateway = gateway;
    }

    /**
     * The pool. {@code changed}/{@code deleted} name the credential the last change was about (its notice is built
     * from the store, not from the query); {@code delete} asks to confirm that credential's deletion.
     */
    @GET
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public TemplateInstance list(@QueryParam("changed") String changed, @QueryParam("deleted") String deleted,
                                 @QueryParam("delete") String delete) {
        List<Row> rows = rows();
        String notice = null;
        if (changed != null) {
            notice = rows.stream().filter(r -> r.id().equals(changed)).findFirst()
                    .map(r -> "Upstream credential " + r.id() + " is now " + r.entry().status() + ".").orElse(null);
        } else if (deleted != null && rows.stream().noneMatch(r -> r.id().equals(deleted))) {
            notice = "Upstream credential " + deleted + " deleted.";
        }
        Row confirm = delete == null || !identity.hasRole(PortalRoles.ADMIN) ? null
                : rows.stream().filter(r -> r.id().equals(delete)).findFirst().orElse(null);
        return page(rows, AddForm.empty(), notice, null, confirm);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response add(@RestForm String id, @RestForm String mode, @RestForm String apiKey,
                        @RestForm String serviceAccountJson, @RestForm String weight, @RestForm String baseUrl,
                        @RestForm String vertexProject, @RestForm String vertexLocation,
                        @Context HttpServerRequest http) {
        AddForm typed = new AddForm(text(id), text(mode).toUpperCase(Locale.ROOT), text(weight), text(baseUrl),
                text(vertexProject), text(vertexLocation), Map.of());
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<UpstreamCredential.Mode> chosen = mode(typed.mode());
        if (chosen.isEmpty()) {
            errors.put(UpstreamCredentialSpec.MODE, "choose GEMINI_API_KEY or VERTEX_AI");
        }
        int parsedWeight = 1;
        try {
            parsedWeight = Integer.parseInt(typed.weight());
        } catch (NumberFormatException e) {
            errors.put(UpstreamCredentialSpec.WEIGHT, "must be a whole number from 1 to " + CredentialEntry.MAX_WEIGHT);
        }
        if (chosen.isPresent()) {
            boolean vertex = chosen.get() == UpstreamCredential.Mode.VERTEX_AI;
            String otherSecret = vertex ? apiKey : serviceAccountJson;
            if (otherSecret != null && !otherSecret.isBlank()) {
                errors.put(vertex ? UpstreamCredentialSpec.API_KEY : UpstreamCredentialSpec.SERVICE_ACCOUNT_JSON,
                        "is not for " + chosen.get() + ": leave it empty");
            }
            UpstreamCredentialSpec spec = new UpstreamCredentialSpec(typed.id(), chosen.get(),
                    vertex ? serviceAccountJson : apiKey, parsedWeight, optional(typed.baseUrl()),
                    optional(typed.vertexProject()), optional(typed.vertexLocation()));
            spec.problems().forEach(errors::putIfAbsent);
            if (errors.isEmpty()) {
                try {
                    CredentialEntry added = addCredential.execute(new AddUpstreamCredential.Command(spec,
                            PortalActors.actor(identity, http)));
                    return Response.seeOther(URI.create(LIST + "?changed=" + query(added.id().value()))).build();
                } catch (InvalidRequestException e) {
                    errors.put(e.field().orElse(UpstreamCredentialSpec.ID),
                            e.field().isPresent() ? e.problem() : e.getMessage());
                } catch (ConflictException e) {
                    errors.put(UpstreamCredentialSpec.ID, "is taken by another credential of the pool");
                }
            }
        }
        AddForm rejected = new AddForm(typed.id(), typed.mode(), typed.weight(), typed.baseUrl(),
                typed.vertexProject(), typed.vertexLocation(), errors);
        return Response.status(400).entity(page(rows(), rejected, null, null, null)).build();
    }

    /** Drain (no new calls), disable (never used) or enable (ACTIVE again) a credential. */
    @POST
    @Path("status")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response status(@RestForm String id, @RestForm String status, @Context HttpServerRequest http) {
        UpstreamCredentialId credential = credentialId(id);
        CredentialStatus wanted;
        try {
            wanted = CredentialStatus.valueOf(text(status).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Response.status(400).entity(page(rows(), AddForm.empty(), null,
                    "A credential's status is ACTIVE, DRAINING or DISABLED.", null)).build();
        }
        changeCredential.execute(new ChangeUpstreamCredential.Command(credential, Optional.of(wanted),
                Optional.empty(), PortalActors.actor(identity, http)));
        return Response.seeOther(URI.create(LIST + "?changed=" + query(credential.value()))).build();
    }

    /** Deletes a disabled, added credential once the admin confirmed it; any other answers 409 with the reason. */
    @POST
    @Path("delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response delete(@RestForm String id, @Context HttpServerRequest http) {
        UpstreamCredentialId credential = credentialId(id);
        try {
            deleteCredential.execute(new DeleteUpstreamCredential.Command(credential,
                    PortalActors.actor(identity, http)));
        } catch (ConflictException e) {
            return Response.status(409).entity(page(rows(), AddForm.empty(), null, e.getMessage(), null)).build();
        }
        return Response.seeOther(URI.create(LIST + "?deleted=" + query(credential.value()))).build();
    }

    private List<Row> rows() {
        Map<UpstreamCredentialId, CredentialPool.Health> health = readHealth.execute().credentials().stream()
                .collect(Collectors.toMap(CredentialPool.Health::credential, Function.identity(), (a, b) -> a));
        return listCredentials.execute().stream()
                .map(entry -> new Row(entry, Optional.ofNullable(health.get(entry.id())))).toList();
    }

    private TemplateInstance page(List<Row> rows, AddForm form, String notice, String problem, Row confirmDelete) {
        return Templates.list(PortalPage.of("Upstream credentials", SECTION, identity, gateway),
                new View(readHealth.execute().canServe(), rows, form, notice, problem, confirmDelete));
    }

    private UpstreamCredentialId credentialId(String id) {
        try {
            UpstreamCredentialId credential = new UpstreamCredentialId(text(id));
            getCredential.execute(credential);
            return credential;
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("No such upstream credential.");
        }
    }

    private static Optional<UpstreamCredential.Mode> mode(String text) {
        for (UpstreamCredential.Mode mode : UpstreamCredential.Mode.values()) {
            if (mode.name().equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }

    private static Optional<String> optional(String value) {
        return Optional.of(value).filter(v -> !v.isEmpty());
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A missing credential is a 404 page, a refused change a 400 or 409: never a 500. */
    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return PortalErrorPages.plain(e);
    }
}
