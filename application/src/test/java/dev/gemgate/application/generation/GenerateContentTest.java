package dev.gemgate.application.generation;

import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.budget.SpendingPolicy;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetLedger;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.budget.ReservationId;
import dev.gemgate.domain.budget.ReservationOutcome;
import dev.gemgate.domain.budget.ReservationRequest;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.common.LimitExceededException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryResponseCache;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.KeyScopes;
import dev.gemgate.domain.tenant.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import dev.gemgate.domain.quota.RateLimits;
import dev.gemgate.domain.upstream.UpstreamGate;
import dev.gemgate.domain.upstream.UpstreamLimits;
import dev.gemgate.domain.waiting.WaitingRoom;
import dev.gemgate.domain.quota.RateLimitSource;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerateContentTest {
    private static final Caller CALLER = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));

    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.03");
    private final FakeGenerationPort upstream = new FakeGenerationPort(
            List.of("gemini-2.5-flash", "gemini-3.5-flash", "gemini-9-unpriced"));
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final List<AuditEvent> metered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final RequestMetrics metrics = new RequestMetrics() {
        @Override
        public void record(AuditEvent event) {
            metered.add(event);
        }

        @Override
        public void authenticationFailed(String reason) {
        }
    };
    private CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private InMemoryBudgetLedger ledger = InMemoryBudgetLedger.noBudgets();
    private final InMemoryResponseCache cache = new InMemoryResponseCache();
    private GenerationPolicy policy = GenerationPolicy.defaults();

    private final UpstreamGate gate = new UpstreamGate(UpstreamGate.Settings.DEFAULT);
    private UpstreamLimits upstreamLimits = UpstreamLimits.NONE;
    private SpendingPolicy spending = SpendingPolicy.DEFAULT;

    private GenerateContent useCase() {
        Admission admission = new Admission(quota, ledger, new RequestRecorder(audit, metrics),
                new SequentialIdGenerator(), clock, WaitingRoom.neverWaiting(clock),
                RateLimitSource.defaults(RateLimits.UNLIMITED, RateLimits.UNLIMITED, RateLimits.UNLIMITED), gate,
                upstreamLimits, tenant -> spending);
        return new GenerateContent(pricing, cache, UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(), upstream,
                pricing, clock, policy.upstreamTimeout()), admission,
                new RequestFingerprint("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)),
                clock, policy);
    }

    private static GenerateContent.Command command(String model, Map<String, Object> body) {
        return command(CALLER, model, body);
    }

    private static GenerateContent.Command command(Caller caller, String model, Map<String, Object> body) {
        return new GenerateContent.Command(new RequestContext(caller, new RequestId("req-0001"),
                Optional.of("callers-own-id"), Optional.empty()),
                new GenerationRequest(ModelId.parse(model), body), CacheDirective.DEFAULT);
    }

    private static Map<String, Object> hello() {
        return Map.of("contents", List.of(Map.of("role", "user", "parts", List.of(Map.of("text", "Hello there")))),
                "generationConfig", Map.of("maxOutputTokens", 100));
    }

    @Test
    void successIsPricedSettledAuditedAndMeteredOnce() {
        GenerateContent.Result result = useCase().execute(command("gemini-2.5-flash", hello()));

        assertThat(result.response().text()).isEqualTo("Echo: Hello there");
        // prompt "Hello there" = 2 + 2 tokens; output "Echo: Hello there" = 1 + 1 + 2 + 2 tokens
        assertThat(result.response().usage().promptTokens()).isEqualTo(4);
        assertThat(result.response().usage().candidatesTokens()).isEqualTo(6);
        // 4 x 0.30 + 6 x 2.50 = 16.2 micro-dollars, rounded up once
        assertThat(result.cost()).isEqualTo(Money.ofMicros(17));
        assertThat(result.cacheStatus()).isEqualTo(CacheStatus.BYPASS);

        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.cost()).isEqualTo(Money.ofMicros(17));
            assertThat(e.requestId().value()).isEqualTo("req-0001");
            assertThat(e.correlationId()).contains("callers-own-id");
            assertThat(e.promptHash()).isPresent();
            assertThat(e.promptHash().get()).doesNotContain("Hello");
        });
        assertThat(metered).containsExactlyElementsOf(audit.all());
        assertThat(quota.admitted).singleElement().satisfies(q -> assertThat(q.tokens()).isEqualTo(4 + 100));
        assertThat(quota.corrections).containsExactly(10L);
    }

    @Test
    void anUnpricedModelIsRefusedBeforeAnythingElse() {
        assertThatThrownBy(() -> useCase().execute(command("gemini-9-unpriced", hello())))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("models/gemini-9-unpriced");
        assertThat(upstream.received).isEmpty();
        assertThat(quota.admitted).isEmpty();
        assertThat(audit.all()).singleElement().extracting(AuditEvent::outcome).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void aModelOutsideTheKeysScopeIsRefusedBeforeQuotaAndAuditedAsPermissionDenied() {
        pricing.add("gemini-3.5-flash", "1.50", "9.00", "0.15");
        Caller scoped = new Caller(CALLER.tenant(), CALLER.apiKey(),
                KeyScopes.parse(List.of("gemini-3.*"), List.of(), List.of()));
        GenerateContent useCase = useCase();

        assertThatThrownBy(() -> useCase.execute(command(scoped, "gemini-2.5-flash", hello())))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("models/gemini-2.5-flash").hasMessageContaining("gemini-3.*");
        assertThat(quota.admitted).isEmpty();
        assertThat(upstream.received).isEmpty();
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.PERMISSION_DENIED);
            assertThat(e.model()).contains(new ModelId("gemini-2.5-flash"));
            assertThat(e.detail()).contains("gemini-3.*");
        });

        assertThat(useCase.execute(command(scoped, "gemini-3.5-flash", hello())).response().text())
                .isEqualTo("Echo: Hello there");
        assertThat(quota.admitted).hasSize(1);
    }

    @Test
    void countTokensHonoursTheModelScopeToo() {
        Caller scoped = new Caller(CALLER.tenant(), CALLER.apiKey(),
                KeyScopes.parse(List.of("gemini-3.5-flash"), List.of(), List.of()));
        Admission admission = new Admission(quota, ledger, new RequestRecorder(audit, metrics),
                new SequentialIdGenerator(), clock);
        CountTokens countTokens = new CountTokens(pricing, UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(),
                upstream, pricing, clock, policy.upstreamTimeout()), admission, clock, policy);
        assertThatThrownBy(() -> countTokens.execute(new CountTokens.Command(command(scoped, "gemini-2.5-flash",
                hello()).context(), new GenerationRequest(ModelId.parse("gemini-2.5-flash"), hello()))))
                .isInstanceOf(PermissionDeniedException.class);
        assertThat(upstream.received).isEmpty();
        assertThat(audit.all()).singleElement().extracting(AuditEvent::outcome).isEqualTo(Outcome.PERMISSION_DENIED);
    }

    @Test
    void aQuotaRefusalNeverReachesTheUpstream() {
        quota = new CountingQuotaLimiter(1, Duration.ofSeconds(7));
        GenerateContent useCase = useCase();
        useCase.execute(command("gemini-2.5-flash", hello()));

        assertThatThrownBy(() -> useCase.execute(command("gemini-2.5-flash", hello())))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LimitExceededException.Kind.QUOTA);
                    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7));
                });
        assertThat(upstream.received).hasSize(1);
        assertThat(audit.all()).extracting(AuditEvent::outcome).containsExactly(Outcome.SUCCESS, Outcome.QUOTA_REFUSED);
    }

    @Test
    void aBudgetRefusalGivesTheQuotaBackAndNeverReachesTheUpstream() {
        ledger = new InMemoryBudgetLedger(Optional.of(
                new Budget(CALLER.tenant(), Optional.empty(), BudgetPeriod.LIFETIME, Money.ofMicros(100))));
        Map<String, Object> big = Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))),
                "generationConfig", Map.of("maxOutputTokens", 1000)); // reserves 1000 x 2.50 = 2,500 micro-dollars

        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", big)))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.kind()).isEqualTo(LimitExceededException.Kind.BUDGET));
        assertThat(upstream.received).isEmpty();
        assertThat(quota.corrections).containsExactly(0L);
        assertThat(ledger.openReservations()).isZero();
        assertThat(audit.all()).singleElement().extracting(AuditEvent::outcome).isEqualTo(Outcome.BUDGET_REFUSED);
    }

    @Test
    void withoutMaxOutputTokensTheReservationCoversTheModelsMaximumOutput() {
        // $0.10 affords 40,000 output tokens at 2.50 per million: not the 65,536 a request without a cap may produce
        ledger = new InMemoryBudgetLedger(Optional.of(
                new Budget(CALLER.tenant(), Optional.empty(), BudgetPeriod.LIFETIME, Money.ofDollars("0.10"))));
        Map<String, Object> uncapped = Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))));

        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", uncapped)))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.kind()).isEqualTo(LimitExceededException.Kind.BUDGET));
        assertThat(upstream.received).isEmpty();
        assertThat(useCase().execute(command("gemini-2.5-flash", hello())).response()).isNotNull();
        assertThat(upstream.received).singleElement().satisfies(r -> assertThat(r.maxOutputTokens()).hasValue(100));
    }

    @Test
    void aTenantsForwardedOutputCapIsWrittenIntoTheRequestAndReserved() {
        ledger = new InMemoryBudgetLedger(Optional.of(
                new Budget(CALLER.tenant(), Optional.empty(), BudgetPeriod.LIFETIME, Money.ofDollars("0.10"))));
        spending = new SpendingPolicy(OptionalLong.of(2_000), false);
        Map<String, Object> uncapped = Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi")))),
                "generationConfig", Map.of("temperature", 0.5));

        useCase().execute(command("gemini-2.5-flash", uncapped));

        GenerationRequest forwarded = upstream.received.getFirst();
        assertThat(forwarded.maxOutputTokens()).hasValue(2_000);
        assertThat(forwarded.body().get("generationConfig")).isEqualTo(Map.of("temperature", 0.5,
                "maxOutputTokens", 2_000L));
        // a request that sets its own maxOutputTokens is forwarded as sent
        useCase().execute(command("gemini-2.5-flash", hello()));
        assertThat(upstream.received.get(1).maxOutputTokens()).hasValue(100);
    }

    @Test
    void aTenantThatDemandsExactnessHasUnmeasurableMediaRefusedBeforeAnythingIsSent() {
        spending = new SpendingPolicy(OptionalLong.empty(), true);
        Map<String, Object> withFile = Map.of("contents", List.of(Map.of("parts", List.of(Map.of("text", "hi"),
                Map.of("fileData", Map.of("mimeType", "video/mp4", "fileUri", "https://example.com/clip.mp4"))))),
                "generationConfig", Map.of("maxOutputTokens", 10));

        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", withFile)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("contents[0].parts[1].fileData").hasMessageContaining("spending policy");
        assertThat(upstream.received).isEmpty();
        assertThat(quota.corrections).isEmpty();
        spending = SpendingPolicy.DEFAULT;
        assertThat(useCase().execute(command("gemini-2.5-flash", withFile)).response()).isNotNull();
    }

    @Test
    void anUpstreamFailureReleasesTheReservationAndIsRecorded() {
        ledger = new InMemoryBudgetLedger(Optional.of(
                new Budget(CALLER.tenant(), Optional.empty(), BudgetPeriod.LIFETIME, Money.ofDollars("1"))));
        upstream.failNext(new UpstreamException(UpstreamException.Kind.RATE_LIMITED, 429, "slow down",
                Duration.ofSeconds(3), null));

        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", hello())))
                .isInstanceOf(UpstreamException.class);
        assertThat(ledger.openReservations()).isZero();
        assertThat(ledger.settled()).isEqualTo(Money.ZERO);
        assertThat(quota.corrections).containsExactly(0L);
        assertThat(audit.all()).singleElement().extracting(AuditEvent::outcome)
                .isEqualTo(Outcome.UPSTREAM_RATE_LIMITED);
    }

    @Test
    void anUpstream429ClosesTheGateForItsRetryDelaySoRetriesDoNotReachTheUpstream() {
        upstream.failNext(new UpstreamException(UpstreamException.Kind.RATE_LIMITED, 429, "slow down",
                Duration.ofSeconds(3), List.of("GenerateRequestsPerMinutePerProjectPerModel"), null));
        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", hello())))
                .isInstanceOf(UpstreamException.class);
        int calls = upstream.received.size();

        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", hello())))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LimitExceededException.Kind.QUOTA);
                    assertThat(e.limitName()).isEqualTo("UpstreamRequestsPerMinute");
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
                });
        assertThat(upstream.received).hasSize(calls);
        assertThat(ledger.openReservations()).isZero();
        assertThat(audit.all()).extracting(AuditEvent::outcome)
                .containsExactly(Outcome.UPSTREAM_RATE_LIMITED, Outcome.QUOTA_REFUSED);

        clock.advance(Duration.ofSeconds(3));
        assertThat(useCase().execute(command("gemini-2.5-flash", hello())).response()).isNotNull();
        assertThat(upstream.received).hasSize(calls + 1);
        assertThat(useCase().execute(command("gemini-2.5-flash", hello())).response()).isNotNull(); // reopened
    }

    @Test
    void googlesConfiguredLimitsAreAdmittedRightBeforeTheCallWithTheRequestsCostAndCorrected() {
        upstreamLimits = new UpstreamLimits(Map.of("gemini-2.5-*", RateLimits.UNLIMITED.withRequestsPerMinute(100)));

        useCase().execute(command("gemini-2.5-flash", hello()));

        assertThat(quota.admittedAgainst).singleElement().satisfies(limits -> assertThat(limits)
                .extracting(l -> l.bucket().key()).containsExactly("upstream:test:gemini-2.5-flash:rpm"));
        assertThat(quota.corrections).hasSize(2); // the tenant's admission and the upstream's
    }

    @Test
    void oversizedInlineDataIsRefusedBeforeTheQuota() {
        policy = new GenerationPolicy(8192, 65_536, 4, Duration.ofSeconds(5), Duration.ZERO);
        Map<String, Object> image = Map.of("contents", List.of(Map.of("parts", List.of(
                Map.of("inlineData", Map.of("mimeType", "image/png", "data", "aGVsbG8=")))))); // 5 bytes
        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", image)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.reason())
                        .isEqualTo(InvalidRequestException.Reason.PAYLOAD_TOO_LARGE));
        assertThat(quota.admitted).isEmpty();
        assertThat(upstream.received).isEmpty();
    }

    @Test
    void withACacheTtlASecondIdenticalRequestIsAFreeHitScopedToTheTenant() {
        policy = new GenerationPolicy(8192, 65_536, 1 << 20, Duration.ofSeconds(5), Duration.ofMinutes(5));
        GenerateContent useCase = useCase();
        Map<String, Object> deterministic = Map.of("contents", hello().get("contents"),
                "generationConfig", Map.of("maxOutputTokens", 100, "temperature", 0));
        assertThat(useCase.execute(command("gemini-2.5-flash", deterministic)).cacheStatus())
                .isEqualTo(CacheStatus.MISS);
        GenerateContent.Result hit = useCase.execute(command("gemini-2.5-flash", deterministic));

        assertThat(hit.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(hit.cost()).isEqualTo(Money.ZERO);
        assertThat(upstream.received).hasSize(1);
        assertThat(audit.all()).extracting(AuditEvent::outcome).containsExactly(Outcome.SUCCESS, Outcome.CACHE_HIT);
    }

    /** A ledger whose database fails while settling: the answer Google billed must still reach the caller. */
    private static final class SettlementFailingLedger implements BudgetLedger {
        private final InMemoryBudgetLedger delegate;

        SettlementFailingLedger(InMemoryBudgetLedger delegate) {
            this.delegate = delegate;
        }

        @Override
        public ReservationOutcome reserve(ReservationRequest request, Instant now) {
            return delegate.reserve(request, now);
        }

        @Override
        public void settle(ReservationId reservation, Money actualCost, Instant now) {
            throw new IllegalStateException("connection to the ledger database lost");
        }

        @Override
        public void release(ReservationId reservation, Instant now) {
            throw new IllegalStateException("connection to the ledger database lost");
        }
    }

    @Test
    void aSettlementFailureAfterABilledCallStillAnswersAndRecordsTheRealUsage() {
        ledger = new InMemoryBudgetLedger(Optional.of(
                new Budget(CALLER.tenant(), Optional.empty(), BudgetPeriod.LIFETIME, Money.ofDollars("1"))));
        GenerateContent useCase = new GenerateContent(pricing, cache, UpstreamCalls.single(
                FixedUpstreamKeyVault.withTestKey(), upstream, pricing, clock, policy.upstreamTimeout()),
                new Admission(quota, new SettlementFailingLedger(ledger), new RequestRecorder(audit, metrics),
                        new SequentialIdGenerator(), clock),
                new RequestFingerprint("a-test-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8)),
                clock, policy);

        GenerateContent.Result result = useCase.execute(command("gemini-2.5-flash", hello()));

        assertThat(result.response().text()).isEqualTo("Echo: Hello there");
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.usage().candidatesTokens()).isEqualTo(6);
            assertThat(e.cost()).isEqualTo(Money.ofMicros(17));
            assertThat(e.detail()).contains("settlement failed");
        });
        assertThat(quota.corrections).containsExactly(10L);
    }

    @Test
    void anUnexpectedExceptionReleasesEverythingAndIsRecordedAsAnInternalError() {
        ledger = new InMemoryBudgetLedger(Optional.of(
                new Budget(CALLER.tenant(), Optional.empty(), BudgetPeriod.LIFETIME, Money.ofDollars("1"))));
        upstream.failNext(new ArithmeticException("long overflow"));

        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", hello())))
                .isInstanceOf(ArithmeticException.class);
        assertThat(ledger.openReservations()).isZero();
        assertThat(quota.corrections).containsExactly(0L);
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.INTERNAL_ERROR);
            assertThat(e.detail()).contains("ArithmeticException").doesNotContain("overflow");
        });
        assertThat(metered).containsExactlyElementsOf(audit.all());
    }

    @Test
    void anUpstreamMessageQuotingACredentialIsMaskedInTheAuditDetail() {
        upstream.failNext(new UpstreamException(UpstreamException.Kind.INVALID_REQUEST, 400,
                "Bad value near gmg_abcdefghijklmnopqrstuvwxyz0123456789ABCD and AIzaSyA1234567890abcdefghijklmnopqrs",
                null, null));

        assertThatThrownBy(() -> useCase().execute(command("gemini-2.5-flash", hello())))
                .isInstanceOf(UpstreamException.class);
        assertThat(audit.all()).singleElement().extracting(AuditEvent::detail).asString()
                .contains("[REDACTED]").doesNotContain("gmg_abc").doesNotContain("AIzaSy");
    }
}
