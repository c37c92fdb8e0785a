package dev.gemgate.application.resource;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.JsonTree;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.TenantResources;
import dev.gemgate.domain.resource.UploadSession;
import dev.gemgate.domain.resource.UploadSessions;
import dev.gemgate.domain.resource.UploadToken;
import dev.gemgate.domain.resource.UpstreamResourceName;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * One chunk of a resumable upload ({@code X-Goog-Upload-Command: upload}, or {@code upload, finalize} for the last),
 * authorized by its upload id alone (Python's SDK sends no API key with chunks; a key that is sent must be one of the
 * session's tenant, else the session is as unknown as one that never existed). The bytes are <b>streamed</b>: read from
 * the request a piece at a time ({@link FileUploadSettings#pieceBytes}, 8 MiB) and sent upstream, on the session's
 * credential, before the next piece is read, so that an upload never holds more than one piece in memory whatever the
 * file's size. A chunk larger than a piece goes upstream as several requests; the upstream's offsets are the
 * caller's.
 *
 * <p>On the final chunk the file Google describes is recorded as the tenant's ({@link TenantResources}: size, state,
 * expiry, the File as its description) and the session is closed. Files are free: every chunk settles at zero; the
 * final one's audit detail names the file and its size (usage reports read it there). A chunk is not counted against
 * the request limits: the upload was, once, at its start ({@link UploadFile}).
 */
public final class UploadFileChunk {
    /**
     * @param uploadId      the {@code upload_id} of the URL
     * @param presenter     the caller of the API key sent with the chunk, if one was
     * @param finalizes     whether the command finalizes the upload
     * @param offset        {@code X-Goog-Upload-Offset}: where this chunk starts (must be the bytes received so far)
     * @param body          the chunk's bytes, read once, a piece at a time
     */
    public record Command(String uploadId, Optional<Caller> presenter, boolean finalizes, long offset,
                          InputStream body, RequestId requestId, Optional<String> correlationId) {
        public Command {
            if (presenter == null || body == null || requestId == null || correlationId == null) {
                throw new IllegalArgumentException("a chunk has a body, a request id (and empty optionals)");
            }
        }
    }

    /** The upload goes on ({@code active}, with the bytes received so far) or is done ({@code final}, the File). */
    public sealed interface Result {
        record Active(long receivedBytes) implements Result {
        }

        record Final(Map<String, Object> file) implements Result {
        }
    }

    private final Admission admission;
    private final UpstreamCalls upstream;
    private final FilesPort files;
    private final UploadSessions sessions;
    private final TenantResources store;
    private final IdGenerator ids;
    private final Clock clock;
    private final FileUploadSettings settings;

    public UploadFileChunk(Admission admission, UpstreamCalls upstream, FilesPort files, UploadSessions sessions,
                           TenantResources store, IdGenerator ids, Clock clock, FileUploadSettings settings) {
        this.admission = admission;
        this.upstream = upstream;
        this.files = files;
        this.sessions = sessions;
        this.store = store;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    /** The answer for an upload id that is unknown, finished, expired or another tenant's: one answer for all. */
    public static NotFoundException unknownUpload() {
        return new NotFoundException("No such upload session: it never existed, was finalized, failed or expired.");
    }

    /** Where an open session stands ({@code X-Goog-Upload-Command: query}), authorized as a chunk is. */
    public long received(String uploadId, Optional<Caller> presenter) {
        return session(uploadId, presenter).receivedBytes();
    }

    public Result execute(Command command) {
        UploadSession session = session(command.uploadId(), command.presenter());
        if (command.offset() != session.receivedBytes()) {
            throw InvalidRequestException.forField("X-Goog-Upload-Offset", "is " + command.offset()
                    + ", but the upload has received " + session.receivedBytes() + " bytes so far.");
        }
        RequestContext context = new RequestContext(new Caller(session.tenant(), session.apiKey()),
                command.requestId(), command.correlationId(), Optional.empty());
        Ticket ticket = admission.openWithoutModel(context, AuditEventType.UPLOAD_FILE, FileRecords.FILES_API);
        try {
            Result result = forward(session, command, ticket);
            ticket.settle(Usage.NONE, Outcome.SUCCESS);
            return result;
        } catch (RuntimeException | Error e) {
            ticket.fail(e);
            throw e;
        }
    }

    private UploadSession session(String uploadId, Optional<Caller> presenter) {
        if (!UploadToken.isWellFormed(uploadId)) {
            throw unknownUpload();
        }
        UploadSession session = sessions.find(new UploadToken(uploadId).hash(), clock.instant())
                .orElseThrow(UploadFileChunk::unknownUpload);
        if (presenter.isPresent() && !presenter.get().tenant().equals(session.tenant())) {
            throw unknownUpload();
        }
        return session;
    }

    /** Reads the chunk a piece at a time, each piece sent upstream before the next is read. */
    private Result forward(UploadSession session, Command command, Ticket ticket) {
        Pieces pieces = new Pieces(command.body(), settings.pieceBytes());
        long position = command.offset();
        while (true) {
            byte[] piece = pieces.next();
            boolean last = pieces.exhausted();
            if (piece.length == 0 && last && !command.finalizes()) {
                ticket.describe("upload chunk: " + (position - command.offset()) + " bytes");
                return new Result.Active(position);
            }
            boolean finalizing = last && command.finalizes();
            long at = position;
            FilesPort.ChunkAnswer answer;
            try {
                answer = upstream.pinned(ticket, session.credential(), (model, credential, timeout) ->
                        files.uploadChunk(credential, session.upstreamUrl(), at, piece, finalizing, timeout)).value();
            } catch (UpstreamException e) {
                if (e.kind() == UpstreamException.Kind.NOT_FOUND) {
                    sessions.finish(session.tokenHash(), clock.instant());
                    throw unknownUpload();
                }
                throw e;
            }
            position += piece.length;
            if (!sessions.advance(session.tokenHash(), at, position, clock.instant()) && !finalizing) {
                throw new InvalidRequestException("Another chunk of this upload was sent at the same time; send each "
                        + "chunk after the previous one was answered.");
            }
            if (answer instanceof FilesPort.ChunkAnswer.Final done) {
                return recorded(session, done.file(), ticket);
            }
            if (last) {
                ticket.describe("upload chunk: " + (position - command.offset()) + " bytes");
                return new Result.Active(position);
            }
            ticket.upstreamCallSucceeded(); // the next piece is another upstream call of this request
        }
    }

    private Result recorded(UploadSession session, Map<String, Object> file, Ticket ticket) {
        Instant now = clock.instant();
        sessions.finish(session.tokenHash(), now);
        String name = JsonTree.string(file, "name").orElse("");
        if (!UpstreamResourceName.isValid(ResourceKind.FILE, name)) {
            throw new UpstreamException(UpstreamException.Kind.PROTOCOL_ERROR, 200,
                    "the upstream's uploaded file has no usable name");
        }
        TenantResource created = TenantResource.created(ids.newUuid(), new UpstreamResourceName(ResourceKind.FILE,
                        name), session.tenant(), session.apiKey(), session.credential(), Optional.empty(),
                FileRecords.state(file).orElse("ACTIVE"), FileRecords.expireTime(file), now);
        var update = FileRecords.described(file);
        if (update.sizeBytes().isPresent()) {
            created = created.withSizeBytes(update.sizeBytes().getAsLong());
        }
        store.record(created.withDescription(update.description().orElseThrow()));
        ticket.describe("uploaded " + name + ": " + FileRecords.sizeBytes(file).stream()
                .mapToObj(Long::toString).findFirst().orElse("unknown") + " bytes");
        return new Result.Final(file);
    }

    /**
     * A body read in pieces of exactly {@code size} bytes (the last may be shorter), with one byte read ahead so that
     * a piece knows whether it is the last: a finalizing chunk's last piece is the one sent with "finalize".
     */
    static final class Pieces {
        private final InputStream in;
        private final byte[] buffer;
        private int carried = -1;
        private boolean exhausted;

        Pieces(InputStream in, int size) {
            this.in = in;
            this.buffer = new byte[size];
        }

        /** The next piece (empty at the end); {@link #exhausted} tells whether the body ended with it. */
        byte[] next() {
            try {
                int filled = 0;
                if (carried >= 0) {
                    buffer[0] = (byte) carried;
                    filled = 1;
                    carried = -1;
                }
                filled += in.readNBytes(buffer, filled, buffer.length - filled);
                if (filled == buffer.length) {
                    carried = in.read();
                    exhausted = carried < 0;
                    return buffer; // sent before the next piece overwrites it
                }
                exhausted = true;
                return Arrays.copyOf(buffer, filled);
            } catch (IOException e) {
                throw new UncheckedIOException("the chunk's body could not be read", e);
            }
        }

        boolean exhausted() {
            return exhausted;
        }
    }
}
