package dev.gemgate.domain.upstream;

import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.generation.ModelId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The upstream gate's rules, one at a time, on a clock the test moves. */
class UpstreamGateTest {
    private static final UpstreamCredentialId CREDENTIAL = new UpstreamCredentialId("default");
    private static final ModelId MODEL = ModelId.parse("gemini-2.5-flash");
    private static final ModelId OTHER_MODEL = ModelId.parse("gemini-2.5-pro");
    private static final List<String> PER_MINUTE = List.of("GenerateRequestsPerMinutePerProjectPerModel");
    private static final List<String> PER_DAY = List.of("GenerateRequestsPerDayPerProjectPerModel-FreeTier");

    private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
    private final UpstreamGate gate = new UpstreamGate(new UpstreamGate.Settings(8, Duration.ofSeconds(10)));

    private UpstreamGate.Permit go() {
        UpstreamGate.Decision decision = gate.tryAcquire(CREDENTIAL, MODEL, clock.instant());
        assertThat(decision).isInstanceOf(UpstreamGate.Decision.Go.class);
        return ((UpstreamGate.Decision.Go) decision).permit();
    }

    private UpstreamGate.Decision.NotBefore notBefore() {
        UpstreamGate.Decision decision = gate.tryAcquire(CREDENTIAL, MODEL, clock.instant());
        assertThat(decision).isInstanceOf(UpstreamGate.Decision.NotBefore.class);
        return (UpstreamGate.Decision.NotBefore) decision;
    }

    private double window() {
        return gate.standing(CREDENTIAL, MODEL).orElseThrow().window();
    }

    @Test
    void aHealthyUpstreamAdmitsUpToTheWindowAndEachReturnFreesAPlace() {
        List<UpstreamGate.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            permits.add(go());
        }
        UpstreamGate.Decision.NotBefore full = notBefore();
        assertThat(full.limit()).isEqualTo(UpstreamGate.REQUESTS_IN_FLIGHT);
        assertThat(full.retryAfter()).isEqualTo(UpstreamGate.FULL_WINDOW_WAIT);

