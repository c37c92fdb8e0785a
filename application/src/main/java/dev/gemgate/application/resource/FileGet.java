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
import java.util.Map;

/**
 * {@code GET files/{id}}: the caller's own file as Google describes it now, asked of the credential whose project holds
 * it; the record is refreshed (state, expiry, size, description). Another tenant's, a deleted or an unknown file is
 * refused before anything reaches the upstream, with Google's words for a missing file; one Google no longer has
 * (expired) is marked deleted and refused alike. One request against the caller's request limits; free.
 */
public final class FileGet {
    public record Command(RequestContext context, String id) {
    }

    public record Result(Map<String, Object> file, RateLimitStatus rateLimits) {
    }

    private final Admission admission;
    private final UpstreamCalls upstream;
    private final FilesPort files;
    private final TenantResources store;
    private final Clock clock;

    public FileGet(Admission admission, UpstreamCalls upstream, FilesPort files, TenantResources store, Clock clock) {
        this.admission = admission;
        this.upstream = upstream;
        this.files = files;
        this.store = store;
        this.clock = clock;
    }

    public Result execute(Command command) {
        Ticket ticket = admission.openWithoutModel(command.context(), AuditEventType.GET_FILE, FileRecords.FILES_API);
        try {
            ticket.admitQuotaWithoutTokens();
            TenantResource owned = FileRecords.owned(store, command.context().caller().tenant(), command.id());
            Map<String, Object> file;
            try {
                file = upstream.pinned(ticket, owned.credential(), (model, credential, timeout) ->
                        files.getFile(credential, owned.name(), timeout)).value();
            } catch (RuntimeException e) {
                throw FileRecords.gone(e, store, owned, clock.instant());
            }
            store.update(owned.tenant(), owned.name(), FileRecords.described(file), clock.instant());
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(file, ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
