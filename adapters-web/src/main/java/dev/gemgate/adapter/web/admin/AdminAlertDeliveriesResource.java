package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.gemgate.application.alert.ListAlertDeliveries;
import dev.gemgate.domain.alert.AlertDelivery;
import dev.gemgate.domain.alert.DeliveryPage;
import dev.gemgate.domain.alert.DeliverySearch;
import dev.gemgate.domain.alert.DeliveryStatus;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.tenant.TenantId;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The webhook deliveries of budget alerts on the admin API (admin or viewer): newest first, by tenant and status,
 * paged by {@code limit} and an opaque {@code cursor} (the previous page's {@code nextCursor}). Each shows its payload
 * (exactly what is signed and sent), status, attempts, next attempt, the receiver's last status code and the last
 * error; never the webhook's URL or secret, nor a signature. A bad parameter is a 400 problem naming it.
 */
@Path("/admin/api/v1/alert-deliveries")
@Produces(MediaType.APPLICATION_JSON)
@RunOnVirtualThread
@Tag(name = "Alerts")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No valid bearer token",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
@APIResponse(responseCode = "403", description = "The token's roles do not allow this",
        content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                schema = @Schema(implementation = AdminProblem.Body.class)))
public class AdminAlertDeliveriesResource {
    static final int DEFAULT_LIMIT = 50;

    /** One delivery as the admin API shows it. */
    @Schema(name = "AlertDelivery")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliveryView(@Schema(description = "the event id: X-Gemgate-Event-Id and the audit event's id")
                               String id,
                               String tenantId,
                               @Schema(enumeration = {"PENDING", "DELIVERED", "FAILED"}) String status,
                               @Schema(description = "attempts begun") int attempts,
                               @Schema(description = "pending only: when the next attempt is due") String nextAttemptAt,
                               @Schema(description = "the receiver's answer to the last attempt, if any")
                               Integer lastStatusCode,
                               @Schema(description = "what went wrong last (no URL or secret)") String lastError,
                               String createdAt, String deliveredAt,
                               @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT,
                                       description = "the JSON body sent (type budget.threshold_crossed)")
                               @JsonRawValue String payload) {
        static DeliveryView of(AlertDelivery d) {
            return new DeliveryView(d.id().toString(), d.tenant().toString(), d.status().name(), d.attempts(),
                    d.nextAttemptAt().map(Instant::toString).orElse(null),
                    d.lastStatusCode().isPresent() ? d.lastStatusCode().getAsInt() : null,
                    d.lastError().orElse(null), d.createdAt().toString(),
                    d.deliveredAt().map(Instant::toString).orElse(null), d.payload());
        }
    }

    /** One page, newest first; {@code nextCursor} is absent on the last page. */
    @Schema(name = "AlertDeliveryPage")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliveryPageView(List<DeliveryView> deliveries, String nextCursor) {
    }

    private final ListAlertDeliveries listDeliveries;

    public AdminAlertDeliveriesResource(ListAlertDeliveries listDeliveries) {
        this.listDeliveries = listDeliveries;
    }

    @GET
    @RolesAllowed({AdminRoles.ADMIN, AdminRoles.VIEWER})
    @Operation(summary = "Webhook deliveries of budget alerts, newest first")
    @APIResponse(responseCode = "200", description = "One page",
            content = @Content(schema = @Schema(implementation = DeliveryPageView.class)))
    @APIResponse(responseCode = "400", description = "A bad tenant id, status, limit or cursor",
            content = @Content(mediaType = AdminProblem.MEDIA_TYPE,
                    schema = @Schema(implementation = AdminProblem.Body.class)))
    public DeliveryPageView list(
            @Parameter(description = "only this tenant's (its id)") @QueryParam("tenant") String tenant,
            @Parameter(description = "only those with this status",
                    schema = @Schema(enumeration = {"PENDING", "DELIVERED", "FAILED"})) @QueryParam("status")
            String status,
            @Parameter(description = "page size, 1 to 500 (default 50)") @QueryParam("limit") String limit,
            @Parameter(description = "the nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        DeliveryPage page = listDeliveries.execute(new ListAlertDeliveries.Query(tenant(tenant), status(status),
                limit(limit), Cursor.decode(cursor)));
        return new DeliveryPageView(page.deliveries().stream().map(DeliveryView::of).toList(),
                page.next().map(Cursor::encode).orElse(null));
    }

    private static Optional<TenantId> tenant(String tenant) {
        if (tenant == null || tenant.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TenantId(UUID.fromString(tenant.strip())));
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.forField("tenant", "must be a tenant id (a UUID)");
        }
    }

    private static Optional<DeliveryStatus> status(String status) {
        if (status == null || status.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DeliveryStatus.valueOf(status.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.forField("status", "must be PENDING, DELIVERED or FAILED");
        }
    }

    private static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            throw InvalidRequestException.forField("limit", "must be 1 to " + ListAlertDeliveries.MAX_PAGE_SIZE);
        }
    }

    /** The opaque cursor: base64url of "<created-at in epoch microseconds>:<id>" of a page's last delivery. */
    static final class Cursor {
        private Cursor() {
        }

        static String encode(DeliverySearch.Position position) {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, position.createdAt());
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((micros + ":" + position.id()).getBytes(StandardCharsets.US_ASCII));
        }

        static Optional<DeliverySearch.Position> decode(String cursor) {
            if (cursor == null || cursor.isBlank()) {
                return Optional.empty();
            }
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.US_ASCII);
                int colon = text.indexOf(':');
                long micros = Long.parseLong(text.substring(0, colon));
                return Optional.of(new DeliverySearch.Position(Instant.EPOCH.plus(micros, ChronoUnit.MICROS),
                        UUID.fromString(text.substring(colon + 1))));
            } catch (RuntimeException e) {
                throw InvalidRequestException.forField("cursor", "is not a cursor this API gave (use nextCursor)");
            }
        }
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, ContainerRequestContext request) {
        return AdminProblem.of(e).toResponse(request);
    }
}
