package dev.gemgate.adapter.persistence;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.ResourcePage;
import dev.gemgate.domain.resource.ResourceUpdate;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.UpstreamResourceName;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ownership store on the real PostgreSQL (V23). Every test uses fresh tenants and random resource ids, so tests
 * never see each other's rows.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedPostgresTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class PostgresTenantResourcesTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00.123456Z");
    private static final UpstreamCredentialId CRED_1 = new UpstreamCredentialId("pool-1");
    private static final UpstreamCredentialId CRED_2 = new UpstreamCredentialId("pool-2");

    @Inject
    PostgresTenantResources store;

    @Inject
    DataSource dataSource;

    private static TenantId tenant() {
        return new TenantId(UUID.randomUUID());
    }

    private static UpstreamResourceName name(ResourceKind kind) {
        return UpstreamResourceName.of(kind, UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    private static TenantResource resource(TenantId tenant, UpstreamResourceName name, UpstreamCredentialId credential,
                                           Instant at) {
        Optional<ModelId> model = name.kind() == ResourceKind.FILE ? Optional.empty()
                : Optional.of(new ModelId("gemini-2.5-flash"));
        String state = name.kind() == ResourceKind.BATCH ? "BATCH_STATE_PENDING" : "ACTIVE";
        Optional<Instant> expires = name.kind() == ResourceKind.BATCH ? Optional.empty()
                : Optional.of(at.plusSeconds(48 * 3600));
        return TenantResource.created(UUID.randomUUID(), name, tenant, new ApiKeyId(UUID.randomUUID()), credential,
                model, state, expires, at);
    }

    @Test
    void a_recorded_resource_is_found_by_its_tenant_with_every_field_as_written() {
        TenantId tenant = tenant();
        TenantResource file = resource(tenant, name(ResourceKind.FILE), CRED_1, T0).withSizeBytes(12_345);
        TenantResource cache = resource(tenant, name(ResourceKind.CACHED_CONTENT), CRED_2, T0).withTokenCount(40_000)
                .withReserved(Money.ofMicros(1_200));
        TenantResource batch = resource(tenant, name(ResourceKind.BATCH), CRED_1, T0).withRequestCount(3);

        for (TenantResource r : List.of(file, cache, batch)) {
            assertThat(store.record(r)).isEqualTo(r);
            assertThat(store.find(tenant, r.name())).contains(r);
        }
        assertThat(store.find(tenant, name(ResourceKind.FILE))).isEmpty();
        // the same id under another kind is another name
        assertThat(store.find(tenant, UpstreamResourceName.of(ResourceKind.BATCH, file.name().id()))).isEmpty();
    }

    @Test
    void another_tenants_resource_does_not_exist_for_find_list_update_or_delete() {
        TenantId a = tenant();
        TenantId b = tenant();
        TenantResource mine = store.record(resource(a, name(ResourceKind.CACHED_CONTENT), CRED_1, T0));

        assertThat(store.find(b, mine.name())).isEmpty();
        assertThat(store.list(b, ResourceKind.CACHED_CONTENT, 100, Optional.empty()).resources()).isEmpty();
        assertThat(store.update(b, mine.name(), ResourceUpdate.none().withState("FAILED")
                .withSettled(Money.ofMicros(99)), T0.plusSeconds(5))).isEmpty();
        assertThat(store.delete(b, mine.name(), T0.plusSeconds(5))).isEmpty();

        // untouched for its owner
        assertThat(store.find(a, mine.name())).contains(mine);
        assertThat(store.list(a, ResourceKind.CACHED_CONTENT, 100, Optional.empty()).resources())
                .containsExactly(mine);
    }

    @Test
    void list_pages_newest_first_by_keyset_without_repeats_or_gaps_even_when_resources_come_and_go() {
        TenantId tenant = tenant();
        TenantId other = tenant();
        List<TenantResource> files = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // two pairs share their creation time (one across the first page's end): the id breaks the tie
            Instant at = T0.plusSeconds(new int[] {0, 0, 1, 2, 2, 3, 4}[i]);
            files.add(store.record(resource(tenant, name(ResourceKind.FILE), i % 2 == 0 ? CRED_1 : CRED_2, at)));
        }
        store.record(resource(tenant, name(ResourceKind.BATCH), CRED_1, T0.plusSeconds(3)));
        store.record(resource(other, name(ResourceKind.FILE), CRED_1, T0.plusSeconds(3)));
        List<TenantResource> newestFirst = files.stream()
                // PostgreSQL orders uuids by their unsigned bytes, i.e. as their lowercase text (not UUID.compareTo)
                .sorted((x, y) -> x.createdAt().equals(y.createdAt())
                        ? y.id().toString().compareTo(x.id().toString()) : y.createdAt().compareTo(x.createdAt()))
                .toList();

        ResourcePage first = store.list(tenant, ResourceKind.FILE, 3, Optional.empty());
        assertThat(first.resources()).containsExactlyElementsOf(newestFirst.subList(0, 3));
        assertThat(first.nextPageToken()).isPresent();

        // between pages: a newer one arrives and one not yet listed is deleted
        store.record(resource(tenant, name(ResourceKind.FILE), CRED_1, T0.plusSeconds(60)));
        TenantResource gone = newestFirst.get(4);
        assertThat(store.delete(tenant, gone.name(), T0.plusSeconds(61))).isPresent();

        ResourcePage second = store.list(tenant, ResourceKind.FILE, 3, first.nextPageToken());
        assertThat(second.resources()).containsExactly(newestFirst.get(3), newestFirst.get(5), newestFirst.get(6));
        assertThat(second.nextPageToken()).isEmpty();

        ResourcePage exact = store.list(tenant, ResourceKind.FILE, 7, Optional.empty());
        assertThat(exact.resources()).hasSize(7);
        assertThat(exact.nextPageToken()).isEmpty();
        assertThat(store.list(tenant, ResourceKind.BATCH, 10, Optional.empty()).resources()).hasSize(1);

        assertThatThrownBy(() -> store.list(tenant, ResourceKind.FILE, 3, Optional.of("not-a-token")))
                .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("pageToken:");
        assertThatThrownBy(() -> store.list(tenant, ResourceKind.FILE, 0, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list(tenant, ResourceKind.FILE, 1001, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void update_replaces_only_the_given_fields_and_moves_updated_at() {
        TenantId tenant = tenant();
        TenantResource batch = store.record(resource(tenant, name(ResourceKind.BATCH), CRED_1, T0)
                .withReserved(Money.ofMicros(5_000_000)));

        Instant later = T0.plusSeconds(600);
        TenantResource running = store.update(tenant, batch.name(), ResourceUpdate.none()
                .withState("BATCH_STATE_RUNNING").withRequestCount(12), later).orElseThrow();
        assertThat(running.state()).isEqualTo("BATCH_STATE_RUNNING");
        assertThat(running.requestCount()).isEqualTo(OptionalLong.of(12));
        assertThat(running.reserved()).isEqualTo(Money.ofMicros(5_000_000));
        assertThat(running.settled()).isEqualTo(Money.ZERO);
        assertThat(running.updatedAt()).isEqualTo(later);
        assertThat(running.createdAt()).isEqualTo(batch.createdAt());

        TenantResource done = store.update(tenant, batch.name(), ResourceUpdate.none()
                .withState("BATCH_STATE_SUCCEEDED").withSettled(Money.ofMicros(2_345_678)), later.plusSeconds(1))
                .orElseThrow();
        assertThat(done.settled()).isEqualTo(Money.ofMicros(2_345_678));
        assertThat(done.requestCount()).isEqualTo(OptionalLong.of(12));
        assertThat(store.find(tenant, batch.name())).contains(done);

        // a clock behind never moves updatedAt back
        TenantResource stale = store.update(tenant, batch.name(), ResourceUpdate.none(), T0).orElseThrow();
        assertThat(stale.updatedAt()).isEqualTo(later.plusSeconds(1));

        TenantResource cache = store.record(resource(tenant, name(ResourceKind.CACHED_CONTENT), CRED_2, T0));
        Instant shortened = T0.plusSeconds(300);
        assertThat(store.update(tenant, cache.name(), ResourceUpdate.none().withExpireTime(shortened), later)
                .orElseThrow().expireTime()).contains(shortened);

        assertThatThrownBy(() -> store.update(tenant, cache.name(), ResourceUpdate.none().withSizeBytes(1), later))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void delete_keeps_the_row_for_billing_but_the_resource_is_gone_and_its_name_free_again() throws SQLException {
        TenantId tenant = tenant();
        TenantResource cache = store.record(resource(tenant, name(ResourceKind.CACHED_CONTENT), CRED_1, T0));
        store.update(tenant, cache.name(), ResourceUpdate.none().withSettled(Money.ofMicros(777)), T0.plusSeconds(1));

        Instant at = T0.plusSeconds(3600);
        TenantResource deleted = store.delete(tenant, cache.name(), at).orElseThrow();
        assertThat(deleted.deletedAt()).contains(at);
        assertThat(deleted.settled()).isEqualTo(Money.ofMicros(777));

        assertThat(store.find(tenant, cache.name())).isEmpty();
        assertThat(store.list(tenant, ResourceKind.CACHED_CONTENT, 10, Optional.empty()).resources()).isEmpty();
        assertThat(store.update(tenant, cache.name(), ResourceUpdate.none().withState("FAILED"), at)).isEmpty();
        assertThat(store.delete(tenant, cache.name(), at.plusSeconds(1))).isEmpty();
        assertThat(deletedAtAndSettled(cache.id())).isEqualTo(at + " 777");

        // Google may reuse a name once it is gone: the same name under the same credential is a new resource
        TenantResource again = store.record(resource(tenant(), cache.name(), CRED_1, at.plusSeconds(10)));
        assertThat(store.find(again.tenant(), cache.name())).contains(again);
        assertThat(deletedAtAndSettled(cache.id())).isEqualTo(at + " 777");
    }

    @Test
    void a_name_is_unique_per_credential_and_per_tenant_among_live_resources() {
        TenantId a = tenant();
        TenantId b = tenant();
        UpstreamResourceName shared = name(ResourceKind.FILE);
        TenantResource aOnCred1 = store.record(resource(a, shared, CRED_1, T0));

        // the same name in the same project is the same upstream resource: B cannot claim it
        assertThatThrownBy(() -> store.record(resource(b, shared, CRED_1, T0.plusSeconds(1))))
                .isInstanceOf(ConflictException.class).hasMessageNotContaining(a.toString());
        // A cannot hold two live resources it would name the same (which credential would a get go to?)
        assertThatThrownBy(() -> store.record(resource(a, shared, CRED_2, T0.plusSeconds(1))))
                .isInstanceOf(ConflictException.class);

        // the same name in another project is another resource, here B's
        TenantResource bOnCred2 = store.record(resource(b, shared, CRED_2, T0.plusSeconds(2)));
        assertThat(store.find(a, shared)).contains(aOnCred1);
        assertThat(store.find(b, shared)).contains(bOnCred2);
        assertThat(store.find(a, shared).orElseThrow().credential()).isEqualTo(CRED_1);
        assertThat(store.find(b, shared).orElseThrow().credential()).isEqualTo(CRED_2);

        // nothing was written by the refused records
        assertThat(store.list(a, ResourceKind.FILE, 10, Optional.empty()).resources()).containsExactly(aOnCred1);
        assertThat(store.list(b, ResourceKind.FILE, 10, Optional.empty()).resources()).containsExactly(bOnCred2);
    }

    @Test
    void a_live_row_google_has_dropped_at_its_expiry_yields_to_a_new_resource_of_that_name() throws SQLException {
        TenantId a = tenant();
        TenantId b = tenant();
        UpstreamResourceName name = name(ResourceKind.FILE);
        TenantResource old = store.record(resource(a, name, CRED_1, T0)); // expires T0 + 48 h
        Instant expiry = old.expireTime().orElseThrow();

        assertThatThrownBy(() -> store.record(resource(b, name, CRED_1, expiry.minusSeconds(1))))
                .isInstanceOf(ConflictException.class);

        TenantResource fresh = store.record(resource(b, name, CRED_1, expiry.plusSeconds(1)));
        assertThat(store.find(b, name)).contains(fresh);
        assertThat(store.find(a, name)).isEmpty();
        assertThat(deletedAtAndSettled(old.id())).isEqualTo(expiry + " 0");
    }

    private String deletedAtAndSettled(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT deleted_at, settled_micros FROM tenant_resources WHERE id = ?")) {
            statement.setObject(1, id);
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getObject(1, OffsetDateTime.class).toInstant() + " " + row.getLong(2);
            }
        }
    }
}
