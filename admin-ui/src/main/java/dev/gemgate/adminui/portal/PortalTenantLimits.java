package dev.gemgate.adminui.portal;

import dev.gemgate.application.budget.AddBudget;
import dev.gemgate.application.budget.BudgetSpec;
import dev.gemgate.application.budget.ReadBudgetStandings;
import dev.gemgate.application.budget.RemoveBudget;
import dev.gemgate.application.budget.ReplaceBudget;
import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.application.tenant.ApiKeyRateLimits;
import dev.gemgate.application.tenant.ApiKeyView;
import dev.gemgate.application.tenant.ClearApiKeyRateLimits;
import dev.gemgate.application.tenant.ClearTenantRateLimits;
import dev.gemgate.application.tenant.GetApiKeyRateLimits;
import dev.gemgate.application.tenant.GetTenant;
import dev.gemgate.application.tenant.GetTenantRateLimits;
import dev.gemgate.application.tenant.ListApiKeys;
import dev.gemgate.application.tenant.SetApiKeyRateLimits;
import dev.gemgate.application.tenant.SetTenantRateLimits;
import dev.gemgate.application.tenant.TenantRateLimits;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetId;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.BudgetScope;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
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

import java.math.BigDecimal;
import java.net.URI;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A tenant's quotas and budgets in the portal ({@code /admin/ui/tenant/limits?id=}): its budgets with their spend in
 * the running period against the limit and the alert thresholds (add, replace, remove), and its rate limits, its own
 * and its keys' overrides beside the limits in force (set, clear). Through the admin API's use cases, so every change
 * is checked by the same rules and audited with the signed-in admin. Viewers read; every write is
 * {@code @RolesAllowed(admin)}. A refused field is shown next to itself, with status 400.
 */
@Path(PortalSessionMechanism.PORTAL + "/tenant/limits")
@Produces(MediaType.TEXT_HTML)
@RunOnVirtualThread
public class PortalTenantLimits {
    public static final String PAGE = PortalSessionMechanism.PORTAL + "/tenant/limits";
    /** The largest budget the form takes: the admin API's (a billion dollars). */
    static final BigDecimal MAX_DOLLARS = BigDecimal.valueOf(1_000_000_000L);
    static final List<String> LIMIT_FIELDS = List.of(LimitOverrides.REQUESTS_PER_MINUTE,
            LimitOverrides.TOKENS_PER_MINUTE, LimitOverrides.REQUESTS_PER_DAY, LimitOverrides.CONCURRENT_REQUESTS);
    private static final Map<String, String> LIMIT_LABELS = Map.of(
            LimitOverrides.REQUESTS_PER_MINUTE, "Requests per minute",
            LimitOverrides.TOKENS_PER_MINUTE, "Tokens per minute",
            LimitOverrides.REQUESTS_PER_DAY, "Requests per UTC day",
            LimitOverrides.CONCURRENT_REQUESTS, "Requests in flight at once");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** A choice of a select: its value and what it reads. */
    public record Choice(String value, String label) {
    }

    /** An alert threshold of a budget: its percentage, the amount it stands for, and whether the spend reached it. */
    public record Alert(int percent, String amount, boolean reached) {
    }

    /** One budget as the page shows it; {@code spent} is null for the every-end-user budget (no account of its own). */
    public record BudgetRow(String id, String scope, String whose, String period, String zone, String limit,
                            String limitDollars, String spent, String spentDollars, long percent, String resets,
                            List<Alert> alerts, String lowDollars, String highDollars) {
        public boolean hasSpend() {
            return spent != null;
        }

        public boolean over() {
            return percent >= 100;
        }
    }

    /** One of the four rate limits: the tenant's override and what is in force, alone and on each model. */
    public record LimitRow(String field, String label, String override, String inForce, String modelOverride,
                           String modelInForce) {
    }

    /** A key's override and the limits in force for it, in {@link #LIMIT_FIELDS} order. */
    public record KeyRow(String id, String label, String prefix, String status, List<String> override,
                         List<String> inForce, boolean overridden) {
    }

