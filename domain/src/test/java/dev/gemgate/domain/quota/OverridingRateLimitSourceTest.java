package dev.gemgate.domain.quota;

import dev.gemgate.domain.fakes.InMemoryRateLimitOverrideStore;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverridingRateLimitSourceTest {
    private static final RateLimits TENANT = RateLimits.UNLIMITED.withRequestsPerMinute(100)
            .withTokensPerMinute(10_000);
    private static final RateLimits TENANT_MODEL = RateLimits.UNLIMITED.withTokensPerMinute(5_000);
    private static final RateLimits KEY = RateLimits.UNLIMITED.withRequestsPerMinute(10);
    private static final ModelId MODEL = new ModelId("gemini-2.5-flash");

    private final InMemoryRateLimitOverrideStore store = new InMemoryRateLimitOverrideStore();
    private final OverridingRateLimitSource source = new OverridingRateLimitSource(TENANT, TENANT_MODEL, KEY, store);
    private final TenantId acme = new TenantId(UUID.randomUUID());
    private final TenantId other = new TenantId(UUID.randomUUID());
    private final ApiKeyId key = new ApiKeyId(UUID.randomUUID());

    private static LimitOverrides rpm(long limit) {
        return new LimitOverrides(OptionalLong.of(limit), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty());
    }

    @Test
    void withoutOverridesEveryScopeHasTheDefaults() {
        assertThat(source.tenant(acme)).isEqualTo(TENANT);
        assertThat(source.tenantModel(acme, MODEL)).isEqualTo(TENANT_MODEL);
        assertThat(source.apiKey(acme, key)).isEqualTo(KEY);
        assertThat(source.priority(acme)).isEqualTo(PriorityClass.NORMAL);
    }

    @Test
    void anOverrideReplacesTheFieldsItSetsAndInheritsTheOthers() {
        store.save(new TenantRateLimitOverride(acme, rpm(2),
                new LimitOverrides(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(50), OptionalLong.of(3)),
                Optional.of(PriorityClass.HIGH)));
        source.reload();

        assertThat(source.tenant(acme)).isEqualTo(RateLimits.UNLIMITED.withRequestsPerMinute(2)
                .withTokensPerMinute(10_000));
        assertThat(source.tenantModel(acme, MODEL)).isEqualTo(RateLimits.UNLIMITED.withTokensPerMinute(5_000)
                .withRequestsPerDay(50).withConcurrentRequests(3));
        assertThat(source.priority(acme)).isEqualTo(PriorityClass.HIGH);
        assertThat(source.tenant(other)).as("another tenant").isEqualTo(TENANT);
        assertThat(source.priority(other)).isEqualTo(PriorityClass.NORMAL);
    }

    @Test
    void aKeyOverrideAppliesToThatKeyOfThatTenantOnly() {
        store.save(new ApiKeyRateLimitOverride(acme, key, rpm(1_000)));
        source.reload();

        assertThat(source.apiKey(acme, key)).isEqualTo(RateLimits.UNLIMITED.withRequestsPerMinute(1_000));
        assertThat(source.apiKey(acme, new ApiKeyId(UUID.randomUUID()))).isEqualTo(KEY);
        assertThat(source.apiKey(other, key)).as("the same id under another tenant").isEqualTo(KEY);
        assertThat(source.tenant(acme)).isEqualTo(TENANT);
    }

    @Test
    void changesOnThisInstanceApplyAtOnceAndOthersAtTheNextReload() {
        source.put(new TenantRateLimitOverride(acme, rpm(7), LimitOverrides.NONE, Optional.empty()));
        assertThat(source.tenant(acme).requestsPerMinute()).hasValue(7);

        source.put(TenantRateLimitOverride.none(acme));
        assertThat(source.tenant(acme)).isEqualTo(TENANT);

        store.save(new ApiKeyRateLimitOverride(acme, key, rpm(4))); // another replica's change
        assertThat(source.apiKey(acme, key)).isEqualTo(KEY);
        source.reload();
        assertThat(source.apiKey(acme, key).requestsPerMinute()).hasValue(4);
        source.put(ApiKeyRateLimitOverride.none(acme, key));
        assertThat(source.apiKey(acme, key)).isEqualTo(KEY);
        assertThat(source.size()).isZero();
    }

    @Test
    void aFailedReloadKeepsTheLastSnapshot() {
        store.save(new TenantRateLimitOverride(acme, rpm(2), LimitOverrides.NONE, Optional.empty()));
        source.reload();
        store.clearTenant(acme);
        store.failLoads(true);

        assertThatThrownBy(source::reload).isInstanceOf(IllegalStateException.class);
        assertThat(source.tenant(acme).requestsPerMinute()).hasValue(2);

        store.failLoads(false);
        source.reload();
        assertThat(source.tenant(acme)).isEqualTo(TENANT);
    }

    @Test
    void effectiveLimitsShowWhatIsInForce() {
        OverridingRateLimitSource.Effective effective = source.effective(new TenantRateLimitOverride(acme, rpm(2),
                LimitOverrides.NONE, Optional.of(PriorityClass.LOW)));
        assertThat(effective.tenant()).isEqualTo(RateLimits.UNLIMITED.withRequestsPerMinute(2)
                .withTokensPerMinute(10_000));
        assertThat(effective.tenantModel()).isEqualTo(TENANT_MODEL);
        assertThat(effective.priority()).isEqualTo(PriorityClass.LOW);
        assertThat(source.effective(ApiKeyRateLimitOverride.none(acme, key))).isEqualTo(KEY);
    }

    @Test
    void overrideValuesAreFromOneToTenToTheEleventh() {
        assertThatThrownBy(() -> rpm(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("requestsPerMinute must be from 1 to 100000000000");
        assertThatThrownBy(() -> new LimitOverrides(OptionalLong.empty(), OptionalLong.of(RateLimits.MAX + 1),
                OptionalLong.empty(), OptionalLong.empty())).hasMessageStartingWith("tokensPerMinute");
        assertThatThrownBy(() -> new LimitOverrides(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(-1),
                OptionalLong.empty())).hasMessageStartingWith("requestsPerDay");
        assertThat(rpm(RateLimits.MAX).requestsPerMinute()).hasValue(RateLimits.MAX);
        assertThat(LimitOverrides.NONE.over(KEY)).isSameAs(KEY);
    }

    @Test
    void theStoreRefusesAnEmptyOverride() {
        assertThatThrownBy(() -> store.save(TenantRateLimitOverride.none(acme)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
