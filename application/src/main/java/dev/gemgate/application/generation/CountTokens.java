package dev.gemgate.application.generation;

import dev.gemgate.application.port.RequestRecorder;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.common.DomainException;
import dev.gemgate.domain.common.IdGenerator;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.common.RequestId;
import dev.gemgate.domain.generation.GenerationPort;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.upstream.UpstreamKeyVault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Counts a request's tokens with the upstream (countTokens is free at Google, so nothing is charged). */
public final class CountTokens {
    public record Command(Caller caller, GenerationRequest request, RequestId requestId) {
    }

    private final PricingCatalog pricing;
    private final UpstreamKeyVault vault;
    private final GenerationPort upstream;
    private final RequestRecorder recorder;
    private final IdGenerator ids;
    private final Clock clock;
    private final Duration timeout;

    public CountTokens(PricingCatalog pricing, UpstreamKeyVault vault, GenerationPort upstream,
                       RequestRecorder recorder, IdGenerator ids, Clock clock, Duration timeout) {
        this.pricing = pricing;
        this.vault = vault;
        this.upstream = upstream;
        this.recorder = recorder;
        this.ids = ids;
        this.clock = clock;
        this.timeout = timeout;
    }

    public long execute(Command command) {
        long startNanos = System.nanoTime();
        Instant now = clock.instant();
        try {
            ModelAccess.requireServed(pricing, command.request().model(), now);
            long total = upstream.countTokens(command.request(), vault.select(command.request().model()), timeout);
            record(command, now, startNanos, Outcome.SUCCESS, new Usage(total, 0, 0, 0), "");
            return total;
        } catch (DomainException e) {
            record(command, now, startNanos, Outcomes.of(e), Usage.NONE, e.getMessage());
            throw e;
        }
    }

    private void record(Command command, Instant at, long startNanos, Outcome outcome, Usage usage, String detail) {
        recorder.record(new AuditEvent(ids.newUuid(), at, AuditEventType.COUNT_TOKENS, command.requestId(),
                Optional.empty(), Optional.of(command.caller().tenant()), Optional.of(command.caller().apiKey()),
                command.caller().apiKey().toString(), Optional.of(command.request().model()), usage, Money.ZERO,
                Duration.ofNanos(System.nanoTime() - startNanos), outcome, Optional.empty(), detail));
    }
}