    /** Everything the page shows. */
    public record View(Tenant tenant, List<BudgetRow> budgets, List<LimitRow> limits, String priorityOverride,
                       String priorityInForce, boolean tenantOverridden, List<KeyRow> keys, List<Choice> keyChoices,
                       List<String> limitFields, Map<String, String> limitLabels, PortalFormState budgetForm,
                       PortalFormState tenantForm, PortalFormState keyForm) {
        public boolean editing() {
            return !budgetForm.value("budget").isEmpty();
        }

        public String limitLabel(String field) {
            return limitLabels.get(field);
        }

        /** The four limit fields of {@code form} for {@code scope} ({@code tenant}, {@code tenantModel}, {@code key}). */
        public List<Field> fields(PortalFormState form, String scope) {
            return limitFields.stream().map(f -> new Field(scope + "." + f, scope + "-" + f, limitLabels.get(f),
                    form.value(scope + "." + f), form.error(scope + "." + f))).toList();
        }
    }

    /** A field of a rate-limit form: its name, its element id, its label, its value and its error (or null). */
    public record Field(String name, String id, String label, String value, String error) {
        public boolean invalid() {
            return error != null;
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance limits(PortalPage page, View view, List<Choice> scopes, List<Choice> periods,
                                              List<Choice> priorities);
    }

    private final GetTenant getTenant;
    private final ListApiKeys listApiKeys;
    private final ReadBudgetStandings standings;
    private final AddBudget addBudget;
    private final ReplaceBudget replaceBudget;
    private final RemoveBudget removeBudget;
    private final GetTenantRateLimits getTenantLimits;
    private final SetTenantRateLimits setTenantLimits;
    private final ClearTenantRateLimits clearTenantLimits;
    private final GetApiKeyRateLimits getKeyLimits;
    private final SetApiKeyRateLimits setKeyLimits;
    private final ClearApiKeyRateLimits clearKeyLimits;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalTenantLimits(GetTenant getTenant, ListApiKeys listApiKeys, ReadBudgetStandings standings,
                              AddBudget addBudget, ReplaceBudget replaceBudget, RemoveBudget removeBudget,
                              GetTenantRateLimits getTenantLimits, SetTenantRateLimits setTenantLimits,
                              ClearTenantRateLimits clearTenantLimits, GetApiKeyRateLimits getKeyLimits,
                              SetApiKeyRateLimits setKeyLimits, ClearApiKeyRateLimits clearKeyLimits,
                              SecurityIdentity identity, GatewayInfo gateway) {
        this.getTenant = getTenant;
        this.listApiKeys = listApiKeys;
        this.standings = standings;
        this.addBudget = addBudget;
        this.replaceBudget = replaceBudget;
        this.removeBudget = removeBudget;
        this.getTenantLimits = getTenantLimits;
        this.setTenantLimits = setTenantLimits;
        this.clearTenantLimits = clearTenantLimits;
        this.getKeyLimits = getKeyLimits;
        this.setKeyLimits = setKeyLimits;
        this.clearKeyLimits = clearKeyLimits;
        this.identity = identity;
        this.gateway = gateway;
    }

    @GET
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public TemplateInstance page(@QueryParam("id") String id, @QueryParam("budget") String budget,
                                 @QueryParam("key") String key) {
        TenantId tenant = tenantId(id);
        PortalFormState budgetForm = budget == null || budget.isBlank() ? budgetDefaults()
                : storedBudget(tenant, budget);
        PortalFormState keyForm = key == null || key.isBlank() ? PortalFormState.empty() : storedKeyLimits(tenant, key);
        return render(tenant, budgetForm, null, keyForm);
    }

    @POST
    @Path("budgets")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response saveBudget(@RestForm String tenant, @RestForm String budget, @RestForm String scope,
                               @RestForm String apiKeyId, @RestForm String endUser, @RestForm String period,
                               @RestForm String zone, @RestForm String limitUsd, @RestForm String alertPercents,
                               @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("budget", text(budget));
        values.put(BudgetSpec.SCOPE, text(scope));
        values.put(BudgetSpec.API_KEY_ID, text(apiKeyId));
        values.put(BudgetSpec.END_USER, text(endUser));
        values.put("period", text(period));
        values.put("zone", text(zone));
        values.put(BudgetSpec.LIMIT_USD, text(limitUsd));
        values.put(BudgetSpec.ALERT_PERCENTS, text(alertPercents));
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<BudgetSpec> spec = budgetSpec(values, errors);
        int status = 400;
        if (spec.isPresent()) {
            try {
                if (values.get("budget").isEmpty()) {
                    addBudget.execute(new AddBudget.Command(tenantId, spec.get(), PortalActors.actor(identity, http)));
                } else {
                    replaceBudget.execute(new ReplaceBudget.Command(tenantId, budgetId(values.get("budget")),
                            spec.get(), PortalActors.actor(identity, http)));
                }
                return Response.seeOther(URI.create(PAGE + "?id=" + tenantId)).build();
            } catch (InvalidRequestException e) {
                errors.put(e.field().filter(values::containsKey).orElse(BudgetSpec.LIMIT_USD),
                        e.field().isPresent() ? e.problem() : e.getMessage());
            } catch (ConflictException e) {
                status = 409;
                errors.put("period", e.getMessage());
            }
        }
        return Response.status(status).entity(render(tenantId, new PortalFormState(values, errors), null,
                PortalFormState.empty())).build();
    }

