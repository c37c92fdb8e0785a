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
 * {@code GET files/{id}:download?alt=media}: opens the caller's own file's bytes at Google (on the credential holding
 * it); the caller streams them to its client and closes them. Refusals as {@link FileGet}. The request is settled once
 * the upstream answered (free; the size it announced goes in the audit detail).
 */
public final class FileDownload {
    public record Command(RequestContext context, String id) {
    }

    public record Result(FilesPort.DownloadedFile download, RateLimitStatus rateLimits) {
    }

    private final Admission admission;
    private final UpstreamCalls upstream;
    private final FilesPort files;
    private final TenantResources store;
    private final Clock clock;

    public FileDownload(Admission admission, UpstreamCalls upstream, FilesPort files, TenantResources store,
                        Clock clock) {
        this.admission = admission;
        this.upstream = upstream;
        this.files = files;
        this.store = store;
        this.clock = clock;
    }

    public Result execute(Command command) {
        Ticket ticket = admission.openWithoutModel(command.context(), AuditEventType.DOWNLOAD_FILE,
                FileRecords.FILES_API);
        try {
            ticket.admitQuotaWithoutTokens();
            TenantResource owned = FileRecords.owned(store, command.context().caller().tenant(), command.id());
            FilesPort.DownloadedFile download;
            try {
                download = upstream.pinned(ticket, owned.credential(), (model, credential, timeout) ->
                        files.download(credential, owned.name(), timeout)).value();
            } catch (RuntimeException e) {
                throw FileRecords.gone(e, store, owned, clock.instant());
            }
            ticket.describe("download of " + owned.name() + download.contentLength().stream()
                    .mapToObj(n -> ": " + n + " bytes").findFirst().orElse(""));
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(download, ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
