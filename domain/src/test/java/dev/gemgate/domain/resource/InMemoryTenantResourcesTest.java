package dev.gemgate.domain.resource;

import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.fakes.InMemoryTenantResources;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fake keeps the rules of the PostgreSQL store, so application tests built on it hold there too. */
class InMemoryTenantResourcesTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private final InMemoryTenantResources store = new InMemoryTenantResources();

    private static TenantResource file(TenantId tenant, String id, String credential, Instant at) {
        return TenantResource.created(UUID.randomUUID(), UpstreamResourceName.of(ResourceKind.FILE, id), tenant,
                new ApiKeyId(UUID.randomUUID()), new UpstreamCredentialId(credential), Optional.empty(), "ACTIVE",
                Optional.of(at.plusSeconds(3600)), at);
    }

    @Test
    void isolation_uniqueness_expiry_soft_delete_and_keyset_paging() {
        TenantId a = new TenantId(UUID.randomUUID());
        TenantId b = new TenantId(UUID.randomUUID());
        TenantResource mine = store.record(file(a, "x", "c1", T0));
        UpstreamResourceName x = mine.name();

        assertThat(store.find(b, x)).isEmpty();
        assertThat(store.delete(b, x, T0)).isEmpty();
        assertThatThrownBy(() -> store.record(file(b, "x", "c1", T0))).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.record(file(a, "x", "c2", T0))).isInstanceOf(ConflictException.class);
        TenantResource theirs = store.record(file(b, "x", "c2", T0));
        assertThat(store.find(b, x)).contains(theirs);

        // expired at Google: yields to a new one of the same name and credential
        TenantResource after = store.record(file(b, "y", "c1", T0.plusSeconds(1)));
        TenantResource renewed = store.record(file(a, "x", "c1", T0.plusSeconds(3601)));
        assertThat(store.find(a, x)).contains(renewed);
        assertThat(store.all()).filteredOn(r -> r.id().equals(mine.id())).singleElement()
                .satisfies(r -> assertThat(r.deletedAt()).contains(T0.plusSeconds(3600)));

        assertThat(store.delete(b, after.name(), T0.plusSeconds(2)).orElseThrow().deleted()).isTrue();
        assertThat(store.find(b, after.name())).isEmpty();

        List<TenantResource> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            store.record(file(b, "p" + i, "c1", T0.plusSeconds(10)));
        }
        Optional<String> token = Optional.empty();
        do {
            ResourcePage page = store.list(b, ResourceKind.FILE, 2, token);
            seen.addAll(page.resources());
            token = page.nextPageToken();
        } while (token.isPresent());
        assertThat(seen).hasSize(6).doesNotHaveDuplicates().last().isEqualTo(theirs);
    }
}