    @POST
    @Path("budgets/remove")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response removeBudget(@RestForm String tenant, @RestForm String budget, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        removeBudget.execute(new RemoveBudget.Command(tenantId, budgetId(budget), PortalActors.actor(identity, http)));
        return Response.seeOther(URI.create(PAGE + "?id=" + tenantId)).build();
    }

    @POST
    @Path("rate-limits")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response setTenantLimits(@RestForm String tenant,
                                    @RestForm("tenant.requestsPerMinute") String requestsPerMinute,
                                    @RestForm("tenant.tokensPerMinute") String tokensPerMinute,
                                    @RestForm("tenant.requestsPerDay") String requestsPerDay,
                                    @RestForm("tenant.concurrentRequests") String concurrentRequests,
                                    @RestForm("tenantModel.requestsPerMinute") String modelRequestsPerMinute,
                                    @RestForm("tenantModel.tokensPerMinute") String modelTokensPerMinute,
                                    @RestForm("tenantModel.requestsPerDay") String modelRequestsPerDay,
                                    @RestForm("tenantModel.concurrentRequests") String modelConcurrentRequests,
                                    @RestForm String priority, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        Map<String, String> values = new LinkedHashMap<>();
        putLimits(values, "tenant", requestsPerMinute, tokensPerMinute, requestsPerDay, concurrentRequests);
        putLimits(values, "tenantModel", modelRequestsPerMinute, modelTokensPerMinute, modelRequestsPerDay,
                modelConcurrentRequests);
        values.put("priority", text(priority));
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<LimitOverrides> own = limits("tenant", values, errors);
        Optional<LimitOverrides> perModel = limits("tenantModel", values, errors);
        Optional<PriorityClass> chosen = Optional.empty();
        if (!values.get("priority").isEmpty()) {
            chosen = Arrays.stream(PriorityClass.values()).filter(p -> p.name().equals(values.get("priority")))
                    .findFirst();
            if (chosen.isEmpty()) {
                errors.put("priority", "choose HIGH, NORMAL or LOW, or inherit");
            }
        }
        if (errors.isEmpty()) {
            try {
                setTenantLimits.execute(new SetTenantRateLimits.Command(tenantId, own.orElseThrow(),
                        perModel.orElseThrow(), chosen, PortalActors.actor(identity, http)));
                return Response.seeOther(URI.create(PAGE + "?id=" + tenantId + "#rate-limits")).build();
            } catch (InvalidRequestException e) {
                errors.put(e.field().filter(values::containsKey).orElse("tenant.requestsPerMinute"),
                        e.field().isPresent() ? e.problem() : e.getMessage());
            }
        }
        return Response.status(400).entity(render(tenantId, budgetDefaults(), new PortalFormState(values, errors),
                PortalFormState.empty())).build();
    }

    @POST
    @Path("rate-limits/clear")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response clearTenantLimits(@RestForm String tenant, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        clearTenantLimits.execute(new ClearTenantRateLimits.Command(tenantId, PortalActors.actor(identity, http)));
        return Response.seeOther(URI.create(PAGE + "?id=" + tenantId + "#rate-limits")).build();
    }

