package dev.gemgate.adminui.portal;

import dev.gemgate.application.pricing.AddModelPrice;
import dev.gemgate.application.pricing.ListPrices;
import dev.gemgate.application.pricing.PriceEntry;
import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.TokenRate;
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

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The price catalog in the portal, through the admin API's use cases: every price row of every model with its
 * effective dates (past, in force now, scheduled), and a form that adds a price from a date on, which is how a price
 * change is scheduled (a price in force is never edited: {@link AddModelPrice} refuses past dates and taken dates).
 * Rates are US dollars per 1M tokens. Viewers read; the write is {@code @RolesAllowed(admin)}.
 */
@Path(PortalPricing.PATH)
@Produces(MediaType.TEXT_HTML)
@RunOnVirtualThread
public class PortalPricing {
    public static final String PATH = PortalSessionMechanism.PORTAL + "/pricing";
    static final String SECTION = "pricing";
    static final String FORMAT_HINT = "a UTC date such as 2027-01-01 or an instant such as 2027-01-01T09:00:00Z";

    /** One price row as shown: rates as dollar text, the long-prompt tier in a few words. */
    public record Row(String model, String state, String effectiveFrom, String effectiveUntil, String input,
                      String output, String cachedInput, String audioInput, String tier, String batchDiscount,
                      String cacheStoragePerHour) {
        static Row of(PriceEntry entry) {
            ModelPrice p = entry.price();
            return new Row(p.model().value(), entry.state().name(), p.effectiveFrom().toString(),
                    entry.effectiveUntil().map(Instant::toString).orElse(null), dollars(p.input()),
                    dollars(p.output()), dollars(p.cachedInput()), p.audioInput().map(PortalPricing::dollars)
                    .orElse(null), p.longPromptTier().map(t -> "above " + t.thresholdTokens() + " tokens: "
                    + dollars(t.input()) + " / " + dollars(t.output()) + " / " + dollars(t.cachedInput())).orElse(null),
                    p.batchDiscount().toPlainString(), p.cacheStoragePerHour().map(PortalPricing::dollars)
                    .orElse(null));
        }

        public String fromLabel() {
            return utc(effectiveFrom);
        }

        public String untilLabel() {
            return effectiveUntil == null ? null : utc(effectiveUntil);
        }

        /** An instant as a UTC date when it is midnight (the usual case), else date and time. */
        private static String utc(String instant) {
            return instant.endsWith("T00:00:00Z") ? instant.substring(0, 10)
                    : instant.replace('T', ' ').replace("Z", "");
        }

        public String stateLabel() {
            return switch (PriceEntry.State.valueOf(state)) {
                case PAST -> "Past";
                case IN_FORCE -> "In force";
                case SCHEDULED -> "Scheduled";
            };
        }
    }

    /** The add form as typed (text, so that a wrong value comes back as it was) and its errors by field. */
    public record AddForm(Map<String, String> values, Map<String, String> errors) {
        static final List<String> FIELDS = List.of("model", "effectiveFrom", "input", "output", "cachedInput",
                "audioInput", "cacheStoragePerHour", "batchDiscount", "tierThreshold", "tierInput", "tierOutput",
                "tierCachedInput");

        static AddForm empty() {
            return new AddForm(Map.of("batchDiscount", "0.5"), Map.of());
        }

        /** The form prefilled with a model's price in force, to schedule its change. */
        static AddForm from(PriceEntry entry) {
            ModelPrice p = entry.price();
            Map<String, String> values = new LinkedHashMap<>();
            values.put("model", p.model().value());
            values.put("input", dollars(p.input()));
            values.put("output", dollars(p.output()));
            values.put("cachedInput", dollars(p.cachedInput()));
            p.audioInput().ifPresent(r -> values.put("audioInput", dollars(r)));
            p.cacheStoragePerHour().ifPresent(r -> values.put("cacheStoragePerHour", dollars(r)));
            values.put("batchDiscount", p.batchDiscount().toPlainString());
            p.longPromptTier().ifPresent(t -> {
                values.put("tierThreshold", Long.toString(t.thresholdTokens()));
                values.put("tierInput", dollars(t.input()));
                values.put("tierOutput", dollars(t.output()));
                values.put("tierCachedInput", dollars(t.cachedInput()));
            });
            return new AddForm(values, Map.of());
        }

