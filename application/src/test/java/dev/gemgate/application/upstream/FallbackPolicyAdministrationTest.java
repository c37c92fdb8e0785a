package dev.gemgate.application.upstream;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.application.tenant.CreateTenant;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryFallbackPolicyStore;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.FallbackPolicy;
import dev.gemgate.domain.upstream.StoredFallbackPolicySource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fallback-policy use cases over in-memory ports: the price check, the snapshot at once, the audit trail. */
class FallbackPolicyAdministrationTest {
    private static final AdminActor ALICE = new AdminActor("sub-alice", "Alice Admin", "192.0.2.10");
    private static final ModelId PRO = new ModelId("gemini-3.1-pro-preview");
    private static final ModelId FLASH = new ModelId("gemini-3.6-flash");
    private static final ModelId LITE = new ModelId("gemini-2.5-flash-lite");

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final AdminAudit adminAudit = new AdminAudit(audit, ids, clock);
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add(PRO.value(), "2", "12", "0.2").add(FLASH.value(), "0.3", "2.5", "0.03")
            .add(LITE.value(), "0.1", "0.4", "0.01");
    private final InMemoryFallbackPolicyStore store = new InMemoryFallbackPolicyStore();
    private final StoredFallbackPolicySource source =
            new StoredFallbackPolicySource(Map.of(PRO, List.of(FLASH)), store);

    private final SetFallbackPolicy set = new SetFallbackPolicy(tenants, store, source, pricing, adminAudit, clock);
    private final GetFallbackPolicy get = new GetFallbackPolicy(tenants, store, source);
    private final RemoveFallbackPolicy remove = new RemoveFallbackPolicy(tenants, store, source, adminAudit);

    private final Tenant acme = new CreateTenant(tenants, adminAudit, ids, clock)
            .execute(new CreateTenant.Command("acme"));

    private List<AuditEvent> changes() {
        return audit.all().stream().filter(e -> e.type() == AuditEventType.FALLBACK_POLICY_CHANGED).toList();
    }

    @Test
    void aSetPolicyIsStoredInForceAtOnceAndAuditedWithoutBeforeTheFirstTime() {
        GetFallbackPolicy.Result initially = get.execute(new GetFallbackPolicy.Query(acme.id()));
        assertThat(initially.stored()).isEmpty();
        assertThat(initially.policy()).isEqualTo(FallbackPolicy.DEFAULT);
        assertThat(initially.configured()).isEqualTo(Map.of(PRO, List.of(FLASH)));

        FallbackPolicy own = new FallbackPolicy(false, Map.of(PRO, List.of(LITE, FLASH)));
        assertThat(set.execute(new SetFallbackPolicy.Command(acme.id(), own, ALICE))).isEqualTo(own);
        assertThat(source.chainFor(acme.id(), PRO)).containsExactly(LITE, FLASH);
        assertThat(get.execute(new GetFallbackPolicy.Query(acme.id())).stored()).contains(own);

        AuditEvent event = changes().getFirst();
        assertThat(event.tenant()).contains(acme.id());
        assertThat(event.actor()).isEqualTo("sub-alice");
        assertThat(event.admin().orElseThrow().before()).isEmpty();
        assertThat(event.admin().orElseThrow().after()).contains(
                "{\"strict\":false,\"chains\":{\"gemini-3.1-pro-preview\":[\"gemini-2.5-flash-lite\","
                        + "\"gemini-3.6-flash\"]}}");
    }

    @Test
    void settingTheSamePolicyAgainChangesNothingAndIsNotAudited() {
        FallbackPolicy strict = new FallbackPolicy(true, Map.of());
        set.execute(new SetFallbackPolicy.Command(acme.id(), strict, ALICE));
        set.execute(new SetFallbackPolicy.Command(acme.id(), strict, ALICE));
        assertThat(changes()).hasSize(1);
        assertThat(source.chainFor(acme.id(), PRO)).isEmpty();

        set.execute(new SetFallbackPolicy.Command(acme.id(), FallbackPolicy.DEFAULT, ALICE));
        assertThat(changes()).hasSize(2);
        assertThat(changes().get(1).admin().orElseThrow().before()).contains("{\"strict\":true,\"chains\":{}}");
        assertThat(source.chainFor(acme.id(), PRO)).containsExactly(FLASH);
    }

    @Test
    void aModelWithoutAPriceIsRefusedNamingTheChainAndNothingIsStored() {
        ModelId unpriced = new ModelId("gemini-9-ultra");
        assertThatThrownBy(() -> set.execute(new SetFallbackPolicy.Command(acme.id(),
                new FallbackPolicy(false, Map.of(PRO, List.of(FLASH, unpriced))), ALICE)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).contains("chains.gemini-3.1-pro-preview");
                    assertThat(e.problem()).contains("models/gemini-9-ultra has no price");
                });
        assertThatThrownBy(() -> set.execute(new SetFallbackPolicy.Command(acme.id(),
                new FallbackPolicy(false, Map.of(unpriced, List.of(FLASH))), ALICE)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).contains("chains.gemini-9-ultra"));
        assertThat(store.find(acme.id())).isEmpty();
        assertThat(changes()).isEmpty();
    }

    @Test
    void removingRestoresTheConfiguredChainsAuditsTheRemovedPolicyAndIsANoOpWithoutOne() {
        FallbackPolicy strict = new FallbackPolicy(true, Map.of());
        set.execute(new SetFallbackPolicy.Command(acme.id(), strict, ALICE));
        assertThat(remove.execute(new RemoveFallbackPolicy.Command(acme.id(), ALICE))).isTrue();
        assertThat(source.chainFor(acme.id(), PRO)).containsExactly(FLASH);
        assertThat(store.find(acme.id())).isEmpty();
        AuditEvent removal = changes().get(1);
        assertThat(removal.admin().orElseThrow().before()).contains("{\"strict\":true,\"chains\":{}}");
        assertThat(removal.admin().orElseThrow().after()).isEmpty();

        assertThat(remove.execute(new RemoveFallbackPolicy.Command(acme.id(), ALICE))).isFalse();
        assertThat(changes()).hasSize(2);
    }

    @Test
    void unknownAndDeletedTenantsAreNotFound() {
        TenantId unknown = new TenantId(UUID.randomUUID());
        assertThatThrownBy(() -> get.execute(new GetFallbackPolicy.Query(unknown)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> set.execute(new SetFallbackPolicy.Command(unknown, FallbackPolicy.DEFAULT, ALICE)))
                .isInstanceOf(NotFoundException.class);
        tenants.save(acme.deletedAt(clock.instant()));
        assertThatThrownBy(() -> remove.execute(new RemoveFallbackPolicy.Command(acme.id(), ALICE)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> new SetFallbackPolicy.Command(acme.id(), null, ALICE))
                .isInstanceOf(InvalidRequestException.class);
    }
}