    @POST
    @Path("key-rate-limits")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response setKeyLimits(@RestForm String tenant, @RestForm String key,
                                 @RestForm("key.requestsPerMinute") String requestsPerMinute,
                                 @RestForm("key.tokensPerMinute") String tokensPerMinute,
                                 @RestForm("key.requestsPerDay") String requestsPerDay,
                                 @RestForm("key.concurrentRequests") String concurrentRequests,
                                 @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("key", text(key));
        putLimits(values, "key", requestsPerMinute, tokensPerMinute, requestsPerDay, concurrentRequests);
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<ApiKeyId> keyId = parseUuid(values.get("key")).map(ApiKeyId::new);
        if (keyId.isEmpty()) {
            errors.put("key", "choose one of the tenant's keys");
        }
        Optional<LimitOverrides> limits = limits("key", values, errors);
        if (errors.isEmpty()) {
            try {
                setKeyLimits.execute(new SetApiKeyRateLimits.Command(tenantId, keyId.get(), limits.orElseThrow(),
                        PortalActors.actor(identity, http)));
                return Response.seeOther(URI.create(PAGE + "?id=" + tenantId + "#key-limits")).build();
            } catch (InvalidRequestException e) {
                errors.put(e.field().map(f -> "key." + f).filter(values::containsKey).orElse("key"),
                        e.field().isPresent() ? e.problem() : e.getMessage());
            } catch (NotFoundException e) {
                errors.put("key", "is not a key of this tenant");
            }
        }
        return Response.status(400).entity(render(tenantId, budgetDefaults(), null,
                new PortalFormState(values, errors))).build();
    }

    @POST
    @Path("key-rate-limits/clear")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response clearKeyLimits(@RestForm String tenant, @RestForm String key, @Context HttpServerRequest http) {
        TenantId tenantId = tenantId(tenant);
        ApiKeyId keyId = parseUuid(text(key)).map(ApiKeyId::new)
                .orElseThrow(() -> new NotFoundException("No key " + key + "."));
        clearKeyLimits.execute(new ClearApiKeyRateLimits.Command(tenantId, keyId, PortalActors.actor(identity, http)));
        return Response.seeOther(URI.create(PAGE + "?id=" + tenantId + "#key-limits")).build();
    }

    /** The page; a null tenant form shows the stored override. */
    private TemplateInstance render(TenantId tenantId, PortalFormState budgetForm, PortalFormState tenantForm,
                                    PortalFormState keyForm) {
        Tenant tenant = getTenant.execute(new GetTenant.Query(tenantId));
        List<ApiKeyView> keys = listApiKeys.execute(new ListApiKeys.Query(tenantId));
        Map<String, String> keyNames = new LinkedHashMap<>();
        keys.forEach(k -> keyNames.put(k.id().toString(), k.label() + " (" + k.prefix() + "…)"));
        List<BudgetRow> budgets = standings.execute(new ReadBudgetStandings.Query(tenantId)).stream()
                .map(s -> budgetRow(s, keyNames)).toList();
        TenantRateLimits limits = getTenantLimits.execute(new GetTenantRateLimits.Query(tenantId));
        List<LimitRow> rows = LIMIT_FIELDS.stream().map(f -> new LimitRow(f, LIMIT_LABELS.get(f),
                overridden(limits.override().tenantLimits(), f), inForce(limits.effective().tenant(), f),
                overridden(limits.override().tenantModelLimits(), f), inForce(limits.effective().tenantModel(), f)))
                .toList();
        List<KeyRow> keyRows = new ArrayList<>();
        for (ApiKeyView key : keys) {
            if (key.status() == ApiKeyView.Status.REVOKED) {
                continue;
            }
            ApiKeyRateLimits keyLimits = getKeyLimits.execute(new GetApiKeyRateLimits.Query(tenantId, key.id()));
            keyRows.add(new KeyRow(key.id().toString(), key.label(), key.prefix(), key.status().name(),
                    LIMIT_FIELDS.stream().map(f -> overridden(keyLimits.override().limits(), f)).toList(),
                    LIMIT_FIELDS.stream().map(f -> inForce(keyLimits.effective(), f)).toList(),
                    !keyLimits.override().isEmpty()));
        }
        PortalFormState shownTenantForm = tenantForm != null ? tenantForm : storedTenantLimits(limits);
        List<Choice> keyChoices = keyRows.stream().map(k -> new Choice(k.id(), keyNames.get(k.id()))).toList();
        View view = new View(tenant, budgets, rows, limits.override().priority().map(Enum::name).orElse("inherited"),
                limits.effective().priority().name(), !limits.override().isEmpty(), keyRows, keyChoices,
                LIMIT_FIELDS, LIMIT_LABELS, budgetForm, shownTenantForm, keyForm);
        return Templates.limits(PortalPage.of("Quotas and budgets · " + tenant.displayName(), "tenants", identity,
                gateway), view, choices(BudgetScope.values()), choices(BudgetPeriod.values()),
                choices(PriorityClass.values()));
    }

