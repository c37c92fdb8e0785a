package dev.gemgate.application.cache;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.cache.CachePolicy;
import dev.gemgate.domain.cache.StoredCachePolicySource;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryCachePolicyStore;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cache-policy use cases over in-memory ports: the snapshot in force at once and the audit trail. */
class CachePolicyAdministrationTest {
    private static final AdminActor ALICE = new AdminActor("sub-alice", "Alice Admin", "192.0.2.10");
    private static final CachePolicy CONFIGURED = new CachePolicy(Duration.ofMinutes(5), false);

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final AdminAudit adminAudit = new AdminAudit(audit, ids, clock);
    private final InMemoryCachePolicyStore store = new InMemoryCachePolicyStore();
    private final StoredCachePolicySource source = new StoredCachePolicySource(CONFIGURED, store);

    private final SetCachePolicy set = new SetCachePolicy(tenants, store, source, adminAudit);
    private final GetCachePolicy get = new GetCachePolicy(tenants, store, source);
    private final RemoveCachePolicy remove = new RemoveCachePolicy(tenants, store, source, adminAudit);

    private final Tenant acme = new CreateTenant(tenants, adminAudit, ids, clock)
            .execute(new CreateTenant.Command("acme"));

    private List<AuditEvent> changes() {
        return audit.all().stream().filter(e -> e.type() == AuditEventType.CACHE_POLICY_CHANGED).toList();
    }

    @Test
    void aSetPolicyIsInForceAtOnceAndAuditedWithBeforeAndAfter() {
        GetCachePolicy.Result initially = get.execute(new GetCachePolicy.Query(acme.id()));
        assertThat(initially.stored()).isEmpty();
        assertThat(initially.policy()).isEqualTo(CONFIGURED);

        CachePolicy own = new CachePolicy(Duration.ofHours(1), true);
        set.execute(new SetCachePolicy.Command(acme.id(), own, ALICE));
        assertThat(source.policyOf(acme.id())).isEqualTo(own);
        assertThat(get.execute(new GetCachePolicy.Query(acme.id())).policy()).isEqualTo(own);

        AuditEvent event = changes().getFirst();
        assertThat(event.tenant()).contains(acme.id());
        assertThat(event.actor()).isEqualTo("sub-alice");
        assertThat(event.admin().orElseThrow().before()).isEmpty();
        assertThat(event.admin().orElseThrow().after()).hasValueSatisfying(after -> assertThat(after)
                .contains("\"ttl\":\"PT1H\"").contains("\"cacheNonDeterministic\":true"));

        set.execute(new SetCachePolicy.Command(acme.id(), own, ALICE)); // unchanged: not audited again
        assertThat(changes()).hasSize(1);
        set.execute(new SetCachePolicy.Command(acme.id(), CachePolicy.OFF, ALICE));
        assertThat(changes()).hasSize(2);
        assertThat(changes().get(1).admin().orElseThrow().before()).hasValueSatisfying(before ->
                assertThat(before).contains("PT1H"));
        assertThat(source.policyOf(acme.id())).isEqualTo(CachePolicy.OFF);
    }

    @Test
    void aRemovedPolicyLeavesTheConfiguredOneAndIsAuditedOnlyWhenThereWasOne() {
        assertThat(remove.execute(new RemoveCachePolicy.Command(acme.id(), ALICE))).isFalse();
        assertThat(changes()).isEmpty();

        set.execute(new SetCachePolicy.Command(acme.id(), CachePolicy.OFF, ALICE));
        assertThat(remove.execute(new RemoveCachePolicy.Command(acme.id(), ALICE))).isTrue();
        assertThat(source.policyOf(acme.id())).isEqualTo(CONFIGURED);
        assertThat(changes()).hasSize(2);
        assertThat(changes().get(1).admin().orElseThrow().after()).isEmpty();
    }

    @Test
    void anUnknownTenantIsNotFound() {
        TenantId nobody = new TenantId(UUID.randomUUID());
        assertThatThrownBy(() -> set.execute(new SetCachePolicy.Command(nobody, CachePolicy.OFF, ALICE)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> get.execute(new GetCachePolicy.Query(nobody))).isInstanceOf(NotFoundException.class);
    }
}
