package dev.gemgate.adminui.portal;

import dev.gemgate.application.dashboard.ReadDashboard;
import dev.gemgate.application.status.GatewayInfo;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.usage.FleetFigures;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.gemgate.adminui.portal.PortalFigures.count;

/**
 * The operator's dashboard ({@link ReadDashboard}, as the admin API's {@code /admin/api/v1/dashboard}): today's and
 * this month's requests, error rate, latency percentiles, tokens, spend, response-cache hits and money saved (UTC
 * days); the tenants that spent most this month; the upstream credentials' health and circuits on this replica. The
 * emulator banner comes from the layout. A read, for admins and viewers.
 */
@Path(PortalDashboard.PATH)
@Produces(MediaType.TEXT_HTML)
@RunOnVirtualThread
public class PortalDashboard {
    public static final String PATH = PortalSessionMechanism.PORTAL + "/dashboard";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One figure of both periods, formatted for reading. */
    public record Row(String id, String label, String today, String month) {
    }

    public record TopTenant(String id, String name, long requests, String spend) {
    }

    public record Circuit(String model, String state) {
    }

    public record Credential(String id, String status, int weight, int inFlight, String heldOutUntil,
                             List<Circuit> circuits) {
    }

    public record View(String at, String shownAt, String today, String monthFrom, List<Row> figures, List<TopTenant> topTenants,
                       boolean canServe, List<Credential> credentials, String upstream) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance dashboard(PortalPage page, View view, String htmx);
    }

    private final ReadDashboard readDashboard;
    private final SecurityIdentity identity;
    private final GatewayInfo gateway;

    public PortalDashboard(ReadDashboard readDashboard, SecurityIdentity identity, GatewayInfo gateway) {
        this.readDashboard = readDashboard;
        this.identity = identity;
        this.gateway = gateway;
    }

    @GET
    @RolesAllowed({PortalRoles.ADMIN, PortalRoles.VIEWER})
    public TemplateInstance dashboard() {
        ReadDashboard.Result result = readDashboard.execute();
        return Templates.dashboard(PortalPage.of("Dashboard", "dashboard", identity, gateway), view(result),
                PortalAssets.HTMX);
    }

    static View view(ReadDashboard.Result result) {
        FleetFigures today = result.today().figures();
        FleetFigures month = result.month().figures();
        List<Row> rows = List.of(
                row("requests", "Requests", today, month, f -> count(f.usage().requests())),
                row("errors", "Errors", today, month, f -> count(f.errors())),
                row("error-rate", "Error rate", today, month, f -> percent(f.errorRate())),
                row("latency-p50", "Latency p50", today, month, f -> millis(f.latencyP50())),
                row("latency-p99", "Latency p99", today, month, f -> millis(f.latencyP99())),
                row("prompt-tokens", "Prompt tokens", today, month, f -> count(f.usage().promptTokens())),
                row("output-tokens", "Output tokens", today, month, f -> count(f.usage().outputTokens())),
                row("thinking-tokens", "Thinking tokens", today, month, f -> count(f.usage().thinkingTokens())),
                row("cached-tokens", "Context-cached tokens", today, month, f -> count(f.usage().cachedTokens())),
                row("spend", "Spend", today, month, f -> usd(f.usage().cost())),
                row("cache-hits", "Response-cache hits", today, month, f -> count(f.usage().cacheHits())),
                row("cache-hit-rate", "Cache hit rate", today, month, f -> percent(f.cacheHitRate())),
                row("saved", "Saved by the cache", today, month, f -> usd(f.usage().saved())));
        List<TopTenant> top = result.topTenants().stream().map(t -> new TopTenant(t.tenant().toString(),
                t.name().orElse("(deleted tenant)"), t.requests(), usd(t.cost()))).toList();
        List<Credential> credentials = result.upstream().credentials().stream().map(PortalDashboard::credential)
                .toList();
        return new View(result.at().toString(), seconds(result.at()), result.today().from().toString(),
                result.month().from().toString(), rows, top, result.upstream().canServe(), credentials,
                result.gateway().upstreamDescription());
    }

    private static Credential credential(CredentialPool.Health health) {
        List<Circuit> circuits = health.circuits().entrySet().stream()
                .map(e -> new Circuit(e.getKey().value(), e.getValue().name()))
                .sorted((a, b) -> a.model().compareTo(b.model())).toList();
        return new Credential(health.credential().value(), health.status().name(), health.weight(),
                health.inFlight(), health.heldOutUntil().map(Object::toString).orElse(null), circuits);
    }

    private interface Figure {
        String of(FleetFigures figures);
    }

    private static Row row(String id, String label, FleetFigures today, FleetFigures month, Figure figure) {
        return new Row(id, label, figure.of(today), figure.of(month));
    }

    /** An instant to the second, in UTC, for reading ({@code 2026-11-30 08:00:00 UTC}). */
    static String seconds(Instant at) {
        return SECONDS.format(at);
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    static String millis(Optional<Duration> latency) {
        return latency.map(d -> String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6)).orElse("–");
    }

    /** US dollars to the micro-dollar, as the ledger keeps them. */
    static String usd(Money money) {
        return "$" + money.toDollars().toPlainString();
    }
}
