package dev.gemgate.domain.upstream;

import dev.gemgate.domain.fakes.InMemoryFallbackPolicyStore;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredFallbackPolicySourceTest {
    private static final ModelId PRO = new ModelId("gemini-3.1-pro-preview");
    private static final ModelId FLASH = new ModelId("gemini-3.6-flash");
    private static final ModelId LITE = new ModelId("gemini-2.5-flash-lite");
    private static final ModelId OLD = new ModelId("gemini-2.5-flash");

    private final InMemoryFallbackPolicyStore store = new InMemoryFallbackPolicyStore();
    private final StoredFallbackPolicySource source =
            new StoredFallbackPolicySource(Map.of(PRO, List.of(FLASH, LITE)), store);
    private final TenantId tenant = new TenantId(UUID.randomUUID());
    private final TenantId other = new TenantId(UUID.randomUUID());

    @Test
    void aTenantWithoutAPolicyHasTheConfiguredChainOfTheModelAndNoneForAnUnconfiguredModel() {
        assertThat(source.chainFor(tenant, PRO)).containsExactly(FLASH, LITE);
        assertThat(source.chainFor(tenant, FLASH)).isEmpty();
        assertThat(source.size()).isZero();
    }

    @Test
    void aTenantsOwnChainReplacesTheConfiguredOneForTheModelsItNamesOnly() {
        source.put(tenant, new FallbackPolicy(false, Map.of(PRO, List.of(OLD), FLASH, List.of(LITE))));
        assertThat(source.chainFor(tenant, PRO)).containsExactly(OLD);
        assertThat(source.chainFor(tenant, FLASH)).containsExactly(LITE);
        assertThat(source.chainFor(other, PRO)).containsExactly(FLASH, LITE);
        assertThat(source.chainFor(other, FLASH)).isEmpty();

        source.put(tenant, new FallbackPolicy(false, Map.of(FLASH, List.of(LITE))));
        assertThat(source.chainFor(tenant, PRO)).as("a model its policy does not name: the configured chain")
                .containsExactly(FLASH, LITE);
    }

    @Test
    void anEmptyChainOfItsOwnTurnsOffTheConfiguredFallbackOfThatModel() {
        source.put(tenant, new FallbackPolicy(false, Map.of(PRO, List.of())));
        assertThat(source.chainFor(tenant, PRO)).isEmpty();
    }

    @Test
    void aStrictTenantNeverFallsBackWhateverItsChainsOrTheConfiguredOnesSay() {
        source.put(tenant, new FallbackPolicy(true, Map.of(FLASH, List.of(LITE))));
        assertThat(source.chainFor(tenant, PRO)).isEmpty();
        assertThat(source.chainFor(tenant, FLASH)).isEmpty();
        assertThat(source.chainFor(other, PRO)).containsExactly(FLASH, LITE);
    }

    @Test
    void removingAPolicyRestoresTheConfiguredChains() {
        source.put(tenant, new FallbackPolicy(true, Map.of()));
        source.remove(tenant);
        assertThat(source.chainFor(tenant, PRO)).containsExactly(FLASH, LITE);
        assertThat(source.size()).isZero();
    }

    @Test
    void aReloadReadsTheStoreAndAFailedOneKeepsTheLastSnapshot() {
        store.save(tenant, new FallbackPolicy(true, Map.of()));
        assertThat(source.chainFor(tenant, PRO)).as("not in force before a reload").containsExactly(FLASH, LITE);
        source.reload();
        assertThat(source.chainFor(tenant, PRO)).isEmpty();
        assertThat(source.size()).isEqualTo(1);

        store.remove(tenant);
        store.failLoads(true);
        assertThatThrownBy(source::reload).isInstanceOf(IllegalStateException.class);
        assertThat(source.chainFor(tenant, PRO)).isEmpty();
        store.failLoads(false);
        source.reload();
        assertThat(source.chainFor(tenant, PRO)).containsExactly(FLASH, LITE);
    }

    @Test
    void theConfiguredChainsAreCheckedAsATenantsAre() {
        assertThatThrownBy(() -> new StoredFallbackPolicySource(Map.of(PRO, List.of(PRO)), store))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("models/" + PRO);
        assertThatThrownBy(() -> new StoredFallbackPolicySource(Map.of(PRO, List.of(FLASH, LITE, OLD,
                new ModelId("gemini-2.5-pro"), new ModelId("gemini-3.5-flash"))), store))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 4");
        assertThat(new StoredFallbackPolicySource(Map.of(), store).chainFor(tenant, PRO)).isEmpty();
    }
}