        permits.get(0).released(clock.instant());
        go();
        permits.get(1).succeeded(clock.instant());
        permits.get(1).succeeded(clock.instant()); // a second report is ignored
        go();
        notBefore();
        assertThat(window()).isEqualTo(8); // successes never raise it above the ceiling
    }

    @Test
    void a429WithRetryInfoClosesTheGateForExactlyItsDelayThenOneProbeGoes() {
        UpstreamGate.Permit first = go();
        first.rateLimited(Optional.of(Duration.ofMillis(1500)), PER_MINUTE, clock.instant());

        UpstreamGate.Decision.NotBefore cooling = notBefore();
        assertThat(cooling.limit()).isEqualTo(UpstreamGate.REQUESTS_PER_MINUTE);
        assertThat(cooling.retryAfter()).isEqualTo(Duration.ofMillis(1500));
        clock.advance(Duration.ofMillis(1499));
        assertThat(notBefore().retryAfter()).isEqualTo(UpstreamGate.MIN_WAIT); // 1 ms left: never "come back now"

        clock.advance(Duration.ofMillis(1));
        UpstreamGate.Permit probe = go();
        assertThat(probe.probe()).isTrue();
        // while the probe is out, nobody else goes: one call per cooldown, whatever the number of callers
        for (int i = 0; i < 100; i++) {
            UpstreamGate.Decision.NotBefore waiting = notBefore();
            assertThat(waiting.retryAfter()).isEqualTo(Duration.ofMillis(1500));
        }
        probe.succeeded(clock.instant());
        assertThat(go().probe()).isFalse();
        go();
    }

    @Test
    void aStormOfCallersGetsOneUpstreamCallPerCooldownPeriod() {
        go().rateLimited(Optional.of(Duration.ofSeconds(2)), PER_MINUTE, clock.instant());
        clock.advance(Duration.ofSeconds(2));
        int calls = 0;
        for (int period = 0; period < 5; period++) {
            List<UpstreamGate.Permit> admitted = new ArrayList<>();
            for (int caller = 0; caller < 1000; caller++) {
                if (gate.tryAcquire(CREDENTIAL, MODEL, clock.instant()) instanceof UpstreamGate.Decision.Go go) {
                    admitted.add(go.permit());
                }
                clock.advance(Duration.ofMillis(1)); // 1,000 callers spread over one second
            }
            calls += admitted.size();
            admitted.forEach(p -> p.rateLimited(Optional.of(Duration.ofSeconds(2)), PER_MINUTE, clock.instant()));
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(calls).isEqualTo(5);
    }

    @Test
    void aDecreaseHalvesWhatWasInFlightOncePerRoundAndSuccessesAddOneEach() {
        List<UpstreamGate.Permit> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            burst.add(go());
        }
        // the whole burst answers 429: one halving (of the 8 in flight), not eight
        for (UpstreamGate.Permit p : burst) {
            p.rateLimited(Optional.of(Duration.ofSeconds(1)), PER_MINUTE, clock.instant());
        }
        assertThat(window()).isEqualTo(4);

        clock.advance(Duration.ofSeconds(1));
        go().rateLimited(Optional.of(Duration.ofSeconds(1)), PER_MINUTE, clock.instant()); // the probe: a new round
        assertThat(window()).isEqualTo(1); // min(window 4, 1 in flight) / 2, at least 1

        clock.advance(Duration.ofSeconds(1));
        go().succeeded(clock.instant()); // the probe succeeds: the gate reopens with a window of 1 + 1
        assertThat(window()).isEqualTo(2);
        UpstreamGate.Permit a = go();
        UpstreamGate.Permit b = go();
        assertThat(notBefore().limit()).isEqualTo(UpstreamGate.REQUESTS_IN_FLIGHT);
        a.succeeded(clock.instant());
        b.succeeded(clock.instant());
        assertThat(window()).isEqualTo(4);
        for (int i = 0; i < 10; i++) {
            go().succeeded(clock.instant());
        }
        assertThat(window()).isEqualTo(8); // back to the ceiling, not beyond
    }

    @Test
    void aLater429NeverShortensARunningCooldownAndOtherFailuresChangeNothing() {
        UpstreamGate.Permit a = go();
        UpstreamGate.Permit b = go();
        UpstreamGate.Permit c = go();
        a.rateLimited(Optional.of(Duration.ofSeconds(30)), PER_MINUTE, clock.instant());
        b.rateLimited(Optional.of(Duration.ofSeconds(2)), PER_MINUTE, clock.instant());
        c.released(clock.instant());
        assertThat(notBefore().retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(gate.standing(CREDENTIAL, MODEL).orElseThrow().inFlight()).isZero();

        clock.advance(Duration.ofSeconds(30));
        go().released(clock.instant()); // a probe that fails otherwise (a 5xx): the next call probes
        assertThat(go().probe()).isTrue();
    }

    @Test
    void a429WithoutRetryInfoWaitsTheDefaultCooldownAndNamesTokensWhenTheQuotaIsTokens() {
        go().rateLimited(Optional.empty(), List.of("GenerateContentInputTokensPerModelPerMinute"), clock.instant());

        UpstreamGate.Decision.NotBefore refusal = notBefore();
        assertThat(refusal.limit()).isEqualTo(UpstreamGate.TOKENS_PER_MINUTE);
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aPerDayQuotaWithoutRetryInfoCoolsDownUntilMidnightPacific() {
        clock.set(Instant.parse("2026-12-01T10:00:00Z")); // 02:00 PST (UTC-8): midnight Pacific is 08:00Z tomorrow
        go().rateLimited(Optional.empty(), PER_DAY, clock.instant());

        UpstreamGate.Decision.NotBefore refusal = notBefore();
        assertThat(refusal.limit()).isEqualTo(UpstreamGate.REQUESTS_PER_DAY);
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofHours(22));
        clock.set(Instant.parse("2026-12-02T07:59:59Z"));
        notBefore();
        clock.set(Instant.parse("2026-12-02T08:00:00Z"));
        assertThat(go().probe()).isTrue();
    }

    @Test
    void aPerDayQuotaInSummerTimeResetsAtSevenUtc() {
        clock.set(Instant.parse("2026-07-01T10:00:00Z")); // 03:00 PDT (UTC-7)
        go().rateLimited(Optional.empty(), PER_DAY, clock.instant());

        assertThat(notBefore().retryAfter()).isEqualTo(Duration.ofHours(21));
    }

    @Test
    void retryInfoWinsOverThePerDayReset() {
        go().rateLimited(Optional.of(Duration.ofSeconds(45)), PER_DAY, clock.instant());

        UpstreamGate.Decision.NotBefore refusal = notBefore();
        assertThat(refusal.limit()).isEqualTo(UpstreamGate.REQUESTS_PER_DAY);
        assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void eachCredentialAndModelHasItsOwnGate() {
        go().rateLimited(Optional.of(Duration.ofMinutes(1)), PER_MINUTE, clock.instant());

        assertThat(gate.tryAcquire(CREDENTIAL, OTHER_MODEL, clock.instant()))
                .isInstanceOf(UpstreamGate.Decision.Go.class);
        assertThat(gate.tryAcquire(new UpstreamCredentialId("second"), MODEL, clock.instant()))
                .isInstanceOf(UpstreamGate.Decision.Go.class);
        notBefore();

        gate.clear();
        go();
    }
}
