package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.upstream.CredentialEntry;
import dev.gemgate.domain.upstream.CredentialSource;
import dev.gemgate.domain.upstream.CredentialStatus;
import dev.gemgate.domain.upstream.StoredCredential;
import dev.gemgate.domain.upstream.UpstreamCredential;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upstream credential pool of V19 on real PostgreSQL: encryption at rest, conflicts, changes, configured rows. */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresUpstreamCredentialStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-30T06:00:00Z");

    @Inject
    DataSource dataSource;

    @Inject
    DatabaseGuard guard;

    private PostgresUpstreamCredentialStore store;

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @BeforeEach
    void anEmptyPool() throws SQLException {
        store = new PostgresUpstreamCredentialStore(dataSource, guard, new AesGcmSecretBox(key(1)));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM upstream_credentials");
        }
    }

    private static UpstreamCredentialId id(String value) {
        return new UpstreamCredentialId(value);
    }

    private static String uniqueSecret() {
        return "AIza-pool-secret-" + UUID.randomUUID();
    }

    @Test
    void anAddedKeyIsStoredEncryptedAndLoadsDecrypted() throws SQLException {
        String secret = uniqueSecret();
        CredentialEntry added = store.add(UpstreamCredential.apiKey(id("key-a"), secret,
                Optional.of("http://localhost:9999")), 3, T0);
        String json = "{\"type\":\"service_account\",\"private_key\":\"" + UUID.randomUUID() + "\"}";
        store.add(new UpstreamCredential(id("vertex-b"), UpstreamCredential.Mode.VERTEX_AI, json, Optional.empty(),
                Optional.of("my-project"), Optional.of("europe-west4")), 1, T0);

        assertThat(added.source()).isEqualTo(CredentialSource.ADMIN);
        assertThat(added.status()).isEqualTo(CredentialStatus.ACTIVE);
        assertThat(store.loadAll()).extracting(c -> c.entry().id().value(), StoredCredential::secret)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("key-a", Optional.of(secret)),
                        org.assertj.core.groups.Tuple.tuple("vertex-b", Optional.of(json)));
        StoredCredential a = store.loadAll().getFirst();
        assertThat(a.entry()).isEqualTo(added);
        assertThat(a.credential().baseUrl()).contains("http://localhost:9999");
        assertThat(store.find(id("vertex-b")).orElseThrow().vertexProject()).contains("my-project");

        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT * FROM upstream_credentials WHERE id = 'key-a'");
             ResultSet row = s.executeQuery()) {
            assertThat(row.next()).isTrue();
            byte[] ciphertext = row.getBytes("secret_ciphertext");
            assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(secret)
                    .doesNotContain(secret.substring(5, 25));
            for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                assertThat(String.valueOf(row.getObject(i))).doesNotContain(secret);
            }
            assertThat(row.getString("master_key_id")).isEqualTo(AesGcmSecretBox.fingerprint(key(1)));
        }
    }

    @Test
    void anIdIsAddedOnce() {
        store.add(UpstreamCredential.apiKey(id("dup"), uniqueSecret(), Optional.empty()), 1, T0);
        assertThatThrownBy(() -> store.add(UpstreamCredential.apiKey(id("dup"), uniqueSecret(), Optional.empty()), 1,
                T0)).isInstanceOf(ConflictException.class).hasMessageContaining("dup");
    }

    @Test
    void statusAndWeightChangeSeparatelyAndDeleteRemoves() {
        store.add(UpstreamCredential.apiKey(id("k"), uniqueSecret(), Optional.empty()), 1, T0);
        CredentialEntry drained = store.update(id("k"), Optional.of(CredentialStatus.DRAINING), Optional.empty(),
                T0.plusSeconds(60)).orElseThrow();
        assertThat(drained.status()).isEqualTo(CredentialStatus.DRAINING);
        assertThat(drained.weight()).isEqualTo(1);
        assertThat(drained.updatedAt()).isEqualTo(T0.plusSeconds(60));
        CredentialEntry weighted = store.update(id("k"), Optional.empty(), Optional.of(250), T0.plusSeconds(120))
                .orElseThrow();
        assertThat(weighted.status()).isEqualTo(CredentialStatus.DRAINING);
        assertThat(weighted.weight()).isEqualTo(250);
        assertThat(store.find(id("k"))).contains(weighted);
        assertThat(store.update(id("missing"), Optional.of(CredentialStatus.DISABLED), Optional.empty(), T0))
                .isEmpty();

        assertThat(store.delete(id("k"))).isTrue();
        assertThat(store.delete(id("k"))).isFalse();
        assertThat(store.find(id("k"))).isEmpty();
        assertThat(store.loadAll()).isEmpty();
    }

    @Test
    void theConfiguredCredentialIsRegisteredOnceAndKeepsItsSettings() throws SQLException {
        CredentialEntry first = store.registerConfigured(id("configured"), UpstreamCredential.Mode.GEMINI_API_KEY,
                Optional.empty(), T0);
        assertThat(first.source()).isEqualTo(CredentialSource.CONFIGURATION);
        assertThat(first.status()).isEqualTo(CredentialStatus.ACTIVE);
        assertThat(first.weight()).isEqualTo(1);
        assertThat(store.registerConfigured(id("configured"), UpstreamCredential.Mode.GEMINI_API_KEY,
                Optional.empty(), T0.plusSeconds(5))).isEqualTo(first);

        store.update(id("configured"), Optional.of(CredentialStatus.DRAINING), Optional.of(7), T0.plusSeconds(10));
        CredentialEntry again = store.registerConfigured(id("configured"), UpstreamCredential.Mode.GEMINI_API_KEY,
                Optional.of("http://emulator:8089"), T0.plusSeconds(20));
        assertThat(again.status()).isEqualTo(CredentialStatus.DRAINING);
        assertThat(again.weight()).isEqualTo(7);
        assertThat(again.baseUrl()).contains("http://emulator:8089");
        assertThat(again.createdAt()).isEqualTo(T0);

        assertThat(store.loadAll()).singleElement().satisfies(c -> assertThat(c.secret()).isEmpty());
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet row = s.executeQuery("SELECT secret_ciphertext, master_key_id FROM upstream_credentials")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getBytes(1)).isNull();
            assertThat(row.getString(2)).isNull();
        }
    }

    @Test
    void theConfiguredIdCannotTakeOverAnAddedCredential() {
        store.add(UpstreamCredential.apiKey(id("taken"), uniqueSecret(), Optional.empty()), 1, T0);
        assertThatThrownBy(() -> store.registerConfigured(id("taken"), UpstreamCredential.Mode.GEMINI_API_KEY,
                Optional.empty(), T0)).isInstanceOf(ConflictException.class);
        assertThat(store.find(id("taken")).orElseThrow().source()).isEqualTo(CredentialSource.ADMIN);
    }

    @Test
    void anotherMasterKeyStopsTheLoadNamingTheCredentialsNotTheKey() {
        store.add(UpstreamCredential.apiKey(id("b-key"), uniqueSecret(), Optional.empty()), 1, T0);
        store.add(UpstreamCredential.apiKey(id("a-key"), uniqueSecret(), Optional.empty()), 1, T0);
        store.registerConfigured(id("configured"), UpstreamCredential.Mode.GEMINI_API_KEY, Optional.empty(), T0);
        PostgresUpstreamCredentialStore wrong =
                new PostgresUpstreamCredentialStore(dataSource, guard, new AesGcmSecretBox(key(2)));
        assertThatThrownBy(wrong::loadAll).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a-key, b-key")
                .hasMessageContaining(AesGcmSecretBox.fingerprint(key(1)))
                .hasMessageContaining(AesGcmSecretBox.fingerprint(key(2)))
                .hasMessageContaining("gemgate.vault.master-key")
                .hasMessageNotContaining("configured")
                .hasNoCause();
    }

    @Test
    void aCiphertextCopiedToAnotherRowDoesNotOpen() throws SQLException {
        store.add(UpstreamCredential.apiKey(id("one"), uniqueSecret(), Optional.empty()), 1, T0);
        store.add(UpstreamCredential.apiKey(id("two"), uniqueSecret(), Optional.empty()), 1, T0);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE upstream_credentials SET secret_ciphertext = (SELECT secret_ciphertext FROM "
                    + "upstream_credentials WHERE id = 'one') WHERE id = 'two'");
        }
        assertThatThrownBy(store::loadAll).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two have a ciphertext that fails authentication")
                .hasMessageNotContaining("one,");
    }

    @Test
    void theTableRefusesASecretOnAConfiguredRowAndAnAdminRowWithout() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("INSERT INTO upstream_credentials (id, mode, source, weight, status, "
                    + "created_at, updated_at) VALUES ('x', 'GEMINI_API_KEY', 'ADMIN', 1, 'ACTIVE', now(), now())"))
                    .hasMessageContaining("upstream_credentials_secret_by_source");
            assertThatThrownBy(() -> s.execute("INSERT INTO upstream_credentials (id, mode, source, weight, status, "
                    + "created_at, updated_at) VALUES ('bad id!', 'GEMINI_API_KEY', 'CONFIGURATION', 1, 'ACTIVE', "
                    + "now(), now())")).hasMessageContaining("upstream_credentials_id_format");
            assertThatThrownBy(() -> s.execute("INSERT INTO upstream_credentials (id, mode, source, weight, status, "
                    + "created_at, updated_at) VALUES ('w', 'GEMINI_API_KEY', 'CONFIGURATION', 1001, 'ACTIVE', "
                    + "now(), now())")).hasMessageContaining("upstream_credentials_weight_range");
        }
    }
}