        public String value(String field) {
            return values.getOrDefault(field, "");
        }

        /** The error of {@code field}, or null. */
        public String error(String field) {
            return errors.get(field);
        }
    }

    /** A rate field of the form: its name (and id), label, and whether it is required. */
    public record FormField(String name, String label, boolean required) {
    }

    static final List<FormField> RATE_FIELDS = List.of(new FormField("input", "Input", true),
            new FormField("output", "Output (and thinking)", true), new FormField("cachedInput", "Cached input", true),
            new FormField("audioInput", "Audio input", false),
            new FormField("cacheStoragePerHour", "Cache storage per hour", false),
            new FormField("batchDiscount", "Batch discount (fraction off)", false));
    static final List<FormField> TIER_FIELDS = List.of(new FormField("tierThreshold", "Above prompt tokens", true),
            new FormField("tierInput", "Input", true), new FormField("tierOutput", "Output", true),
            new FormField("tierCachedInput", "Cached input", true));

    /** The page: the rows (by model, then date), the filter, the models for the form's list, the form. */
    public record View(List<Row> rows, String filter, List<String> models, AddForm form, String notice) {
        public List<FormField> rateFields() {
            return RATE_FIELDS;
        }

        public List<FormField> tierFields() {
            return TIER_FIELDS;
        }

        public long scheduled() {
            return rows.stream().filter(r -> r.state().equals(PriceEntry.State.SCHEDULED.name())).count();
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(PortalPage page, View view);
    }

    private final ListPrices listPrices;
    private final AddModelPrice addPrice;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalPricing(ListPrices listPrices, AddModelPrice addPrice, SecurityIdentity identity,
                         GatewayInfo gateway) {
        this.listPrices = listPrices;
        this.addPrice = addPrice;
        this.identity = identity;
        this.gateway = gateway;
    }

