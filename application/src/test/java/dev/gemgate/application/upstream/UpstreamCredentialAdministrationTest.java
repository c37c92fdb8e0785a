package dev.gemgate.application.upstream;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryUpstreamCredentialStore;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool's admin use cases over in-memory ports: the rotation rules, the listener, an audit trail without secrets. */
class UpstreamCredentialAdministrationTest {
    private static final AdminActor ALICE = new AdminActor("sub-alice", "Alice Admin", "192.0.2.10");
    /** Shaped unlike anything the audit's masking recognises, so that only leaving it out keeps it out. */
    private static final String SECRET = "plainpoolsecret0123456789";
    private static final String SERVICE_ACCOUNT = "{\"type\":\"service_account\",\"private_key\":\"pkvalue42xyz\"}";

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final AdminAudit adminAudit = new AdminAudit(audit, ids, clock);
    private final InMemoryUpstreamCredentialStore store = new InMemoryUpstreamCredentialStore();
    private final AtomicInteger changes = new AtomicInteger();

    private final AddUpstreamCredential add = new AddUpstreamCredential(store, adminAudit, changes::incrementAndGet,
            clock);
    private final ListUpstreamCredentials list = new ListUpstreamCredentials(store);
    private final GetUpstreamCredential get = new GetUpstreamCredential(store);
    private final ChangeUpstreamCredential change = new ChangeUpstreamCredential(store, adminAudit,
            changes::incrementAndGet, clock);
    private final DeleteUpstreamCredential delete = new DeleteUpstreamCredential(store, adminAudit,
            changes::incrementAndGet);

