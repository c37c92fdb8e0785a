package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourcePage;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;

import java.util.List;
import java.util.Optional;

/**
 * {@code GET batches}: the caller's own jobs, newest first, answered from the store (each job's last description),
 * never by listing upstream: {@code pageSize} 0 or absent means {@link #DEFAULT_PAGE_SIZE}, at most
 * {@link #MAX_PAGE_SIZE}; {@code nextPageToken} is the store's keyset token. One request against the caller's
 * request limits (no model, no tokens).
 */
public final class BatchList {
    public static final int DEFAULT_PAGE_SIZE = 10;
    public static final int MAX_PAGE_SIZE = 100;
    /** The lane of the batches API at the upstream (no upstream call is made for a list). */
    private static final ModelId API = new ModelId("batches");

    public record Query(RequestContext context, Optional<Integer> pageSize, Optional<String> pageToken) {
        public Query {
            if (context == null || pageSize == null || pageToken == null) {
                throw new IllegalArgumentException("query fields are required");
            }
        }
    }

    /** Each job's Operation JSON as last described (without results), newest first, and the next page's token. */
    public record Result(List<String> operations, Optional<String> nextPageToken, RateLimitStatus rateLimits) {
    }

    private final Admission admission;
    private final TenantResources resources;

    public BatchList(Admission admission, TenantResources resources) {
        this.admission = admission;
        this.resources = resources;
    }

    public Result execute(Query query) {
        int size = query.pageSize().orElse(0);
        if (size < 0) {
            throw InvalidRequestException.forField("pageSize", "must not be negative");
        }
        Ticket ticket = admission.openWithoutModel(query.context(), AuditEventType.LIST_BATCHES, API);
        try {
            ticket.admitQuotaWithoutTokens();
            ResourcePage page = resources.list(query.context().caller().tenant(), ResourceKind.BATCH,
                    size == 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE),
                    query.pageToken().filter(t -> !t.isEmpty()));
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(page.resources().stream().map(BatchList::description).toList(), page.nextPageToken(),
                    ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }

    private static String description(TenantResource batch) {
        return batch.description().isEmpty() ? "{\"name\":\"" + batch.name() + "\"}" : batch.description();
    }
}
