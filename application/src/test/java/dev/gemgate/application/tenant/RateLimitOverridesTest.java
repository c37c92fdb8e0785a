package dev.gemgate.application.tenant;

import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.fakes.InMemoryApiKeyRepository;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryRateLimitOverrideStore;
import dev.gemgate.domain.fakes.InMemoryTenantRepository;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.quota.LimitOverrides;
import dev.gemgate.domain.quota.OverridingRateLimitSource;
import dev.gemgate.domain.quota.PriorityClass;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyGrant;
import dev.gemgate.domain.tenant.KeyGrantLookup;
import dev.gemgate.domain.tenant.Tenant;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static dev.gemgate.application.tenant.TenantAdministrationTest.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitOverridesTest {
    private static final RateLimits TENANT_DEFAULTS = RateLimits.UNLIMITED.withRequestsPerMinute(100);
    private static final RateLimits TENANT_MODEL_DEFAULTS = RateLimits.UNLIMITED.withTokensPerMinute(50_000);
    private static final RateLimits KEY_DEFAULTS = RateLimits.UNLIMITED.withRequestsPerMinute(3);
    private static final OptionalLong NONE = OptionalLong.empty();

    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryTenantRepository tenants = new InMemoryTenantRepository();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final AdminAudit adminAudit = new AdminAudit(audit, ids, clock);
    private final InMemoryRateLimitOverrideStore store = new InMemoryRateLimitOverrideStore();
    private final OverridingRateLimitSource limits = new OverridingRateLimitSource(TENANT_DEFAULTS,
            TENANT_MODEL_DEFAULTS, KEY_DEFAULTS, store);
    private final KeyGrantLookup lookup = new KeyGrantLookup() {
        @Override
        public Optional<KeyGrant> findByHash(String hash) {
            return Optional.empty();
        }

        @Override
        public void forget(String hash) {
        }
    };

    private final GetTenantRateLimits getTenant = new GetTenantRateLimits(tenants, store, limits);
    private final SetTenantRateLimits setTenant = new SetTenantRateLimits(tenants, store, limits, adminAudit);
    private final ClearTenantRateLimits clearTenant = new ClearTenantRateLimits(tenants, store, limits, adminAudit);
    private final GetApiKeyRateLimits getKey = new GetApiKeyRateLimits(tenants, keys, store, limits);
    private final SetApiKeyRateLimits setKey = new SetApiKeyRateLimits(tenants, keys, store, limits, adminAudit);
    private final ClearApiKeyRateLimits clearKey = new ClearApiKeyRateLimits(tenants, keys, store, limits,
            adminAudit);

    private final Tenant acme = new CreateTenant(tenants, adminAudit, ids, clock)
            .execute(new CreateTenant.Command("acme"));
    private final ApiKeyId key = new IssueApiKey(tenants, keys, lookup, adminAudit, ids, clock)
            .execute(new IssueApiKey.Command(acme.id(), "app")).key().id();

    private static LimitOverrides rpm(long limit) {
        return SetTenantRateLimits.limits("tenant", OptionalLong.of(limit), NONE, NONE, NONE);
    }

    private List<AuditEvent> events(AuditEventType type) {
        return audit.all().stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void aTenantOverrideIsStoredInForceAtOnceShownMergedWithTheDefaultsAndAudited() {
        TenantRateLimits set = setTenant.execute(new SetTenantRateLimits.Command(acme.id(), rpm(2),
                SetTenantRateLimits.limits("tenantModel", NONE, NONE, OptionalLong.of(500), NONE),
                Optional.of(PriorityClass.HIGH), ALICE));

        assertThat(set.effective().tenant()).isEqualTo(RateLimits.UNLIMITED.withRequestsPerMinute(2));
        assertThat(set.effective().tenantModel()).isEqualTo(TENANT_MODEL_DEFAULTS.withRequestsPerDay(500));
        assertThat(set.effective().priority()).isEqualTo(PriorityClass.HIGH);
        assertThat(limits.tenant(acme.id()).requestsPerMinute()).as("in force on this instance").hasValue(2);
        assertThat(limits.priority(acme.id())).isEqualTo(PriorityClass.HIGH);
        assertThat(store.findTenant(acme.id())).contains(set.override());
        assertThat(getTenant.execute(new GetTenantRateLimits.Query(acme.id()))).isEqualTo(set);

        assertThat(events(AuditEventType.TENANT_RATE_LIMITS_CHANGED)).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("sub-alice");
            assertThat(e.tenant()).contains(acme.id());
            assertThat(e.apiKey()).isEmpty();
            assertThat(e.admin().orElseThrow().target()).isEqualTo("tenant:" + acme.id());
            assertThat(e.admin().orElseThrow().before()).contains("{\"tenant\":{\"requestsPerMinute\":null,"
                    + "\"tokensPerMinute\":null,\"requestsPerDay\":null,\"concurrentRequests\":null},\"tenantModel\":"
                    + "{\"requestsPerMinute\":null,\"tokensPerMinute\":null,\"requestsPerDay\":null,"
                    + "\"concurrentRequests\":null},\"priority\":null}");
            assertThat(e.admin().orElseThrow().after()).hasValueSatisfying(after -> assertThat(after)
                    .contains("\"tenant\":{\"requestsPerMinute\":2,").contains("\"requestsPerDay\":500")
                    .contains("\"priority\":\"HIGH\""));
        });
    }

    @Test
    void settingTheSameOverrideAgainChangesAndRecordsNothing() {
        SetTenantRateLimits.Command command = new SetTenantRateLimits.Command(acme.id(), rpm(2), LimitOverrides.NONE,
                Optional.empty(), ALICE);
        setTenant.execute(command);
        setTenant.execute(command);
        assertThat(events(AuditEventType.TENANT_RATE_LIMITS_CHANGED)).hasSize(1);
    }

    @Test
    void clearingRestoresTheDefaultsIsAuditedAndIsIdempotent() {
        setTenant.execute(new SetTenantRateLimits.Command(acme.id(), rpm(2), LimitOverrides.NONE, Optional.empty(),
                ALICE));
        TenantRateLimits cleared = clearTenant.execute(new ClearTenantRateLimits.Command(acme.id(), ALICE));

        assertThat(cleared.override().isEmpty()).isTrue();
        assertThat(cleared.effective().tenant()).isEqualTo(TENANT_DEFAULTS);
        assertThat(limits.tenant(acme.id())).isEqualTo(TENANT_DEFAULTS);
        assertThat(store.findTenant(acme.id())).isEmpty();
        clearTenant.execute(new ClearTenantRateLimits.Command(acme.id(), ALICE));
        assertThat(events(AuditEventType.TENANT_RATE_LIMITS_CHANGED)).hasSize(2).last().satisfies(e ->
                assertThat(e.admin().orElseThrow().after()).hasValueSatisfying(a -> assertThat(a)
                        .contains("\"tenant\":{\"requestsPerMinute\":null")));
    }

    @Test
    void anEmptyOverrideIsTheSameAsClearing() {
        setTenant.execute(new SetTenantRateLimits.Command(acme.id(), rpm(2), LimitOverrides.NONE, Optional.empty(),
                ALICE));
        setTenant.execute(new SetTenantRateLimits.Command(acme.id(), LimitOverrides.NONE, LimitOverrides.NONE,
                Optional.empty(), ALICE));
        assertThat(store.findTenant(acme.id())).isEmpty();
        assertThat(limits.tenant(acme.id())).isEqualTo(TENANT_DEFAULTS);
    }

    @Test
    void aKeyOverrideAppliesToThatKeyOnlyAndIsAuditedOnTheKey() {
        ApiKeyRateLimits set = setKey.execute(new SetApiKeyRateLimits.Command(acme.id(), key,
                SetTenantRateLimits.limits("", OptionalLong.of(10), NONE, NONE, OptionalLong.of(4)), ALICE));

        assertThat(set.effective()).isEqualTo(RateLimits.UNLIMITED.withRequestsPerMinute(10).withConcurrentRequests(4));
        assertThat(limits.apiKey(acme.id(), key)).isEqualTo(set.effective());
        assertThat(limits.apiKey(acme.id(), new ApiKeyId(UUID.randomUUID()))).isEqualTo(KEY_DEFAULTS);
        assertThat(limits.tenant(acme.id())).isEqualTo(TENANT_DEFAULTS);
        assertThat(getKey.execute(new GetApiKeyRateLimits.Query(acme.id(), key))).isEqualTo(set);
        assertThat(events(AuditEventType.API_KEY_RATE_LIMITS_CHANGED)).singleElement().satisfies(e -> {
            assertThat(e.apiKey()).contains(key);
            assertThat(e.admin().orElseThrow().target()).isEqualTo("api-key:" + key);
            assertThat(e.admin().orElseThrow().after()).hasValueSatisfying(a -> assertThat(a)
                    .isEqualTo("{\"requestsPerMinute\":10,\"tokensPerMinute\":null,\"requestsPerDay\":null,"
                            + "\"concurrentRequests\":4}"));
        });

        ApiKeyRateLimits cleared = clearKey.execute(new ClearApiKeyRateLimits.Command(acme.id(), key, ALICE));
        assertThat(cleared.effective()).isEqualTo(KEY_DEFAULTS);
        assertThat(limits.apiKey(acme.id(), key)).isEqualTo(KEY_DEFAULTS);
        assertThat(events(AuditEventType.API_KEY_RATE_LIMITS_CHANGED)).hasSize(2);
    }

    @Test
    void unknownOrDeletedTenantsAndOtherTenantsKeysAreNotFound() {
        TenantId unknown = new TenantId(UUID.randomUUID());
        assertThatThrownBy(() -> getTenant.execute(new GetTenantRateLimits.Query(unknown)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> setTenant.execute(new SetTenantRateLimits.Command(unknown, rpm(1),
                LimitOverrides.NONE, Optional.empty(), ALICE))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> clearKey.execute(new ClearApiKeyRateLimits.Command(acme.id(),
                new ApiKeyId(UUID.randomUUID()), ALICE))).isInstanceOf(NotFoundException.class);
        Tenant other = new CreateTenant(tenants, adminAudit, ids, clock).execute(new CreateTenant.Command("other"));
        assertThatThrownBy(() -> getKey.execute(new GetApiKeyRateLimits.Query(other.id(), key)))
                .isInstanceOf(NotFoundException.class);
        tenants.save(acme.deletedAt(clock.instant()));
        assertThatThrownBy(() -> setKey.execute(new SetApiKeyRateLimits.Command(acme.id(), key, rpm(1), ALICE)))
                .isInstanceOf(NotFoundException.class);
        assertThat(store.loadAll().tenants()).isEmpty();
        assertThat(store.loadAll().keys()).isEmpty();
    }

    @Test
    void valuesOutsideOneToTenToTheEleventhAreRefusedNamingTheField() {
        assertThatThrownBy(() -> SetTenantRateLimits.limits("tenant", OptionalLong.of(0), NONE, NONE, NONE))
                .isInstanceOfSatisfying(InvalidRequestException.class, e ->
                        assertThat(e.field()).contains("tenant.requestsPerMinute"));
        assertThatThrownBy(() -> SetTenantRateLimits.limits("tenantModel", NONE, OptionalLong.of(-5), NONE, NONE))
                .isInstanceOfSatisfying(InvalidRequestException.class, e ->
                        assertThat(e.field()).contains("tenantModel.tokensPerMinute"));
        assertThatThrownBy(() -> SetTenantRateLimits.limits("", NONE, NONE, NONE,
                OptionalLong.of(RateLimits.MAX + 1))).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.field()).contains("concurrentRequests");
                    assertThat(e.problem()).contains("100000000000");
                });
        assertThat(SetTenantRateLimits.limits("", NONE, NONE, OptionalLong.of(RateLimits.MAX), NONE)
                .requestsPerDay()).hasValue(RateLimits.MAX);
    }
}
