package dev.gemgate.application.resource;

import dev.gemgate.application.generation.GenerationPolicy;
import dev.gemgate.application.port.RequestMetrics;
import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.budget.Budget;
import dev.gemgate.domain.budget.BudgetPeriod;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.NotFoundException;
import dev.gemgate.domain.common.PermissionDeniedException;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.fakes.CountingQuotaLimiter;
import dev.gemgate.domain.fakes.FakeGenerationPort;
import dev.gemgate.domain.fakes.FixedUpstreamKeyVault;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryBatchJobs;
import dev.gemgate.domain.fakes.InMemoryBudgetLedger;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.InMemoryTenantResources;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.JsonText;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.CostCalculator;
import dev.gemgate.domain.resource.BatchesPort;
import dev.gemgate.domain.resource.ResourceKind;
import dev.gemgate.domain.resource.TenantResource;
import dev.gemgate.domain.resource.UpstreamResourceName;
import dev.gemgate.domain.tenant.ApiKeyId;
import dev.gemgate.domain.tenant.TenantId;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Batch API use cases over in-memory fakes; time is moved by hand. */
class BatchesTest {
    private static final Caller A = new Caller(new TenantId(new UUID(1, 1)), new ApiKeyId(new UUID(2, 2)));
    private static final Caller B = new Caller(new TenantId(new UUID(3, 3)), new ApiKeyId(new UUID(4, 4)));
    private static final ModelId FLASH = new ModelId("gemini-2.5-flash");
    private static final CostCalculator CALCULATOR = new CostCalculator();

    private final MutableClock clock = MutableClock.at("2026-11-30T10:00:00Z");
    private final InMemoryPricingCatalog pricing = new InMemoryPricingCatalog()
            .add("gemini-2.5-flash", "0.30", "2.50", "0.03");
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final CountingQuotaLimiter quota = CountingQuotaLimiter.unlimited();
    private final InMemoryBudgetLedger ledger = new InMemoryBudgetLedger(Optional.of(new Budget(A.tenant(),
            Optional.empty(), Optional.empty(), BudgetPeriod.LIFETIME, ZoneOffset.UTC, Money.ofDollars("100"),
            List.of())));
    private final InMemoryTenantResources resources = new InMemoryTenantResources();
    private final InMemoryBatchJobs jobs = new InMemoryBatchJobs();
    private final FakeBatches upstream = new FakeBatches();
    private final GenerationPolicy policy = GenerationPolicy.defaults();
    private final BatchSettings settings = BatchSettings.DEFAULTS;
    private final SequentialIdGenerator ids = new SequentialIdGenerator();
    private final Admission admission = new Admission(quota, ledger, new RequestRecorder(audit, new RequestMetrics() {
        @Override
        public void record(AuditEvent event) {
        }

        @Override
        public void authenticationFailed(String reason) {
        }
    }), ids, clock);
    private final UpstreamCalls calls = UpstreamCalls.single(FixedUpstreamKeyVault.withTestKey(),
            new FakeGenerationPort(List.of("gemini-2.5-flash")), pricing, clock, Duration.ofSeconds(10));
    private final BatchSettlement settlement = new BatchSettlement(pricing, admission, upstream,
            FixedUpstreamKeyVault.withTestKey(), resources, jobs, ids, clock, settings);
    private final BatchCreate create = new BatchCreate(pricing, calls, admission, upstream, resources, jobs, ids,
            clock, policy, settings);
    private final BatchGet get = new BatchGet(calls, admission, upstream, resources, settlement, clock);
    private final BatchList list = new BatchList(admission, resources);
    private final BatchCancel cancel = new BatchCancel(calls, admission, upstream, resources);
    private final BatchDelete delete = new BatchDelete(calls, admission, upstream, FixedUpstreamKeyVault.withTestKey(),
            resources, jobs, settlement, clock, settings);
    private int requests;

    private RequestContext context(Caller caller) {
        return new RequestContext(caller, new RequestId("req-" + (++requests)), Optional.empty(), Optional.empty());
    }