    /**
     * The catalog; {@code model} filters it to the models whose name contains it, {@code from} prefills the form with
     * that model's price in force (to schedule its change), {@code added} names the model of the price just added.
     */
    @GET
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public TemplateInstance list(@QueryParam("model") String model, @QueryParam("from") String from,
                                 @QueryParam("added") String added) {
        List<PriceEntry> entries = listPrices.execute();
        AddForm form = from == null ? AddForm.empty() : entries.stream()
                .filter(e -> e.price().model().value().equals(from) && e.state() == PriceEntry.State.IN_FORCE)
                .findFirst().map(AddForm::from).orElse(AddForm.empty());
        String notice = added == null ? null : "Price of " + added + " added.";
        return page(entries, text(model), form, notice);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RolesAllowed(PortalRoles.ADMIN)
    public Response add(@RestForm String model, @RestForm String effectiveFrom, @RestForm String input,
                        @RestForm String output, @RestForm String cachedInput, @RestForm String audioInput,
                        @RestForm String cacheStoragePerHour, @RestForm String batchDiscount,
                        @RestForm String tierThreshold, @RestForm String tierInput, @RestForm String tierOutput,
                        @RestForm String tierCachedInput, @Context HttpServerRequest http) {
        Map<String, String> values = new LinkedHashMap<>();
        String[] typed = {model, effectiveFrom, input, output, cachedInput, audioInput, cacheStoragePerHour,
                batchDiscount, tierThreshold, tierInput, tierOutput, tierCachedInput};
        for (int i = 0; i < typed.length; i++) {
            values.put(AddForm.FIELDS.get(i), text(typed[i]));
        }
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<ModelPrice> price = parse(values, errors);
        if (price.isPresent()) {
            try {
                ModelPrice added = addPrice.execute(new AddModelPrice.Command(price.get(),
                        PortalActors.actor(identity, http)));
                String name = URLEncoder.encode(added.model().value(), StandardCharsets.UTF_8);
                return Response.seeOther(URI.create(PATH + "?model=" + name + "&added=" + name)).build();
            } catch (InvalidRequestException e) {
                errors.put(e.field().filter(values::containsKey).orElse("effectiveFrom"),
                        e.field().isPresent() ? e.problem() : e.getMessage());
            } catch (ConflictException e) {
                errors.put("effectiveFrom", "already has a price of this model: choose another date");
            }
        }
        return Response.status(400).entity(page(listPrices.execute(), "", new AddForm(values, errors), null))
                .build();
    }

    private TemplateInstance page(List<PriceEntry> entries, String filter, AddForm form, String notice) {
        String needle = filter.toLowerCase(Locale.ROOT);
        List<Row> rows = entries.stream().filter(e -> e.price().model().value().contains(needle)).map(Row::of)
                .toList();
        List<String> models = entries.stream().map(e -> e.price().model().value()).distinct().toList();
        return Templates.list(PortalPage.of("Pricing catalog", SECTION, identity, gateway),
                new View(rows, filter, models, form, notice));
    }

    /** The price the form describes, or empty with every bad field's reason in {@code errors}. */
    static Optional<ModelPrice> parse(Map<String, String> values, Map<String, String> errors) {
        ModelId model = null;
        if (!ModelId.isValid(values.get("model"))) {
            errors.put("model", values.get("model").isEmpty() ? "is required: a model name such as gemini-2.5-flash"
                    : "is not a model name (lower-case letters, digits, '.', '_' or '-')");
        } else {
            model = ModelId.parse(values.get("model"));
        }
        Instant from = instant(values.get("effectiveFrom"), errors);
        TokenRate input = rate(values, "input", true, errors);
        TokenRate output = rate(values, "output", true, errors);
        TokenRate cached = rate(values, "cachedInput", true, errors);
        TokenRate audio = rate(values, "audioInput", false, errors);
        TokenRate storage = rate(values, "cacheStoragePerHour", false, errors);
        BigDecimal discount = ModelPrice.STANDARD_BATCH_DISCOUNT;
        if (!values.get("batchDiscount").isEmpty()) {
            BigDecimal value = decimal(values.get("batchDiscount"));
            if (value == null || value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0) {
                errors.put("batchDiscount", "must be a fraction from 0 to 1 (0.5: half price)");
            } else {
                discount = value;
            }
        }
        Optional<ModelPrice.LongPromptTier> tier = tier(values, errors);
        if (!errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ModelPrice(model, from, input, output, cached, tier, Optional.ofNullable(audio),
                discount, Optional.ofNullable(storage)));
    }

    /** No tier when its four fields are empty; otherwise all four are needed. */
    private static Optional<ModelPrice.LongPromptTier> tier(Map<String, String> values, Map<String, String> errors) {
        List<String> fields = List.of("tierThreshold", "tierInput", "tierOutput", "tierCachedInput");
        if (fields.stream().allMatch(f -> values.get(f).isEmpty())) {
            return Optional.empty();
        }
        long threshold = 0;
        try {
            threshold = Long.parseLong(values.get("tierThreshold"));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (threshold <= 0) {
            errors.put("tierThreshold", "is required for a long-prompt tier: a positive whole number of prompt tokens");
        }
        TokenRate input = rate(values, "tierInput", true, errors);
        TokenRate output = rate(values, "tierOutput", true, errors);
        TokenRate cached = rate(values, "tierCachedInput", true, errors);
        if (threshold <= 0 || input == null || output == null || cached == null) {
            return Optional.empty();
        }
        return Optional.of(new ModelPrice.LongPromptTier(threshold, input, output, cached));
    }

    private static Instant instant(String text, Map<String, String> errors) {
        if (text.isEmpty()) {
            errors.put("effectiveFrom", "is required: " + FORMAT_HINT);
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notWithOffset) {
                try {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                    } catch (DateTimeParseException notADate) {
                        errors.put("effectiveFrom", "is not " + FORMAT_HINT);
                        return null;
                    }
                }
            }
        }
    }

    private static TokenRate rate(Map<String, String> values, String field, boolean required,
                                  Map<String, String> errors) {
        String text = values.get(field);
        if (text.isEmpty()) {
            if (required) {
                errors.put(field, "is required: US dollars per 1M tokens, such as 1.25");
            }
            return null;
        }
        BigDecimal value = decimal(text);
        if (value == null || value.signum() < 0) {
            errors.put(field, "must be a non-negative amount of US dollars per 1M tokens, such as 1.25");
            return null;
        }
        try {
            return new TokenRate(Money.ofDollars(value.toPlainString()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            errors.put(field, "has more than six decimals or is too large");
            return null;
        }
    }

    private static BigDecimal decimal(String text) {
        try {
            return new BigDecimal(text.startsWith("$") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String dollars(TokenRate rate) {
        BigDecimal d = rate.perMillion().toDollars().stripTrailingZeros();
        return (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }
}