    private static BudgetRow budgetRow(ReadBudgetStandings.Standing standing, Map<String, String> keyNames) {
        Budget budget = standing.budget();
        String whose = switch (budget.scope()) {
            case TENANT -> "the whole tenant";
            case API_KEY -> "key " + keyNames.getOrDefault(budget.apiKey().orElseThrow().toString(),
                    budget.apiKey().orElseThrow().toString());
            case END_USER -> budget.endUser().orElseThrow().equals(Budget.EVERY_END_USER) ? "each end user"
                    : "end user " + budget.endUser().orElseThrow();
        };
        Money limit = budget.limit();
        List<Alert> alerts = budget.alertPercents().stream().map(p -> new Alert(p,
                PortalFigures.usd(Money.ofMicros(limit.micros() * p / 100)), standing.reachedAlerts().contains(p)))
                .toList();
        List<Integer> percents = budget.alertPercents();
        String low = percents.isEmpty() ? PortalFigures.plainDollars(limit)
                : PortalFigures.plainDollars(Money.ofMicros(limit.micros() * percents.getFirst() / 100));
        String high = percents.isEmpty() ? PortalFigures.plainDollars(limit)
                : PortalFigures.plainDollars(Money.ofMicros(limit.micros() * percents.getLast() / 100));
        return new BudgetRow(standing.stored().id().toString(), budget.scope().name(), whose,
                budget.period().name(), zoneName(budget.zone()), PortalFigures.usd(limit),
                PortalFigures.plainDollars(limit), standing.spent().map(PortalFigures::usd).orElse(null),
                standing.spent().map(PortalFigures::plainDollars).orElse(null), standing.percentUsed(),
                standing.resetsAt().map(WHEN::format).orElse("never"), alerts, low, high);
    }

    private PortalFormState budgetDefaults() {
        return new PortalFormState(Map.of(BudgetSpec.SCOPE, "TENANT", "period", "MONTHLY", "zone", "UTC",
                BudgetSpec.ALERT_PERCENTS, "50, 80, 100"), Map.of());
    }

    private PortalFormState storedBudget(TenantId tenant, String id) {
        BudgetId budgetId = budgetId(id);
        ReadBudgetStandings.Standing standing = standings.execute(new ReadBudgetStandings.Query(tenant)).stream()
                .filter(s -> s.stored().id().equals(budgetId)).findFirst()
                .orElseThrow(() -> new NotFoundException("No budget " + id + " for this tenant."));
        Budget budget = standing.budget();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("budget", budgetId.toString());
        values.put(BudgetSpec.SCOPE, budget.scope().name());
        values.put(BudgetSpec.API_KEY_ID, budget.apiKey().map(ApiKeyId::toString).orElse(""));
        values.put(BudgetSpec.END_USER, budget.endUser().orElse(""));
        values.put("period", budget.period().name());
        values.put("zone", zoneName(budget.zone()));
        values.put(BudgetSpec.LIMIT_USD, PortalFigures.plainDollars(budget.limit()));
        values.put(BudgetSpec.ALERT_PERCENTS, String.join(", ",
                budget.alertPercents().stream().map(String::valueOf).toList()));
        return new PortalFormState(values, Map.of());
    }

