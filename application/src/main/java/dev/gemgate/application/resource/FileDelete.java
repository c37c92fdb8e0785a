package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.quota.RateLimitStatus;
import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;

import java.time.Clock;

/**
 * {@code DELETE files/{id}}: deletes the caller's own file at Google (on the credential holding it) and marks its record
 * deleted (kept for usage history). Refusals as {@link FileGet}. One request against the request limits; free.
 */
public final class FileDelete {
    public record Command(RequestContext context, String id) {
    }

    public record Result(RateLimitStatus rateLimits) {
    }

    private final Admission admission;
    private final UpstreamCalls upstream;
    private final FilesPort files;
    private final TenantResources store;
    private final Clock clock;

    public FileDelete(Admission admission, UpstreamCalls upstream, FilesPort files, TenantResources store,
                      Clock clock) {
        this.admission = admission;
        this.upstream = upstream;
        this.files = files;
        this.store = store;
        this.clock = clock;
    }

    public Result execute(Command command) {
        Ticket ticket = admission.openWithoutModel(command.context(), AuditEventType.DELETE_FILE,
                FileRecords.FILES_API);
        try {
            ticket.admitQuotaWithoutTokens();
            TenantResource owned = FileRecords.owned(store, command.context().caller().tenant(), command.id());
            try {
                upstream.pinned(ticket, owned.credential(), (model, credential, timeout) -> {
                    files.deleteFile(credential, owned.name(), timeout);
                    return Boolean.TRUE;
                });
            } catch (RuntimeException e) {
                throw FileRecords.gone(e, store, owned, clock.instant());
            }
            store.delete(owned.tenant(), owned.name(), clock.instant());
            ticket.describe("deleted " + owned.name());
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
