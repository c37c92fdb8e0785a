package dev.gemgate.application.resource;

import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryTenantResources;
import dev.gemgate.domain.fakes.InMemoryUploadSessions;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.UploadSession;
import dev.gemgate.domain.resource.UploadToken;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredential;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Files use cases with in-memory fakes of every port: ownership, refusals, streaming in pieces, quota, audit. */
class FilesUseCasesTest {
    private static final int PIECE = FileUploadSettings.GRANULARITY; // 256 KiB
    private static final Caller A = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(1, 2)));
    private static final Caller B = new Caller(new TenantId(new UUID(2, 1)), new ApiKeyId(new UUID(2, 2)));

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final Admission admission = new Admission(quota, InMemoryBudgetLedger.noBudgets(),
            new RequestRecorder(audit, new RequestMetrics() {
                @Override
                public void record(AuditEvent event) {
                }

                @Override
                public void authenticationFailed(String reason) {
                }
            }), new SequentialIdGenerator(), clock);
    private final UpstreamCalls upstream = UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(),
            new FakeGenerationPort(List.of()), new InMemoryPricingCatalog(), clock, Duration.ofSeconds(10));
    private final FakeFiles files = new FakeFiles();
    private final InMemoryUploadSessions sessions = new InMemoryUploadSessions();
    private final InMemoryTenantResources store = new InMemoryTenantResources();
    private final FileUploadSettings settings = new FileUploadSettings(PIECE, Duration.ofHours(1));

    private final UploadFile uploadFile = new UploadFile(admission, upstream, files, sessions, clock, settings);
    private final UploadFileChunk chunk = new UploadFileChunk(admission, upstream, files, sessions, store,
            new SequentialIdGenerator(), clock, settings);
    private final FileGet get = new FileGet(admission, upstream, files, store, clock);
    private final FileList list = new FileList(admission, store);
    private final FileDelete delete = new FileDelete(admission, upstream, files, store, clock);
    private final FileDownload download = new FileDownload(admission, upstream, files, store, clock);
    private int requests;

    private RequestContext context(Caller caller) {
        return new RequestContext(caller, new RequestId("req-" + ++requests), Optional.empty(), Optional.empty());
    }

    private UploadToken start(Caller caller) {
        return uploadFile.execute(new UploadFile.Command(context(caller), new FilesPort.UploadStart("{}",
                OptionalLong.empty(), Optional.of("text/plain"), Optional.empty()))).uploadId();
    }

    private UploadFileChunk.Result send(UploadToken token, Optional<Caller> presenter, boolean finalizes, long offset,
                                        byte[] bytes) {
        return chunk.execute(new UploadFileChunk.Command(token.value(), presenter, finalizes, offset,
                new ByteArrayInputStream(bytes), new RequestId("chunk-" + ++requests), Optional.empty()));
    }

    private String uploaded(Caller caller, int size) {
        UploadToken token = start(caller);
        UploadFileChunk.Result result = send(token, Optional.empty(), true, 0, new byte[size]);
        return (String) ((UploadFileChunk.Result.Final) result).file().get("name");
    }

    @Test
    void aStartCountsTheUploadsOneRequestAndKeepsTheSessionOfTheCallersTenantKeyAndCredential() {
        UploadToken token = start(A);

        assertThat(quota.admitted).singleElement().satisfies(r -> {
            assertThat(r.tenant()).isEqualTo(A.tenant());
            assertThat(r.requests()).isEqualTo(1);
            assertThat(r.tokens()).isZero();
        });
        UploadSession session = sessions.find(token.hash(), clock.instant()).orElseThrow();
        assertThat(session.tenant()).isEqualTo(A.tenant());
        assertThat(session.apiKey()).isEqualTo(A.apiKey());
        assertThat(session.credential().value()).isEqualTo("test");
        assertThat(session.upstreamUrl().value()).isEqualTo("https://upstream.example/upload/1");
        assertThat(session.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.UPLOAD_FILE);
            assertThat(e.model()).isEmpty();
        });
    }

    @Test
    void aChunkGoesUpstreamInPiecesOfAtMostThePieceSizeAndTheFinalOneRecordsTheTenantsFile() {
        UploadToken token = start(A);
        byte[] first = new byte[2 * PIECE + 1000];
        first[2 * PIECE] = 42; // the byte read ahead to see whether a piece is the last goes out with the next piece

        assertThat(send(token, Optional.empty(), false, 0, first))
                .isEqualTo(new UploadFileChunk.Result.Active(first.length));
        assertThat(files.pieces).containsExactly(PIECE, PIECE, 1000);
        assertThat(files.finalizing).containsExactly(false, false, false);
        assertThat(files.offsets).containsExactly(0L, (long) PIECE, 2L * PIECE);
        assertThat(files.firstBytes.get(2)).isEqualTo((byte) 42);

        byte[] last = new byte[2 * PIECE]; // an exact multiple: the second piece is the finalizing one
        UploadFileChunk.Result done = send(token, Optional.empty(), true, first.length, last);

        assertThat(files.pieces).containsExactly(PIECE, PIECE, 1000, PIECE, PIECE);
        assertThat(files.finalizing).containsExactly(false, false, false, false, true);
        long size = first.length + last.length;
        assertThat(done).isInstanceOfSatisfying(UploadFileChunk.Result.Final.class,
                f -> assertThat(f.file()).containsEntry("sizeBytes", Long.toString(size)));
        String name = (String) ((UploadFileChunk.Result.Final) done).file().get("name");
        TenantResource file = store.find(A.tenant(), new UpstreamResourceName(ResourceKind.FILE, name)).orElseThrow();
        assertThat(file.sizeBytes()).hasValue(size);
        assertThat(file.credential().value()).isEqualTo("test");
        assertThat(file.apiKey()).isEqualTo(A.apiKey());
        assertThat(file.description()).contains("\"name\":\"" + name + "\"");
        assertThat(sessions.find(token.hash(), clock.instant())).isEmpty();
        assertThat(quota.admitted).hasSize(1); // chunks are not counted again
        assertThat(audit.all()).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.UPLOAD_FILE);
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.cost().micros()).isZero();
        });
        assertThat(audit.all().getLast().detail()).isEqualTo("uploaded " + name + ": " + size + " bytes");
    }

    @Test
    void anEmptyFinalizingChunkIsSentAsOneEmptyFinalize() {
        UploadToken token = start(A);
        send(token, Optional.empty(), false, 0, new byte[PIECE]);
        UploadFileChunk.Result done = send(token, Optional.empty(), true, PIECE, new byte[0]);

        assertThat(done).isInstanceOf(UploadFileChunk.Result.Final.class);
        assertThat(files.pieces).containsExactly(PIECE, 0);
        assertThat(files.finalizing).containsExactly(false, true);
    }

    @Test
    void anotherTenantsKeyAnUnknownAndAFinishedUploadAreOneAnswerAndNothingReachesTheUpstream() {
        UploadToken token = start(A);
        int calls = files.calls.get();

        NotFoundException byB = catchNotFound(() -> send(token, Optional.of(B), true, 0, new byte[10]));
        NotFoundException unknown = catchNotFound(() -> send(UploadToken.random(), Optional.empty(), true, 0,
                new byte[10]));
        NotFoundException malformed = catchNotFound(() -> chunk.execute(new UploadFileChunk.Command("nope",
                Optional.empty(), true, 0, InputStream.nullInputStream(), new RequestId("x"), Optional.empty())));
        assertThat(byB.getMessage()).isEqualTo(unknown.getMessage()).isEqualTo(malformed.getMessage());
        assertThat(files.calls.get()).isEqualTo(calls);

        send(token, Optional.of(A), true, 0, new byte[10]); // its own tenant's key (or none) goes on
        assertThat(catchNotFound(() -> send(token, Optional.empty(), true, 10, new byte[1])).getMessage())
                .isEqualTo(unknown.getMessage());
    }

    @Test
    void aChunkAtAnotherOffsetThanTheBytesReceivedIsRefusedBeforeTheUpstream() {
        UploadToken token = start(A);
        int calls = files.calls.get();
        assertThatThrownBy(() -> send(token, Optional.empty(), false, 5, new byte[10]))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("received 0 bytes");
        assertThat(files.calls.get()).isEqualTo(calls);
    }

    @Test
    void anUploadSessionTheUpstreamForgotIsClosedAndAnsweredAsUnknown() {
        UploadToken token = start(A);
        files.failNext = new UpstreamException(UpstreamException.Kind.NOT_FOUND, 404, "gone");
        catchNotFound(() -> send(token, Optional.empty(), true, 0, new byte[10]));
        assertThat(sessions.find(token.hash(), clock.instant())).isEmpty();
    }

    @Test
    void anExpiredSessionIsUnknown() {
        UploadToken token = start(A);
        clock.advance(Duration.ofHours(1));
        catchNotFound(() -> send(token, Optional.empty(), true, 0, new byte[10]));
    }

    @Test
    void getDeleteAndDownloadOfAnotherTenantsFileAreRefusedAsAFileThatNeverExistedBeforeTheUpstream() {
        String name = uploaded(A, 100);
        String id = name.substring("files/".length());
        int calls = files.calls.get();

        for (Runnable call : List.<Runnable>of(
                () -> get.execute(new FileGet.Command(context(B), id)),
                () -> delete.execute(new FileDelete.Command(context(B), id)),
                () -> download.execute(new FileDownload.Command(context(B), id)))) {
            assertThatThrownBy(call::run).isInstanceOf(PermissionDeniedException.class)
                    .hasMessage("You do not have permission to access the File " + id + " or it may not exist.");
        }
        assertThatThrownBy(() -> get.execute(new FileGet.Command(context(B), "nosuchfile")))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("You do not have permission to access the File nosuchfile or it may not exist.");
        assertThatThrownBy(() -> get.execute(new FileGet.Command(context(B), "../x")))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(files.calls.get()).isEqualTo(calls);
        assertThat(list.execute(new FileList.Command(context(B), OptionalInt.empty(), Optional.empty())).files())
                .isEmpty();
        assertThat(store.find(A.tenant(), new UpstreamResourceName(ResourceKind.FILE, name))).isPresent();
    }

    @Test
    void aGetAsksTheFilesCredentialAndRefreshesTheRecord() {
        String name = uploaded(A, 100);
        files.files.get(name).put("state", "FAILED");

        Map<String, Object> got = get.execute(new FileGet.Command(context(A), name.substring(6))).file();

        assertThat(got).containsEntry("state", "FAILED");
        assertThat(files.credentialsUsed).allMatch(c -> c.equals("test"));
        TenantResource file = store.find(A.tenant(), new UpstreamResourceName(ResourceKind.FILE, name)).orElseThrow();
        assertThat(file.state()).isEqualTo("FAILED");
        assertThat(file.description()).contains("\"state\":\"FAILED\"");
    }

    @Test
    void aFileTheUpstreamNoLongerHasIsMarkedDeletedAndRefusedAlike() {
        String name = uploaded(A, 100);
        files.files.remove(name);
        String id = name.substring(6);

        assertThatThrownBy(() -> get.execute(new FileGet.Command(context(A), id)))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessage("You do not have permission to access the File " + id + " or it may not exist.");
        assertThat(store.find(A.tenant(), new UpstreamResourceName(ResourceKind.FILE, name))).isEmpty();
    }

    @Test
    void aDeleteRemovesTheFileUpstreamAndFromTheList() {
        String name = uploaded(A, 100);
        delete.execute(new FileDelete.Command(context(A), name.substring(6)));

        assertThat(files.files).doesNotContainKey(name);
        assertThat(list.execute(new FileList.Command(context(A), OptionalInt.empty(), Optional.empty())).files())
                .isEmpty();
        assertThatThrownBy(() -> delete.execute(new FileDelete.Command(context(A), name.substring(6))))
                .isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void theListIsTheTenantsOwnNewestFirstTenByDefaultAndAtMostAHundred() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add(uploaded(A, 1));
            clock.advance(Duration.ofSeconds(1));
        }
        uploaded(B, 1);

        FileList.Result first = list.execute(new FileList.Command(context(A), OptionalInt.empty(), Optional.empty()));
        assertThat(first.files()).hasSize(10);
        assertThat(first.files().getFirst()).contains(names.getLast());
        FileList.Result second = list.execute(new FileList.Command(context(A), OptionalInt.empty(),
                first.nextPageToken()));
        assertThat(second.files()).hasSize(2);
        assertThat(second.nextPageToken()).isEmpty();
        assertThat(list.execute(new FileList.Command(context(A), OptionalInt.of(500), Optional.empty())).files())
                .hasSize(12);
        assertThatThrownBy(() -> list.execute(new FileList.Command(context(A), OptionalInt.of(-1), Optional.empty())))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aDownloadOpensTheFilesBytesOnItsCredential() throws Exception {
        String name = uploaded(A, 100);
        try (FilesPort.DownloadedFile file = download.execute(new FileDownload.Command(context(A),
                name.substring(6))).download()) {
            assertThat(file.body().readAllBytes()).hasSize(100);
        }
        assertThat(audit.all().getLast().detail()).isEqualTo("download of " + name + ": 100 bytes");
    }

    private static NotFoundException catchNotFound(Runnable call) {
        try {
            call.run();
        } catch (NotFoundException e) {
            return e;
        }
        throw new AssertionError("expected the unknown-upload answer");
    }

    /** Google's Files API in memory: uploads by URL, files by name, every call counted. */
    static final class FakeFiles implements FilesPort {
        final Map<String, Map<String, Object>> files = new LinkedHashMap<>();
        final Map<String, Long> uploads = new LinkedHashMap<>();
        final List<Integer> pieces = new ArrayList<>();
        final List<Boolean> finalizing = new ArrayList<>();
        final List<Long> offsets = new ArrayList<>();
        final List<Byte> firstBytes = new ArrayList<>();
        final List<String> credentialsUsed = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        RuntimeException failNext;
        private int next;

        private void called(UpstreamCredential credential) {
            calls.incrementAndGet();
            credentialsUsed.add(credential.id().value());
            if (failNext != null) {
                RuntimeException failure = failNext;
                failNext = null;
                throw failure;
            }
        }

        @Override
        public UpstreamUploadUrl startUpload(UpstreamCredential credential, UploadStart start, Duration timeout) {
            called(credential);
            String url = "https://upstream.example/upload/" + ++next;
            uploads.put(url, 0L);
            return new UpstreamUploadUrl(url);
        }

        @Override
        public ChunkAnswer uploadChunk(UpstreamCredential credential, UpstreamUploadUrl url, long offset, byte[] bytes,
                                       boolean finalize, Duration timeout) {
            called(credential);
            pieces.add(bytes.length);
            finalizing.add(finalize);
            offsets.add(offset);
            firstBytes.add(bytes.length > 0 ? bytes[0] : null);
            long received = uploads.get(url.value());
            if (offset != received) {
                throw new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, 400, "bad offset");
            }
            uploads.put(url.value(), received + bytes.length);
            if (!finalize) {
                return new ChunkAnswer.Active();
            }
            String name = "files/file" + next + "x" + files.size();
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("name", name);
            file.put("sizeBytes", Long.toString(received + bytes.length));
            file.put("state", "ACTIVE");
            file.put("expirationTime", "2026-12-02T10:00:00Z");
            files.put(name, file);
            return new ChunkAnswer.Final(new LinkedHashMap<>(file));
        }

        @Override
        public Map<String, Object> getFile(UpstreamCredential credential, UpstreamResourceName name,
                                           Duration timeout) {
            called(credential);
            Map<String, Object> file = files.get(name.value());
            if (file == null) {
                throw new UpstreamException(UpstreamException.Kind.NOT_FOUND, 403, "gone");
            }
            return new LinkedHashMap<>(file);
        }

        @Override
        public void deleteFile(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
            called(credential);
            if (files.remove(name.value()) == null) {
                throw new UpstreamException(UpstreamException.Kind.NOT_FOUND, 403, "gone");
            }
        }

        @Override
        public DownloadedFile download(UpstreamCredential credential, UpstreamResourceName name, Duration timeout) {
            called(credential);
            Map<String, Object> file = files.get(name.value());
            if (file == null) {
                throw new UpstreamException(UpstreamException.Kind.NOT_FOUND, 403, "gone");
            }
            int size = Integer.parseInt((String) file.get("sizeBytes"));
            return new DownloadedFile(Optional.of("text/plain"), OptionalLong.of(size),
                    new ByteArrayInputStream(new byte[size]));
        }
    }
}
