package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.request.RequestContext;
import dev.gemgate.application.request.Ticket;
import dev.gemgate.application.request.UpstreamCalls;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.audit.Outcome;
import dev.gemgate.domain.cache.CachePolicySource;
import dev.gemgate.domain.cache.RequestFingerprint;
import dev.gemgate.domain.cache.ResponseCache;
import dev.gemgate.domain.common.Money;
import dev.gemgate.domain.generation.Cancellation;
import dev.gemgate.domain.generation.GenerationRequest;
import dev.gemgate.domain.generation.GenerationResponse;
import dev.gemgate.domain.generation.JsonText;
import dev.gemgate.domain.generation.StreamedAnswer;
import dev.gemgate.domain.generation.StreamLimits;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.StreamChunk;
import dev.gemgate.domain.generation.StreamObserver;
import dev.gemgate.domain.generation.TokenEstimator;
import dev.gemgate.domain.generation.Usage;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PricingCatalog;
import dev.gemgate.domain.quota.RateLimitStatus;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One streamed generation: validate, admit (quota, the response cache, then budget), stream the upstream's chunks to the
 * caller as they arrive, settle once from the final chunk's usage.
 *
 * <p>The response cache ({@link ResponseCaching}, the same rules as the unary call): a hit is sent as one chunk holding
 * the whole stored answer, then the stream ends normally, settled as CACHE_HIT; a stream that completes normally, is
 * storable and was served by the model asked for is assembled into one answer ({@link StreamedAnswer}) and stored, so
 * that a later unary or streamed request hits. Streams do not coalesce with identical requests in flight (a follower
 * would have to wait for the whole answer, which defeats streaming).
 *
 * <p>How a stream that does not finish is charged (what Google bills is what it produced):
 * <ul>
 *   <li>It fails before its first chunk: nothing was produced; the failure is thrown, and the surface answers with an
 *   ordinary error response.</li>
 *   <li>It fails after chunks were forwarded (a cut connection, an error event, a deadline), or the client goes away:
 *   the charge is the <em>produced</em> usage: the prompt count of the last {@code usageMetadata} seen (else the
 *   admission's input estimate), and as output the larger of that metadata's output count and the tokens of the text
 *   forwarded (counted by {@link TokenEstimator#countText}). Output the upstream produced after the last forwarded
 *   chunk and before the cancellation reached it is not known to the gateway and is not charged.</li>
 * </ul>
 */
public final class StreamGenerateContent {
    /** {@code cacheDirective}: what the caller asked of the response cache ({@code Cache-Control}). */
    public record Command(RequestContext context, GenerationRequest request, Cancellation cancellation,
                          CacheDirective cacheDirective) {
        public Command {
            if (context == null || request == null || cancellation == null || cacheDirective == null) {
                throw new IllegalArgumentException("command fields are required");
            }
        }

        /** With the {@link CacheDirective#DEFAULT default} cache directive. */
        public Command(RequestContext context, GenerationRequest request, Cancellation cancellation) {
            this(context, request, cancellation, CacheDirective.DEFAULT);
        }
    }

    /** Where the chunks go: the surface's writer for one response. */
    public interface ChunkSink {
        /**
         * The request was admitted: where the caller stands on its rate limits, for the response's headers. Called once,
         * before the first {@link #send}.
         */
        default void admitted(RateLimitStatus rateLimits) {
        }

        /**
         * Forwards one chunk as it arrived. The first call commits the response (its status and headers); before it,
         * a failure is thrown from {@link #execute} and the surface answers with an ordinary error.
         *
         * @return false when the client has gone away (the stream is then cancelled)
         */
        boolean send(StreamChunk chunk);

        /**
         * Whether {@link #send} never blocks: then the chunks may be sent from the thread that reads the upstream (an
         * event loop), and {@link #holdUntilReady} is asked after each ({@link StreamObserver#nonBlocking}).
         */
        default boolean nonBlocking() {
            return false;
        }

        /**
         * For a {@link #nonBlocking} sink: true if it cannot take another chunk yet, and it runs {@code ready} when it
         * can ({@link StreamObserver#holdUntilReady}).
         */
        default boolean holdUntilReady(Runnable ready) {
            return false;
        }

        /**
         * The model about to serve the stream (before each attempt; a fallback's when the one asked for could not),
         * for the response's {@code x-gemgate-served-model} header. The last call before the first chunk holds.
         */
        default void servedBy(ModelId model) {
        }

        /**
         * How the response cache took part, for the response's {@code x-gemgate-cache} header: called once, before the
         * first {@link #send}. A {@link CacheStatus#HIT} is then sent as one chunk holding the whole stored answer.
         */
        default void cacheStatus(CacheStatus status) {
        }

        /**
         * What the stream was charged, once it is settled: called once, right before {@link #complete} or a
         * {@link #fail} after chunks were sent (the settled cost, or what a stream cut mid-way was charged for what it
         * produced). Not called when the client went away.
         */
        default void settled(Money cost) {
        }

        /** The stream ended normally. */
        void complete();

        /** The stream failed after chunks were sent: end it with an error in the surface's own streamed form. */
        void fail(RuntimeException failure);
    }

    private final PricingCatalog pricing;
    private final ResponseCaching caching;
    private final UpstreamCalls upstream;
    private final Admission admission;
    private final RequestFingerprint fingerprints;
    private final Clock clock;
    private final GenerationPolicy policy;
    private final StreamPolicy streams;

    /** Without the response cache. */
    public StreamGenerateContent(PricingCatalog pricing, UpstreamCalls upstream, Admission admission,
                                 RequestFingerprint fingerprints, Clock clock, GenerationPolicy policy,
                                 StreamPolicy streams) {
        this(pricing, new ResponseCaching(ResponseCache.NONE, CachePolicySource.OFF, fingerprints, clock), upstream,
                admission, fingerprints, clock, policy, streams);
    }

    public StreamGenerateContent(PricingCatalog pricing, ResponseCaching caching, UpstreamCalls upstream,
                                 Admission admission, RequestFingerprint fingerprints, Clock clock,
                                 GenerationPolicy policy, StreamPolicy streams) {
        this.caching = caching;
        this.pricing = pricing;
        this.upstream = upstream;
        this.admission = admission;
        this.fingerprints = fingerprints;
        this.clock = clock;
        this.policy = policy;
        this.streams = streams;
    }

    /**
     * Runs the stream to its end on the calling (virtual) thread. Throws only for failures before the first chunk was
     * sent; every later ending goes to {@code sink}. The ticket is closed exactly once on every path.
     */
    public void execute(Command command, ChunkSink sink) {
        GenerationRequest request = command.request();
        Optional<ModelPrice> price = pricing.priceAt(request.model(), clock.instant());
        Ticket ticket = admission.open(command.context(), AuditEventType.STREAM_GENERATE_CONTENT, request.model(),
                price, Optional.of(fingerprints.of(request)));
        Forwarder forwarder = null;
        ResponseCaching.Plan plan = null;
        try {
            ModelAccess.requireServed(price, request.model());
            RequestLimits.checkGeneration(request, policy);
            RequestLimits.Admitted admitted = RequestLimits.admitted(request, policy, ticket.spendingPolicy());
            ticket.admitQuota(admitted.quota());
            UpstreamCalls.Pin pin = ticket.pinFor(request);
            plan = caching.plan(command.context().caller().tenant(), request, command.cacheDirective());
            Optional<GenerationResponse> hit = caching.lookup(plan);
            if (hit.isPresent()) {
                serveHit(ticket, hit.get(), sink);
                return;
            }
            ticket.reserveBudget(admitted.reservation());
            sink.admitted(ticket.rateLimits());
            sink.cacheStatus(plan.missStatus());
            Forwarder attempts = new Forwarder(ticket, sink, admitted.input(),
                    plan.store() ? new StreamedAnswer() : null);
            forwarder = attempts;
            GenerationRequest forwarded = admitted.forwarded();
            boolean callerDeadline = command.context().deadline().isPresent();
            upstream.generation(ticket, admitted.reservation(), command.cancellation(), pin,
                    (model, credential, timeout) -> {
                        sink.servedBy(model);
                        upstream.port().stream(model.equals(forwarded.model()) ? forwarded
                                        : forwarded.forModel(model), credential,
                                callerDeadline ? within(streams.limits(), timeout) : streams.limits(),
                                command.cancellation(), attempts);
                        attempts.throwIfFailedBeforeFirstChunk();
                        return null;
                    });
        } catch (RuntimeException | Error e) {
            if (forwarder == null || forwarder.chunks == 0) {
                ticket.fail(e);
                throw e;
            }
            // a failure of our own after the response was committed: the stream ends with an error event
            ticket.fail(e, forwarder.produced());
            sink.settled(ticket.cost(forwarder.produced()));
            sink.fail(e instanceof RuntimeException r ? r : new IllegalStateException(e));
            return;
        }
        forwarder.close(ticket, command.cancellation());
        Optional<GenerationResponse> answer = forwarder.answer(ticket.servedModel());
        if (answer.isPresent()) {
            caching.store(plan, answer.get(), request.model(), ticket.servedModel());
        }
    }

    /**
     * A hit: one chunk holding the whole stored answer, then the stream ends normally; settled through the ticket as
     * CACHE_HIT (charged nothing).
     */
    private static void serveHit(Ticket ticket, GenerationResponse hit, ChunkSink sink) {
        sink.admitted(ticket.rateLimits());
        sink.cacheStatus(CacheStatus.HIT);
        sink.servedBy(ticket.model());
        sink.send(new StreamChunk(JsonText.write(hit.body()), hit, Optional.of(hit.usage()), System.nanoTime()));
        sink.settled(ticket.settle(hit.usage(), Outcome.CACHE_HIT));
        sink.complete();
    }

    /** The stream's limits, none beyond {@code left} (what the caller's deadline leaves). */
    private static StreamLimits within(StreamLimits limits, Duration left) {
        return new StreamLimits(left.compareTo(limits.total()) < 0 ? left : limits.total(),
                left.compareTo(limits.idle()) < 0 ? left : limits.idle());
    }

    /** Forwards chunks and keeps what is needed to charge the stream however it ends. */
    private static final class Forwarder implements StreamObserver {
        private final Ticket ticket;
        private final ChunkSink sink;
        private final long estimatedPrompt;
        /** The chunks assembled into one answer, to store once the stream completes (null: not stored). */
        private final StreamedAnswer assembly;
        private int chunks;
        private Usage lastUsage;
        private long forwardedTextTokens;
        private boolean clientGone;
        private boolean completed;
        private RuntimeException failure;

        Forwarder(Ticket ticket, ChunkSink sink, long estimatedPrompt, StreamedAnswer assembly) {
            this.ticket = ticket;
            this.sink = sink;
            this.estimatedPrompt = estimatedPrompt;
            this.assembly = assembly;
        }

        /** Forwards first, then reads the chunk for accounting: the parse is off the chunk's way to the client. */
        @Override
        public boolean onChunk(StreamChunk chunk) {
            chunks++;
            boolean open = sink.send(chunk);
            if (chunks == 1) {
                ticket.firstChunkForwarded();
            }
            chunk.usage().ifPresent(u -> lastUsage = u);
            forwardedTextTokens += TokenEstimator.countText(chunk.response().text());
            if (assembly != null) {
                assembly.add(chunk.response());
            }
            if (!open) {
                clientGone = true;
            }
            return open;
        }

        @Override
        public boolean nonBlocking() {
            return sink.nonBlocking();
        }

        @Override
        public boolean holdUntilReady(Runnable ready) {
            return sink.holdUntilReady(ready);
        }

        @Override
        public void onComplete() {
            completed = true;
        }

        @Override
        public void onError(RuntimeException failure) {
            this.failure = failure;
        }

        /**
         * An attempt that failed before any chunk reached the client may be retried: its failure is thrown (and
         * forgotten here); one that failed after is ended by {@link #close}, never retried.
         */
        void throwIfFailedBeforeFirstChunk() {
            if (failure != null && chunks == 0) {
                RuntimeException thrown = failure;
                failure = null;
                lastUsage = null;
                throw thrown;
            }
        }

        /**
         * The whole answer of a stream that completed normally to a client that read it all, assembled from its chunks
         * (with its final usage): what the cache may store. Empty for any other ending, or when nothing is assembled.
         */
        Optional<GenerationResponse> answer(ModelId servedModel) {
            if (assembly == null || !completed || failure != null || clientGone || chunks == 0 || lastUsage == null
                    || !assembly.isReadable()) {
                return Optional.empty();
            }
            return Optional.of(assembly.response(servedModel, lastUsage));
        }

        /** What the upstream produced as far as the gateway saw it (see the class comment). */
        Usage produced() {
            if (chunks == 0 && lastUsage == null) {
                return Usage.NONE;
            }
            Usage seen = lastUsage == null ? new Usage(estimatedPrompt, 0, 0, 0) : lastUsage;
            long output = Math.max(seen.outputTokens(), forwardedTextTokens);
            return new Usage(seen.promptTokens(), output - seen.thoughtsTokens(), seen.thoughtsTokens(),
                    seen.cachedTokens());
        }

        /** Closes the ticket for how the stream ended, and ends the response. */
        void close(Ticket ticket, Cancellation cancellation) {
            if (failure != null) {
                if (chunks == 0) {
                    ticket.fail(failure);
                    throw failure;
                }
                ticket.fail(failure, produced());
                sink.settled(ticket.cost(produced()));
                sink.fail(failure);
            } else if (completed) {
                sink.settled(ticket.settle(lastUsage != null ? lastUsage : produced(), Outcome.SUCCESS));
                sink.complete();
            } else if (clientGone || cancellation.isCancelled()) {
                ticket.abandon(produced());
            } else {
                IllegalStateException broken = new IllegalStateException("the upstream stream ended without an outcome");
                ticket.fail(broken, produced());
                if (chunks == 0) {
                    throw broken;
                }
                sink.settled(ticket.cost(produced()));
                sink.fail(broken);
            }
        }
    }
}
