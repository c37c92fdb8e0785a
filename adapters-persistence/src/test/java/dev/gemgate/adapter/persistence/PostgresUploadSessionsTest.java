package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.resource.FilesPort;
import dev.gemgate.domain.resource.UploadSession;
import dev.gemgate.domain.resource.UploadToken;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The upload sessions on the real PostgreSQL (V25): found while open, advanced by compare-and-set, closed for good. */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresUploadSessionsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00.123456Z");

    @Inject
    PostgresUploadSessions sessions;

    @Inject
    DataSource dataSource;

    private static UploadSession session(UploadToken token) {
        return new UploadSession(token.hash(), new TenantId(UUID.randomUUID()), new ApiKeyId(UUID.randomUUID()),
                new UpstreamCredentialId("pool-1"),
                new FilesPort.UpstreamUploadUrl("https://upstream.example/upload/v1beta/files?upload_id=x"), 0, T0,
                T0.plus(Duration.ofDays(1)));
    }

    @Test
    void aSessionIsFoundByItsTokenUntilItExpires() {
        UploadToken token = UploadToken.random();
        UploadSession created = session(token);
        sessions.create(created);

        assertThat(sessions.find(token.hash(), T0.plusSeconds(1))).contains(created);
        assertThat(sessions.find(UploadToken.random().hash(), T0.plusSeconds(1))).isEmpty();
        assertThat(sessions.find(token.hash(), created.expiresAt())).isEmpty();
    }

    @Test
    void advancingMovesTheReceivedBytesOnlyFromWhereTheyAre() {
        UploadToken token = UploadToken.random();
        sessions.create(session(token));

        assertThat(sessions.advance(token.hash(), 0, 8 << 20, T0.plusSeconds(1))).isTrue();
        assertThat(sessions.advance(token.hash(), 0, 8 << 20, T0.plusSeconds(2))).isFalse();
        assertThat(sessions.find(token.hash(), T0.plusSeconds(3)).orElseThrow().receivedBytes()).isEqualTo(8 << 20);
    }

    @Test
    void aFinishedSessionIsNeverFoundOrAdvancedAgain() {
        UploadToken token = UploadToken.random();
        sessions.create(session(token));
        sessions.finish(token.hash(), T0.plusSeconds(1));

        assertThat(sessions.find(token.hash(), T0.plusSeconds(2))).isEmpty();
        assertThat(sessions.advance(token.hash(), 0, 1, T0.plusSeconds(2))).isFalse();
    }

    @Test
    void theTokenItselfIsNeverStoredOnlyItsHash() throws Exception {
        UploadToken token = UploadToken.random();
        sessions.create(session(token));
        try (Connection c = dataSource.getConnection();
             ResultSet r = c.createStatement().executeQuery("SELECT token_hash FROM upload_sessions")) {
            while (r.next()) {
                assertThat(r.getString(1)).isNotEqualTo(token.value()).matches("[0-9a-f]{64}");
            }
        }
    }
}
