package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourcePage;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code GET files?pageSize=&pageToken=}: the caller's own live files, newest first, answered from the ownership store
 * (each as Google last described it), never by listing upstream, where every tenant's files of a credential are
 * mixed. Google's page size: 10 by default, at most 100 (a larger one is lowered to 100). One request against the
 * caller's request limits; free.
 */
public final class FileList {
    public static final int DEFAULT_PAGE_SIZE = 10;
    public static final int MAX_PAGE_SIZE = 100;

    public record Command(RequestContext context, OptionalInt pageSize, Optional<String> pageToken) {
    }

    /** The files' JSON texts, and the token of the next page when there is one. */
    public record Result(List<String> files, Optional<String> nextPageToken, RateLimitStatus rateLimits) {
    }

    private final Admission admission;
    private final TenantResources store;

    public FileList(Admission admission, TenantResources store) {
        this.admission = admission;
        this.store = store;
    }

    public Result execute(Command command) {
        Ticket ticket = admission.openWithoutModel(command.context(), AuditEventType.LIST_FILES,
                FileRecords.FILES_API);
        try {
            int size = command.pageSize().orElse(0);
            if (size < 0) {
                throw InvalidRequestException.forField("pageSize", "must not be negative.");
            }
            size = size == 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
            ticket.admitQuotaWithoutTokens();
            ResourcePage page = store.list(command.context().caller().tenant(), ResourceKind.FILE, size,
                    command.pageToken().filter(t -> !t.isEmpty()));
            List<String> files = page.resources().stream().map(FileList::describe).toList();
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(files, page.nextPageToken(), ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }

    private static String describe(TenantResource file) {
        return file.description().isBlank()
                ? dev.gemgate.domain.generation.JsonText.write(java.util.Map.of("name", file.name().value()))
                : file.description();
    }
}
