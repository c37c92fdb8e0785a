package dev.gemgate.domain.upstream;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.fakes.InMemoryUpstreamCredentialStore;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialPoolTest {
    private static final ModelId FLASH = ModelId.parse("gemini-2.5-flash");
    private static final UpstreamCredential CONFIGURED = UpstreamCredential.apiKey(
            new UpstreamCredentialId("configured-gemini"), "configured-secret", Optional.empty());

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryUpstreamCredentialStore store = new InMemoryUpstreamCredentialStore();
    private final UpstreamGate gate = new UpstreamGate(UpstreamGate.Settings.DEFAULT);
    private final Map<UpstreamCredentialId, CircuitState> circuitStates = new HashMap<>();
    private final UpstreamCircuits circuits = new UpstreamCircuits() {
        @Override
        public CircuitState state(UpstreamCredentialId credential, ModelId model) {
            return circuitStates.getOrDefault(credential, CircuitState.CLOSED);
        }

        @Override
        public Map<UpstreamCredentialId, Map<ModelId, CircuitState>> states() {
            Map<UpstreamCredentialId, Map<ModelId, CircuitState>> all = new HashMap<>();
            circuitStates.forEach((id, state) -> all.put(id, Map.of(FLASH, state)));
            return all;
        }
    };
    private final List<String> rejections = new ArrayList<>();
    private double nextRandom = 0.0;

    private CredentialPool pool(Optional<UpstreamCredential> configured) {
        CredentialPool pool = new CredentialPool(configured, store, gate, circuits, clock, () -> nextRandom,
                Duration.ofMinutes(5), (id, status, until) -> rejections.add(id + " " + status + " " + until));
        pool.reload();
        return pool;
    }

    private static UpstreamCredential key(String id) {
        return UpstreamCredential.apiKey(new UpstreamCredentialId(id), "secret-of-" + id, Optional.empty());
    }

    private static UpstreamCredentialId id(String id) {
        return new UpstreamCredentialId(id);
    }

    private UpstreamCredential chosen(CredentialPool pool, Set<UpstreamCredentialId> tried) {
        return ((CredentialChoice.Use) pool.choose(FLASH, tried)).credential();
    }

    @Test
    void theConfiguredCredentialServesAloneAndKeepsTheStatusStoredForIt() {
        CredentialPool pool = pool(Optional.of(CONFIGURED));
        assertThat(pool.select(FLASH)).isEqualTo(CONFIGURED);

        store.registerConfigured(CONFIGURED.id(), UpstreamCredential.Mode.GEMINI_API_KEY, Optional.empty(),
                clock.instant());
        store.update(CONFIGURED.id(), Optional.of(CredentialStatus.DISABLED), Optional.empty(), clock.instant());
        pool.reload();
        assertThat(pool.choose(FLASH, Set.of())).isInstanceOf(CredentialChoice.None.class);
        assertThatThrownBy(() -> pool.select(FLASH)).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("no upstream credential is active");
    }

    @Test
    void choiceIsWeightedAmongActiveCredentials() {
        store.add(key("a"), 1, clock.instant());
        store.add(key("b"), 3, clock.instant());
        CredentialPool pool = pool(Optional.empty());
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            nextRandom = i / 100.0;
            counts.merge(chosen(pool, Set.of()).id().value(), 1, Integer::sum);
        }
        assertThat(counts).containsEntry("a", 25).containsEntry("b", 75);
    }

    @Test
    void aDrainingCredentialGetsNoNewCallsWhileItsCallsInFlightAreCounted() {
        store.add(key("old"), 1, clock.instant());
        CredentialPool pool = pool(Optional.empty());
        pool.started(id("old"));
        store.add(key("new"), 1, clock.instant());
        store.update(id("old"), Optional.of(CredentialStatus.DRAINING), Optional.empty(), clock.instant());
        pool.reload();
        for (int i = 0; i < 10; i++) {
            nextRandom = i / 10.0;
            assertThat(chosen(pool, Set.of()).id()).isEqualTo(id("new"));
        }
        assertThat(pool.inFlight(id("old"))).isEqualTo(1);
        pool.ended(id("old"));
        assertThat(pool.inFlight(id("old"))).isZero();
    }

    @Test
    void healthCountsEachCredentialsCallsOnThisReplicaAndWhenTheLastBegan() {
        store.add(key("a"), 1, clock.instant());
        store.add(key("b"), 1, clock.instant());
        CredentialPool pool = pool(Optional.empty());
        pool.started(id("a"));
        pool.ended(id("a"));
        clock.advance(Duration.ofSeconds(30));
        pool.started(id("a"));

        Map<UpstreamCredentialId, CredentialPool.Health> health = new HashMap<>();
        pool.health().forEach(h -> health.put(h.credential(), h));
        assertThat(health.get(id("a")).calls()).isEqualTo(2);
        assertThat(health.get(id("a")).inFlight()).isEqualTo(1);
        assertThat(health.get(id("a")).lastCallAt()).contains(clock.instant());
        assertThat(health.get(id("b")).calls()).isZero();
        assertThat(health.get(id("b")).lastCallAt()).isEmpty();
    }

    @Test
    void aRejectedCredentialIsHeldOutForTheQuarantineAndReportedOnce() {
        store.add(key("bad"), 1, clock.instant());
        store.add(key("good"), 1, clock.instant());
        CredentialPool pool = pool(Optional.empty());
        pool.rejected(id("bad"), 401);
        pool.rejected(id("bad"), 401);
        assertThat(rejections).containsExactly("bad 401 2026-11-30T10:05:00Z");
        for (int i = 0; i < 10; i++) {
            nextRandom = i / 10.0;
            assertThat(chosen(pool, Set.of()).id()).isEqualTo(id("good"));
        }
        assertThat(pool.health()).filteredOn(h -> h.credential().equals(id("bad")))
                .singleElement().satisfies(h -> assertThat(h.heldOutUntil()).isPresent());

        pool.rejected(id("good"), 403);
        assertThat(pool.choose(FLASH, Set.of())).isEqualTo(
                new CredentialChoice.None("every upstream credential was rejected by the upstream"));
        assertThat(pool.canServe()).isFalse();

        clock.advance(Duration.ofMinutes(5));
        assertThat(pool.canServe()).isTrue();
        assertThat(pool.choose(FLASH, Set.of())).isInstanceOf(CredentialChoice.Use.class);
    }

    @Test
    void aCredentialCoolingDownAfterA429OrWithAnOpenCircuitGivesWayToAHealthyOne() {
        store.add(key("a"), 1, clock.instant());
        store.add(key("b"), 1, clock.instant());
        CredentialPool pool = pool(Optional.empty());
        UpstreamGate.Decision.Go go = (UpstreamGate.Decision.Go) gate.tryAcquire(id("a"), FLASH, clock.instant());
        go.permit().rateLimited(Optional.of(Duration.ofSeconds(30)), List.of(), clock.instant());
        for (int i = 0; i < 10; i++) {
            nextRandom = i / 10.0;
            assertThat(chosen(pool, Set.of()).id()).isEqualTo(id("b"));
        }
        circuitStates.put(id("b"), CircuitState.OPEN);
        // a cools down for 30 s, b's circuit is open: the cooling one is chosen (the gate makes the call wait)
        assertThat(chosen(pool, Set.of()).id()).isEqualTo(id("a"));
        clock.advance(Duration.ofSeconds(30));
        assertThat(chosen(pool, Set.of()).id()).isEqualTo(id("a"));
        circuitStates.put(id("a"), CircuitState.OPEN);
        assertThat(pool.canServe()).isFalse();
        assertThat(pool.choose(FLASH, Set.of())).isInstanceOf(CredentialChoice.Use.class);
    }

    @Test
    void aRetryPrefersACredentialNotTriedYetThenTriesAgainTheSameOne() {
        store.add(key("a"), 1, clock.instant());
        store.add(key("b"), 1, clock.instant());
        CredentialPool pool = pool(Optional.empty());
        nextRandom = 0.0;
        assertThat(chosen(pool, Set.of(id("a"))).id()).isEqualTo(id("b"));
        nextRandom = 0.99;
        assertThat(chosen(pool, Set.of(id("b"))).id()).isEqualTo(id("a"));
        assertThat(chosen(pool, Set.of(id("a"), id("b")))).isIn(key("a"), key("b"));
    }

    @Test
    void aStoreThatCannotBeReadKeepsTheLastPool() {
        store.add(key("a"), 1, clock.instant());
        CredentialPool pool = pool(Optional.of(CONFIGURED));
        assertThat(pool.members()).hasSize(2);
        store.failing = true;
        assertThatThrownBy(pool::reload).isInstanceOf(IllegalStateException.class);
        assertThat(pool.members()).hasSize(2);
    }

    @Test
    void beforeTheFirstReloadTheConfiguredCredentialServes() {
        AtomicReference<CredentialPool> pool = new AtomicReference<>(new CredentialPool(Optional.of(CONFIGURED),
                store, gate, circuits, clock, () -> 0.0, Duration.ofMinutes(5), CredentialPool.RejectionListener.NONE));
        assertThat(pool.get().select(FLASH)).isEqualTo(CONFIGURED);
        assertThat(pool.get().canServe()).isTrue();
        assertThat(Instant.MIN).isBefore(clock.instant());
    }
}
