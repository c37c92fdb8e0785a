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
import dev.gemgate.domain.resource.UploadSession;
import dev.gemgate.domain.resource.UploadSessions;
import dev.gemgate.domain.resource.UploadToken;
import dev.gemgate.domain.upstream.UpstreamCredentialId;

import java.time.Clock;
import java.time.Instant;

/**
 * Starts a resumable upload for the caller: the upstream session is started on a credential chosen the normal way
 * (retried, moved to another credential when one cannot serve), and the caller gets an unguessable upload id bound to
 * its tenant, its key, that credential and the upstream's upload URL, kept in {@link UploadSessions} so that its
 * chunks may reach any replica ({@link UploadFileChunk}).
 *
 * <p><b>Quota rule.</b> An upload counts as one request against the tenant's and the key's request limits, taken
 * here, at its start (no tokens: files are free at Google); its chunks are not counted again. Each request of an
 * upload (the start, each chunk) is recorded as an {@code UPLOAD_FILE} audit event; the final chunk's names the file
 * and its size.
 */
public final class UploadFile {
    public record Command(RequestContext context, FilesPort.UploadStart start) {
        public Command {
            if (context == null || start == null) {
                throw new IllegalArgumentException("an upload start has a context and its start");
            }
        }
    }

    /** The upload id to hand out (the caller's URL carries it) and the caller's rate-limit standing. */
    public record Result(UploadToken uploadId, RateLimitStatus rateLimits) {
    }

    private record Started(UpstreamCredentialId credential, FilesPort.UpstreamUploadUrl url) {
    }

    private final Admission admission;
    private final UpstreamCalls upstream;
    private final FilesPort files;
    private final UploadSessions sessions;
    private final Clock clock;
    private final FileUploadSettings settings;

    public UploadFile(Admission admission, UpstreamCalls upstream, FilesPort files, UploadSessions sessions,
                      Clock clock, FileUploadSettings settings) {
        this.admission = admission;
        this.upstream = upstream;
        this.files = files;
        this.sessions = sessions;
        this.clock = clock;
        this.settings = settings;
    }

    public Result execute(Command command) {
        Ticket ticket = admission.openWithoutModel(command.context(), AuditEventType.UPLOAD_FILE,
                FileRecords.FILES_API);
        try {
            ticket.admitQuotaWithoutTokens();
            Started started = upstream.retrying(ticket, (model, credential, timeout) ->
                    new Started(credential.id(), files.startUpload(credential, command.start(), timeout))).value();
            UploadToken token = UploadToken.random();
            Instant now = clock.instant();
            sessions.create(new UploadSession(token.hash(), command.context().caller().tenant(),
                    command.context().caller().apiKey(), started.credential(), started.url(), 0, now,
                    now.plus(settings.sessionTtl())));
            ticket.describe("upload started" + command.start().contentLength().stream()
                    .mapToObj(n -> " (" + n + " bytes declared)").findFirst().orElse(""));
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return new Result(token, ticket.rateLimits());
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }
}