    private static UpstreamCredentialSpec apiKey(String id, int weight) {
        return new UpstreamCredentialSpec(id, UpstreamCredential.Mode.GEMINI_API_KEY, SECRET, weight,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static UpstreamCredentialId id(String value) {
        return new UpstreamCredentialId(value);
    }

    private CredentialEntry setStatus(String id, CredentialStatus status) {
        return change.execute(new ChangeUpstreamCredential.Command(id(id), Optional.of(status), Optional.empty(),
                ALICE));
    }

    @Test
    void aRotationAddsDrainsDisablesAndDeletesTellingThePoolEachTime() {
        CredentialEntry added = add.execute(new AddUpstreamCredential.Command(apiKey("new-key", 5), ALICE));
        assertThat(added.status()).isEqualTo(CredentialStatus.ACTIVE);
        assertThat(added.source()).isEqualTo(CredentialSource.ADMIN);
        assertThat(changes).hasValue(1);
        assertThat(store.loadAll().getFirst().secret()).contains(SECRET);

        clock.advance(Duration.ofMinutes(1));
        assertThat(setStatus("new-key", CredentialStatus.DRAINING).status()).isEqualTo(CredentialStatus.DRAINING);
        assertThatThrownBy(() -> delete.execute(new DeleteUpstreamCredential.Command(id("new-key"), ALICE)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("DRAINING");
        assertThat(setStatus("new-key", CredentialStatus.DISABLED).updatedAt())
                .isEqualTo(clock.instant());
        assertThat(changes).hasValue(3);

        assertThat(delete.execute(new DeleteUpstreamCredential.Command(id("new-key"), ALICE)).status())
                .isEqualTo(CredentialStatus.DISABLED);
        assertThat(changes).hasValue(4);
        assertThat(list.execute()).isEmpty();
        assertThatThrownBy(() -> get.execute(id("new-key"))).isInstanceOf(NotFoundException.class);

        assertThat(audit.all()).extracting(AuditEvent::type).containsExactly(
                AuditEventType.UPSTREAM_CREDENTIAL_ADDED, AuditEventType.UPSTREAM_CREDENTIAL_CHANGED,
                AuditEventType.UPSTREAM_CREDENTIAL_CHANGED, AuditEventType.UPSTREAM_CREDENTIAL_DELETED);
        AuditEvent drained = audit.all().get(1);
        assertThat(drained.actor()).isEqualTo("sub-alice");
        assertThat(drained.admin().orElseThrow().target()).isEqualTo("upstream-credential:new-key");
        assertThat(drained.admin().orElseThrow().before().orElseThrow()).contains("\"status\":\"ACTIVE\"");
        assertThat(drained.admin().orElseThrow().after().orElseThrow()).contains("\"status\":\"DRAINING\"");
        assertThat(audit.all().getLast().admin().orElseThrow().after()).isEmpty();
    }

    @Test
    void theAuditTrailNeverHoldsTheSecret() {
        add.execute(new AddUpstreamCredential.Command(apiKey("k1", 1), ALICE));
        add.execute(new AddUpstreamCredential.Command(new UpstreamCredentialSpec("vertex-1",
                UpstreamCredential.Mode.VERTEX_AI, SERVICE_ACCOUNT, 2, Optional.empty(), Optional.of("my-project"),
                Optional.of("us-central1")), ALICE));
        change.execute(new ChangeUpstreamCredential.Command(id("k1"), Optional.of(CredentialStatus.DISABLED),
                Optional.of(9), ALICE));
        delete.execute(new DeleteUpstreamCredential.Command(id("k1"), ALICE));
        adminAudit.upstreamCredentialRejected(store.find(id("vertex-1")).orElseThrow(), "Google answered 403");

        assertThat(audit.all()).hasSize(5).allSatisfy(event -> assertThat(String.join("|", event.toString(),
                event.detail(), event.admin().orElseThrow().before().orElse(""),
                event.admin().orElseThrow().after().orElse("")))
                .doesNotContain(SECRET).doesNotContain("pkvalue42xyz").doesNotContain("private_key"));
        assertThat(audit.all().get(1).admin().orElseThrow().after().orElseThrow())
                .contains("\"vertexProject\":\"my-project\"");
    }

    @Test
    void anIdIsTakenOnceAndBadSpecsAreRefusedNamingTheField() {
        add.execute(new AddUpstreamCredential.Command(apiKey("k", 1), ALICE));
        assertThatThrownBy(() -> add.execute(new AddUpstreamCredential.Command(apiKey("k", 1), ALICE)))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> add.execute(new AddUpstreamCredential.Command(apiKey("k2", 1001), ALICE)))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).contains("weight"));
        assertThat(changes).hasValue(1);
        assertThat(audit.all()).hasSize(1);

        UpstreamCredentialSpec bad = new UpstreamCredentialSpec("bad id", UpstreamCredential.Mode.VERTEX_AI,
                "not json " + SECRET, 0, Optional.of("ftp://example.com"), Optional.empty(), Optional.empty());
        assertThat(bad.problems()).containsOnlyKeys("id", "serviceAccountJson", "weight", "baseUrl",
                "vertexProject", "vertexLocation");
        assertThat(bad.problems().values()).noneMatch(p -> p.contains(SECRET));
        assertThat(bad.toString()).doesNotContain(SECRET);

        assertThat(new UpstreamCredentialSpec("k3", UpstreamCredential.Mode.GEMINI_API_KEY, "a\u0007b", 1,
                Optional.of("https://user:pw@example.com"), Optional.of("p"), Optional.empty()).problems())
                .containsOnlyKeys("apiKey", "baseUrl", "vertexProject");
        assertThat(new UpstreamCredentialSpec("k4", UpstreamCredential.Mode.GEMINI_API_KEY, "x".repeat(1025), 1,
                Optional.of("http://localhost:8089"), Optional.empty(), Optional.empty()).problems())
                .containsOnlyKeys("apiKey");
        assertThat(apiKey("ok.id_1-2", 1000).problems()).isEmpty();
    }

    @Test
    void aChangeToTheSameValuesIsNotRecordedAndAnUnknownIdIs404() {
        add.execute(new AddUpstreamCredential.Command(apiKey("k", 4), ALICE));
        change.execute(new ChangeUpstreamCredential.Command(id("k"), Optional.of(CredentialStatus.ACTIVE),
                Optional.of(4), ALICE));
        assertThat(changes).hasValue(1);
        assertThat(audit.all()).hasSize(1);
        CredentialEntry weighted = change.execute(new ChangeUpstreamCredential.Command(id("k"), Optional.empty(),
                Optional.of(40), ALICE));
        assertThat(weighted.weight()).isEqualTo(40);
        assertThat(audit.all().getLast().detail()).contains("weight 4 -> 40");
        assertThatThrownBy(() -> setStatus("missing", CredentialStatus.DISABLED))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> new ChangeUpstreamCredential.Command(id("k"), Optional.empty(), Optional.empty(),
                ALICE)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void theConfiguredCredentialCanBeDisabledButNotDeleted() {
        store.registerConfigured(id("configured"), UpstreamCredential.Mode.GEMINI_API_KEY, Optional.empty(),
                clock.instant());
        setStatus("configured", CredentialStatus.DISABLED);
        assertThatThrownBy(() -> delete.execute(new DeleteUpstreamCredential.Command(id("configured"), ALICE)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("remove it from the configuration");
        assertThat(get.execute(id("configured")).status()).isEqualTo(CredentialStatus.DISABLED);
    }
}