    private static PortalFormState storedTenantLimits(TenantRateLimits limits) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : LIMIT_FIELDS) {
            values.put("tenant." + field, overridden(limits.override().tenantLimits(), field));
            values.put("tenantModel." + field, overridden(limits.override().tenantModelLimits(), field));
        }
        values.put("priority", limits.override().priority().map(Enum::name).orElse(""));
        return new PortalFormState(values, Map.of());
    }

    private PortalFormState storedKeyLimits(TenantId tenant, String key) {
        ApiKeyId keyId = parseUuid(key).map(ApiKeyId::new)
                .orElseThrow(() -> new NotFoundException("No key " + key + "."));
        ApiKeyRateLimits limits = getKeyLimits.execute(new GetApiKeyRateLimits.Query(tenant, keyId));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("key", keyId.toString());
        for (String field : LIMIT_FIELDS) {
            values.put("key." + field, overridden(limits.override().limits(), field));
        }
        return new PortalFormState(values, Map.of());
    }

    /** The budget the form asks for, or empty with every refused field in {@code errors}. */
    static Optional<BudgetSpec> budgetSpec(Map<String, String> values, Map<String, String> errors) {
        Optional<BudgetScope> scope = choice(BudgetScope.values(), values.get(BudgetSpec.SCOPE));
        if (scope.isEmpty()) {
            errors.put(BudgetSpec.SCOPE, "choose whose spending the budget limits");
        }
        Optional<BudgetPeriod> period = choice(BudgetPeriod.values(), values.get("period"));
        if (period.isEmpty()) {
            errors.put("period", "choose a period");
        }
        Optional<ApiKeyId> key = Optional.empty();
        if (!values.get(BudgetSpec.API_KEY_ID).isEmpty()) {
            key = parseUuid(values.get(BudgetSpec.API_KEY_ID)).map(ApiKeyId::new);
            if (key.isEmpty()) {
                errors.put(BudgetSpec.API_KEY_ID, "choose one of the tenant's keys");
            }
        }
        Optional<String> endUser = Optional.of(values.get(BudgetSpec.END_USER)).filter(u -> !u.isEmpty());
        ZoneId zone = ZoneOffset.UTC;
        try {
            String text = values.get("zone");
            zone = text.isEmpty() ? ZoneOffset.UTC : ZoneId.of(text);
        } catch (DateTimeException e) {
            errors.put("zone", "must be a time zone such as UTC or Europe/Paris");
        }
        Optional<Money> limit = dollars(values.get(BudgetSpec.LIMIT_USD), errors);
        List<Integer> alerts = percents(values.get(BudgetSpec.ALERT_PERCENTS), errors);
        if (scope.isPresent()) {
            // the spec's own checks, reported per field together with the others
            String keyProblem = BudgetSpec.problemWithKey(scope.get(), key.isPresent());
            if (keyProblem != null && !errors.containsKey(BudgetSpec.API_KEY_ID)) {
                errors.put(BudgetSpec.API_KEY_ID, keyProblem);
            }
            String userProblem = BudgetSpec.problemWithEndUser(scope.get(), endUser);
            if (userProblem != null) {
                errors.put(BudgetSpec.END_USER, userProblem);
            }
        }
        if (!errors.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BudgetSpec(scope.get(), key, endUser, period.get(), zone, limit.get(), alerts));
        } catch (InvalidRequestException e) {
            errors.put(e.field().orElse(BudgetSpec.LIMIT_USD), e.field().isPresent() ? e.problem() : e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<Money> dollars(String text, Map<String, String> errors) {
        String expected = "must be an amount of US dollars above 0 with at most 6 decimals, such as 12.50";
        if (text.isEmpty()) {
            errors.put(BudgetSpec.LIMIT_USD, "is required: an amount of US dollars, such as 12.50");
            return Optional.empty();
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(text.startsWith("$") ? text.substring(1).strip() : text);
        } catch (NumberFormatException e) {
            errors.put(BudgetSpec.LIMIT_USD, expected);
            return Optional.empty();
        }
        if (amount.signum() <= 0) {
            errors.put(BudgetSpec.LIMIT_USD, "must be above 0");
        } else if (amount.stripTrailingZeros().scale() > 6) {
            errors.put(BudgetSpec.LIMIT_USD, "has more than 6 decimals (the ledger counts micro-dollars)");
        } else if (amount.compareTo(MAX_DOLLARS) > 0) {
            errors.put(BudgetSpec.LIMIT_USD, "must be at most " + MAX_DOLLARS.toPlainString());
        } else {
            return Optional.of(Money.ofDollars(amount.toPlainString()));
        }
        return Optional.empty();
    }

    private static List<Integer> percents(String text, Map<String, String> errors) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<Integer> percents = new ArrayList<>();
        int previous = 0;
        for (String part : text.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                int percent = Integer.parseInt(part.endsWith("%") ? part.substring(0, part.length() - 1) : part);
                if (percent <= previous || percent > 100) {
                    throw new NumberFormatException();
                }
                percents.add(percent);
                previous = percent;
            } catch (NumberFormatException e) {
                errors.put(BudgetSpec.ALERT_PERCENTS,
                        "must be ascending whole percentages from 1 to 100, such as 50, 80, 100");
                return List.of();
            }
        }
        return percents;
    }

    private static void putLimits(Map<String, String> values, String scope, String... texts) {
        for (int i = 0; i < LIMIT_FIELDS.size(); i++) {
            values.put(scope + "." + LIMIT_FIELDS.get(i), text(texts[i]));
        }
    }

    /** One scope's four overrides from the form (blank inherits), or empty with the refused fields in errors. */
    private static Optional<LimitOverrides> limits(String scope, Map<String, String> values,
                                                   Map<String, String> errors) {
        OptionalLong[] parsed = new OptionalLong[LIMIT_FIELDS.size()];
        int before = errors.size();
        for (int i = 0; i < parsed.length; i++) {
            String field = scope + "." + LIMIT_FIELDS.get(i);
            String text = values.get(field).replace(",", "").replace("_", "");
            parsed[i] = OptionalLong.empty();
            if (text.isEmpty()) {
                continue;
            }
            try {
                long value = Long.parseLong(text);
                String problem = LimitOverrides.problemWith(value);
                if (problem != null) {
                    errors.put(field, problem);
                } else {
                    parsed[i] = OptionalLong.of(value);
                }
            } catch (NumberFormatException e) {
                errors.put(field, "must be a whole number from 1 to " + RateLimits.MAX + ", or blank to inherit");
            }
        }
        if (errors.size() > before) {
            return Optional.empty();
        }
        // the use case's builder: its refusals name the field as <scope>.<field>
        return Optional.of(SetTenantRateLimits.limits(scope.equals("key") ? "" : scope, parsed[0], parsed[1],
                parsed[2], parsed[3]));
    }

    /** A zone as an admin would write it: UTC rather than the normalized offset's "Z". */
    private static String zoneName(ZoneId zone) {
        return zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    }

    private static String overridden(LimitOverrides overrides, String field) {
        OptionalLong value = switch (field) {
            case LimitOverrides.REQUESTS_PER_MINUTE -> overrides.requestsPerMinute();
            case LimitOverrides.TOKENS_PER_MINUTE -> overrides.tokensPerMinute();
            case LimitOverrides.REQUESTS_PER_DAY -> overrides.requestsPerDay();
            default -> overrides.concurrentRequests();
        };
        return value.isPresent() ? String.valueOf(value.getAsLong()) : "";
    }

    private static String inForce(RateLimits limits, String field) {
        OptionalLong value = switch (field) {
            case LimitOverrides.REQUESTS_PER_MINUTE -> limits.requestsPerMinute();
            case LimitOverrides.TOKENS_PER_MINUTE -> limits.tokensPerMinute();
            case LimitOverrides.REQUESTS_PER_DAY -> limits.requestsPerDay();
            default -> limits.concurrentRequests();
        };
        return value.isPresent() ? PortalFigures.count(value.getAsLong()) : "no limit";
    }

    private static <E extends Enum<E>> List<Choice> choices(E[] values) {
        return Arrays.stream(values).map(v -> new Choice(v.name(), label(v.name()))).toList();
    }

    private static String label(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return switch (name) {
            case "API_KEY" -> "One API key";
            case "END_USER" -> "End user";
            case "TENANT" -> "Whole tenant";
            default -> Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
        };
    }

    private static <E extends Enum<E>> Optional<E> choice(E[] values, String text) {
        return Arrays.stream(values).filter(v -> v.name().equals(text)).findFirst();
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }

    private static Optional<UUID> parseUuid(String text) {
        try {
            return Optional.of(UUID.fromString(text == null ? "" : text.strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static TenantId tenantId(String id) {
        return parseUuid(id).map(TenantId::new).orElseThrow(() -> new NotFoundException("No tenant " + id + "."));
    }

    private static BudgetId budgetId(String id) {
        return parseUuid(id).map(BudgetId::new).orElseThrow(() -> new NotFoundException("No budget " + id + "."));
    }

    /** A missing tenant, budget or key: a plain page with the reason, never a 500. */
    @ServerExceptionMapper
    public Response domain(DomainException e) {
        return PortalErrorPages.plain(e);
    }
}