    private static Map<String, Object> inline(String... texts) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            items.add(Map.of("request", Map.of("contents", List.of(Map.of("role", "user", "parts",
                    List.of(Map.of("text", texts[i])))), "generationConfig", Map.of("maxOutputTokens", 100)),
                    "metadata", Map.of("key", "r" + i)));
        }
        return Map.of("batch", Map.of("displayName", "job", "inputConfig", Map.of("requests",
                Map.of("requests", items))));
    }

    private String createAs(Caller caller, Map<String, Object> body) {
        return create.execute(new BatchCreate.Command(context(caller), FLASH,
                BatchesPort.Method.BATCH_GENERATE_CONTENT, body, JsonText.write(body))).operation().name()
                .orElseThrow().value();
    }

    /** What a request of {@link #inline} reserves as a generate call: its text's bytes in, 100 out. */
    private Money standardBound(String text) {
        return CALCULATOR.cost(pricing.priceAt(FLASH, clock.instant()).orElseThrow(),
                new Usage(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, 100, 0, 0));
    }

    @Test
    void aCreationIsOneRequestWithItsTokensReservedAtTheBatchPriceAndRecordedAsTheTenantsOwn() {
        String name = createAs(A, inline("Hello there", "Why is the sky blue?"));

        TenantResource batch = resources.find(A.tenant(), new UpstreamResourceName(ResourceKind.BATCH, name))
                .orElseThrow();
        assertThat(batch.requestCount()).hasValue(2);
        assertThat(batch.credential()).isEqualTo(new UpstreamCredentialId("test"));
        assertThat(batch.model()).contains(FLASH);
        assertThat(batch.state()).isEqualTo("BATCH_STATE_PENDING");
        Money expected = pricing.priceAt(FLASH, clock.instant()).orElseThrow().batchCost(standardBound("Hello there"))
                .plus(pricing.priceAt(FLASH, clock.instant()).orElseThrow()
                        .batchCost(standardBound("Why is the sky blue?")));
        assertThat(batch.reserved()).isEqualTo(expected);
        assertThat(ledger.openReservations()).isEqualTo(1);
        // one request, the estimated tokens kept (not corrected to zero when the creation ends)
        assertThat(quota.admitted).singleElement().satisfies(q -> {
            assertThat(q.requests()).isEqualTo(1);
            assertThat(q.tokens()).isPositive();
        });
        assertThat(quota.corrections).containsExactly(quota.admitted.getFirst().tokens());
        assertThat(audit.all()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(AuditEventType.BATCH_GENERATE_CONTENT);
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.cost()).isEqualTo(Money.ZERO);
        });
        assertThat(jobs.find(batch.id())).hasValueSatisfying(j ->
                assertThat(j.nextPollAt()).isEqualTo(clock.instant().plus(settings.firstPoll())));
    }

    @Test
    void aJobIsSettledOnceAtHalfTheStandardPriceOfItsResultsWhenAGetSeesItEnded() {
        String name = createAs(A, inline("a", "b", "c", "d"));
        assertThat(get.execute(new BatchGet.Query(context(A), name)).operation().state())
                .isEqualTo("BATCH_STATE_RUNNING");
        assertThat(ledger.settled()).isEqualTo(Money.ZERO);
        assertThat(get.execute(new BatchGet.Query(context(A), name)).operation().state())
                .isEqualTo("BATCH_STATE_SUCCEEDED");
        get.execute(new BatchGet.Query(context(A), name));

        Money perRequest = CALCULATOR.cost(pricing.priceAt(FLASH, clock.instant()).orElseThrow(),
                new Usage(10, 20, 0, 0));
        Money half = pricing.priceAt(FLASH, clock.instant()).orElseThrow().batchCost(perRequest);
        assertThat(audit.all()).filteredOn(e -> e.type() == AuditEventType.BATCH_SETTLED).singleElement()
                .satisfies(e -> {
                    assertThat(e.cost()).isEqualTo(Money.ofMicros(half.micros() * 4));
                    assertThat(e.usage()).isEqualTo(new Usage(40, 80, 0, 0));
                    assertThat(e.requestId().value()).isEqualTo("req-1");
                    assertThat(e.tenant()).contains(A.tenant());
                });
        assertThat(ledger.settled()).isEqualTo(Money.ofMicros(half.micros() * 4));
        assertThat(ledger.openReservations()).isZero();
        assertThat(resources.find(A.tenant(), new UpstreamResourceName(ResourceKind.BATCH, name)).orElseThrow())
                .satisfies(r -> {
                    assertThat(r.settled()).isEqualTo(Money.ofMicros(half.micros() * 4));
                    assertThat(r.state()).isEqualTo("BATCH_STATE_SUCCEEDED");
                    assertThat(r.description()).doesNotContain("inlinedResponses").contains(name);
                });
    }

    @Test
    void anotherTenantsBatchIsRefusedLikeOneThatNeverExistedAndNothingReachesTheUpstream() {
        String name = createAs(A, inline("mine"));
        int before = upstream.calls.size();
        List<String> refusals = new ArrayList<>();
        for (String target : List.of(name, "batches/neverexisted", "batches/../x")) {
            for (Runnable call : List.<Runnable>of(
                    () -> get.execute(new BatchGet.Query(context(B), target)),
                    () -> cancel.execute(new BatchCancel.Command(context(B), target)),
                    () -> delete.execute(new BatchDelete.Command(context(B), target)))) {
                assertThatThrownBy(call::run).isInstanceOfSatisfying(NotFoundException.class,
                        e -> refusals.add(e.getClass() + e.getMessage()));
            }
        }
        assertThat(refusals).hasSize(9).containsOnly(NotFoundException.class + "Requested entity was not found.");
        assertThat(upstream.calls).hasSize(before);
        assertThat(list.execute(new BatchList.Query(context(B), Optional.empty(), Optional.empty())).operations())
                .isEmpty();
        assertThat(list.execute(new BatchList.Query(context(A), Optional.empty(), Optional.empty())).operations())
                .singleElement().satisfies(op -> assertThat(op).contains(name));
    }

    @Test
    void anInputFileOrReferenceOfAnotherTenantIsRefusedWithGooglesFileAnswerBeforeAnyUpstreamCall() {
        TenantResource file = TenantResource.created(UUID.randomUUID(), UpstreamResourceName.of(ResourceKind.FILE,
                        "abc123"), A.tenant(), A.apiKey(), new UpstreamCredentialId("test"), Optional.empty(),
                "ACTIVE", Optional.empty(), clock.instant()).withSizeBytes(5000);
        resources.record(file);
        Map<String, Object> byFile = Map.of("batch", Map.of("inputConfig", Map.of("fileName", "files/abc123")));
        Map<String, Object> referencing = Map.of("batch", Map.of("inputConfig", Map.of("requests", Map.of("requests",
                List.of(Map.of("request", Map.of("contents", List.of(Map.of("parts", List.of(Map.of("fileData",
                        Map.of("fileUri", "https://generativelanguage.googleapis.com/v1beta/files/abc123",
                                "mimeType", "application/pdf"))))))))))));
        for (Map<String, Object> body : List.of(byFile, referencing)) {
            assertThatThrownBy(() -> createAs(B, body)).isInstanceOfSatisfying(PermissionDeniedException.class,
                    e -> assertThat(e.getMessage()).isEqualTo(
                            "You do not have permission to access the File abc123 or it may not exist."));
        }
        assertThat(upstream.calls).isEmpty();
        assertThat(ledger.openReservations()).isZero();

        // the owner's own file: reserved from its size, created at the file's credential
        String name = createAs(A, byFile);
        assertThat(upstream.calls).containsExactly("create " + name + " test");
        TenantResource batch = resources.find(A.tenant(), new UpstreamResourceName(ResourceKind.BATCH, name))
                .orElseThrow();
        long lines = Math.ceilDiv(5000, BatchCreate.MIN_LINE_BYTES);
        Money bound = pricing.priceAt(FLASH, clock.instant()).orElseThrow().batchCost(CALCULATOR.cost(
                pricing.priceAt(FLASH, clock.instant()).orElseThrow(),
                new Usage(5000, lines * settings.fileOutputTokensPerRequest(), 0, 0)));
        assertThat(batch.reserved()).isEqualTo(bound);
    }

    @Test
    void aCancelledJobIsSettledForWhatRanAndTheRestReleased() {
        String name = createAs(A, inline("a", "b", "c", "d"));
        get.execute(new BatchGet.Query(context(A), name)); // 2 of 4 ran
        cancel.execute(new BatchCancel.Command(context(A), name));
        assertThat(get.execute(new BatchGet.Query(context(A), name)).operation().state())
                .isEqualTo("BATCH_STATE_CANCELLED");
        Money half = pricing.priceAt(FLASH, clock.instant()).orElseThrow().batchCost(CALCULATOR.cost(
                pricing.priceAt(FLASH, clock.instant()).orElseThrow(), new Usage(10, 20, 0, 0)));
        assertThat(ledger.settled()).isEqualTo(Money.ofMicros(half.micros() * 2));
        assertThat(audit.all()).filteredOn(e -> e.type() == AuditEventType.BATCH_SETTLED).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("BATCH_STATE_CANCELLED: 2 of 4"));
    }

    @Test
    void deletingAJobThatHasNotEndedCancelsAndSettlesItFirst() {
        String name = createAs(A, inline("a", "b"));
        delete.execute(new BatchDelete.Command(context(A), name));
        assertThat(upstream.calls).containsExactly("create " + name + " test", "get " + name + " test",
                "cancel " + name + " test", "get " + name + " test", "delete " + name + " test");
        assertThat(audit.all()).filteredOn(e -> e.type() == AuditEventType.BATCH_SETTLED).hasSize(1);
        assertThat(ledger.openReservations()).isZero();
        assertThatThrownBy(() -> get.execute(new BatchGet.Query(context(A), name)))
                .isInstanceOf(NotFoundException.class);
        assertThat(list.execute(new BatchList.Query(context(A), Optional.empty(), Optional.empty())).operations())
                .isEmpty();
    }

    @Test
    void twoPollersSharingTheJobsSettleEachJobExactlyOnceWithBackoffBetweenPolls() {
        String first = createAs(A, inline("a", "b"));
        String second = createAs(A, inline("c", "d", "e", "f"));
        BatchPoller one = new BatchPoller(jobs, resources, upstream, FixedUpstreamKeyVault.withTestKey(), settlement,
                clock, settings, "one");
        BatchPoller two = new BatchPoller(jobs, resources, upstream, FixedUpstreamKeyVault.withTestKey(), settlement,
                clock, settings, "two");
        assertThat(one.pollDue() + two.pollDue()).isZero(); // not due yet
        clock.advance(settings.firstPoll());
        assertThat(one.pollDue()).isZero(); // both leased to "one": one poll each, still running
        assertThat(two.pollDue()).isZero(); // nothing left for "two"
        assertThat(upstream.calls).filteredOn(c -> c.startsWith("get")).hasSize(2);
        clock.advance(settings.firstPoll()); // the next poll is due after twice the first gap
        assertThat(one.pollDue() + two.pollDue()).isZero();
        clock.advance(settings.firstPoll());
        int settled = one.pollDue() + two.pollDue();
        assertThat(settled).isEqualTo(2);
        clock.advance(Duration.ofHours(1));
        assertThat(one.pollDue() + two.pollDue()).isZero();
        assertThat(upstream.calls).filteredOn(c -> c.startsWith("get")).hasSize(4);
        assertThat(audit.all()).filteredOn(e -> e.type() == AuditEventType.BATCH_SETTLED).hasSize(2);
        assertThat(ledger.openReservations()).isZero();
        assertThat(List.of(first, second)).allSatisfy(n -> assertThat(resources.find(A.tenant(),
                new UpstreamResourceName(ResourceKind.BATCH, n)).orElseThrow().state()).isEqualTo(
                "BATCH_STATE_SUCCEEDED"));
    }

    @Test
    void aBatchWithoutExactlyOneInputIsA400AndReservesNothing() {
        for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of(), Map.of("batch", Map.of()),
                Map.of("batch", Map.of("inputConfig", Map.of())),
                Map.of("batch", Map.of("inputConfig", Map.of("fileName", "files/x", "requests",
                        Map.of("requests", List.of()))))))  {
            assertThatThrownBy(() -> createAs(A, body)).isInstanceOf(DomainException.class);
        }
        assertThat(upstream.calls).isEmpty();
        assertThat(ledger.openReservations()).isZero();
    }
}
