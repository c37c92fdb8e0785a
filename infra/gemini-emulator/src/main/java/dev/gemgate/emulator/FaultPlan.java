package dev.gemgate.emulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A thread-safe, ordered queue of faults consumed by the next matching calls to the model endpoints
 * ({@code generateContent}, {@code streamGenerateContent}, {@code countTokens}, {@code embedContent},
 * {@code batchEmbedContents}, {@code predict}); never by {@code /emulator/*} or the models list/get.
 *
 * <p>Rules:
 * <ul>
 *   <li>{@code times} is how many calls a fault affects; {@code -1} means "until cleared"; 0 adds nothing.</li>
 *   <li>A call takes at most one {@link Type#LATENCY} fault (the oldest matching one), at most one
 *       {@link Type#CHUNK_DELAY} fault <em>and</em> at most one other fault (the oldest matching one): a latency
 *       fault delays the call, then the other fault (or the normal reply) happens, its chunks paced by the chunk
 *       delay. So {@code latency(-1, 2s)} plus {@code rateLimit(1, ...)} gives one slow 429 followed by slow
 *       successes, and {@code chunkDelay(1, 200ms)} plus {@code cutStreamAfter(1, 2)} gives two chunks 200 ms
 *       apart, then the cut.</li>
 *   <li>{@link Type#CUT_STREAM}, {@link Type#STREAM_ERROR}, {@link Type#STALL_STREAM} and
 *       {@link Type#CHUNK_DELAY} only match streaming calls; other calls skip them without consuming them.</li>
 *   <li>A fault added through {@link #forModel(String)} only matches calls to that model
 *       ({@code gemini-2.5-flash} and {@code models/gemini-2.5-flash} are the same model); one added through
 *       {@link #forApiKey(String)} only matches calls carrying that credential (the {@code x-goog-api-key} header, else
 *       {@code ?key=}, else the {@code Authorization: Bearer} token, as {@link RecordedRequest#apiKey()}). The two
 *       combine: {@code faults().forApiKey("k2").forModel("m")}.</li>
 *   <li>Faults apply after routing, authentication and the unknown-model check, before the body is
 *       validated.</li>
 * </ul>
 */
public final class FaultPlan {

    /** The kinds of fault. */
    public enum Type {
        /** 429 RESOURCE_EXHAUSTED with QuotaFailure + RetryInfo details and a Retry-After header. */
        RATE_LIMIT,
        /** An HTTP error status (500 INTERNAL, 502/503 UNAVAILABLE, 504 DEADLINE_EXCEEDED, ...). */
        SERVER_ERROR,
        /** Added latency before the reply (time to first byte). */
        LATENCY,
        /** A stream sends N chunks then the connection is dropped, no terminating chunk. */
        CUT_STREAM,
        /** The request is accepted and never answered until the client gives up or the emulator closes. */
        HANG,
        /** A stream sends N chunks, then an error event {@code data: {"error":{...}}}, then ends. */
        STREAM_ERROR,
        /** Each streamed chunk (the first too, after the headers) waits this long before it is written. */
        CHUNK_DELAY,
        /**
         * A stream sends N chunks, then writes nothing more and keeps the connection open until the emulator closes, is
         * reset or {@link GeminiEmulator#resumeStalledStreams() resumes} it.
         */
        STALL_STREAM;

        /** Whether only streaming calls take it. */
        boolean streamingOnly() {
            return this == CUT_STREAM || this == STREAM_ERROR || this == CHUNK_DELAY || this == STALL_STREAM;
        }
    }

    /**
     * One fault as queued.
     *
     * @param type        the kind
     * @param times       calls left to affect; -1 = until cleared
     * @param model       the model it is scoped to (without {@code models/}), or null for any model
     * @param delay       RATE_LIMIT: the retry delay; LATENCY: the added latency; CHUNK_DELAY: the wait before each
     *                    chunk; otherwise null
     * @param httpStatus  SERVER_ERROR / STREAM_ERROR: the HTTP status; RATE_LIMIT: 429; otherwise 0
     * @param afterChunks CUT_STREAM / STREAM_ERROR / STALL_STREAM: the chunks sent before the fault; otherwise 0
     * @param quotaId     RATE_LIMIT: the QuotaFailure violation's {@code quotaId} (null:
     *                    {@link #PER_MINUTE_QUOTA_ID}; e.g. {@link #PER_DAY_QUOTA_ID}); otherwise null
     * @param apiKey      the credential it is scoped to (API key or bearer token, matched exactly), or null for any
     */
    public record Fault(Type type, int times, String model, Duration delay, int httpStatus, int afterChunks,
                        String quotaId, String apiKey) {
        /** The quota a 429 names unless told otherwise: Google's per-minute request quota. */
        public static final String PER_MINUTE_QUOTA_ID = "GenerateRequestsPerMinutePerProjectPerModel";
        /** Google's free-tier per-day request quota, which resets at midnight Pacific time. */
        public static final String PER_DAY_QUOTA_ID = "GenerateRequestsPerDayPerProjectPerModel-FreeTier";

        /** A fault without a quota id of its own (a RATE_LIMIT names the per-minute quota). */
        public Fault(Type type, int times, String model, Duration delay, int httpStatus, int afterChunks) {
            this(type, times, model, delay, httpStatus, afterChunks, null, null);
        }

        /** A fault for any credential. */
        public Fault(Type type, int times, String model, Duration delay, int httpStatus, int afterChunks,
                     String quotaId) {
            this(type, times, model, delay, httpStatus, afterChunks, quotaId, null);
        }

        public Fault {
            Objects.requireNonNull(type, "type");
            if (times < -1) {
                throw new IllegalArgumentException("times must be -1 (until cleared) or >= 0: " + times);
            }
            model = model == null || model.isBlank() ? null : normalizeModel(model);
            apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
            if (delay != null && delay.isNegative()) {
                throw new IllegalArgumentException("negative delay: " + delay);
            }
            if ((type == Type.RATE_LIMIT || type == Type.LATENCY || type == Type.CHUNK_DELAY) && delay == null) {
                throw new IllegalArgumentException(type + " needs a delay");
            }
            if ((type == Type.SERVER_ERROR || type == Type.STREAM_ERROR) && (httpStatus < 400 || httpStatus > 599)) {
                throw new IllegalArgumentException(type + " needs an HTTP error status (400-599): " + httpStatus);
            }
            if ((type == Type.CUT_STREAM || type == Type.STREAM_ERROR || type == Type.STALL_STREAM) && afterChunks < 0) {
                throw new IllegalArgumentException("afterChunks must be >= 0: " + afterChunks);
            }
            if (quotaId != null && type != Type.RATE_LIMIT) {
                throw new IllegalArgumentException("only a RATE_LIMIT fault names a quotaId");
            }
            if (quotaId != null && !quotaId.matches("[A-Za-z0-9_.-]{1,128}")) {
                throw new IllegalArgumentException("a quotaId is 1 to 128 letters, digits, '_', '.' or '-': " + quotaId);
            }
        }

        /** The quotaId a RATE_LIMIT fault's QuotaFailure names. */
        public String effectiveQuotaId() {
            return quotaId == null ? PER_MINUTE_QUOTA_ID : quotaId;
        }

        /** A copy with {@code times} left and the given scope. */
        Fault with(int times, String model, String apiKey) {
            return new Fault(type, times, model, delay, httpStatus, afterChunks, quotaId, apiKey);
        }

        /** The same fault for the first {@code times} calls. */
        Fault withTimes(int times) {
            return with(times, model, apiKey);
        }

        boolean appliesTo(String requestModel, String requestKey, boolean streaming) {
            if (model != null && !model.equals(requestModel)) {
                return false;
            }
            if (apiKey != null && !apiKey.equals(requestKey)) {
                return false;
            }
            return streaming || !type.streamingOnly();
        }
    }

    /** What a call got from the plan: an optional latency, an optional chunk delay and an optional other fault. */
    record Decision(Duration latency, Duration chunkDelay, Fault fault) {
        static final Decision NONE = new Decision(null, null, null);
    }

    private static final class Entry {
        final Fault fault;
        int remaining;

        Entry(Fault fault) {
            this.fault = fault;
            this.remaining = fault.times();
        }
    }

    private static final class Queue {
        final List<Entry> entries = new ArrayList<>();
        volatile int size;
    }

    private final Queue queue;
    private final String scope;
    private final String keyScope;

    /** An empty, unscoped plan. */
    public FaultPlan() {
        this(new Queue(), null, null);
    }

    private FaultPlan(Queue queue, String scope, String keyScope) {
        this.queue = queue;
        this.scope = scope;
        this.keyScope = keyScope;
    }

    /**
     * A view of this plan whose additions are scoped to {@code model} (and whose {@link #clear()} and
     * {@link #pending()} only concern that model's faults). Keeps this view's API key scope.
     */
    public FaultPlan forModel(String model) {
        Objects.requireNonNull(model, "model");
        return new FaultPlan(queue, normalizeModel(model), keyScope);
    }

    /**
     * A view of this plan whose additions only match calls carrying {@code apiKey} (the {@code x-goog-api-key} header,
     * else {@code ?key=}, else the {@code Authorization: Bearer} token; compared exactly), and whose {@link #clear()}
     * and {@link #pending()} only concern that key's faults. Keeps this view's model scope, and
     * {@link #forModel(String)} on it keeps the key: {@code faults().forApiKey("k2").forModel("m").serverError(-1, 403)}.
     */
    public FaultPlan forApiKey(String apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        if (apiKey.isBlank()) {
            throw new IllegalArgumentException("blank apiKey");
        }
        return new FaultPlan(queue, scope, apiKey.trim());
    }

    /** The model this view is scoped to, or null. */
    public String model() {
        return scope;
    }

    /** The credential this view is scoped to, or null. */
    public String apiKey() {
        return keyScope;
    }

    private boolean inScope(Fault f) {
        return (scope == null || scope.equals(f.model())) && (keyScope == null || keyScope.equals(f.apiKey()));
    }

    /**
     * The next {@code times} calls get 429 RESOURCE_EXHAUSTED with RetryInfo {@code retryDelay} and Retry-After, and a
     * QuotaFailure naming the per-minute quota ({@link Fault#PER_MINUTE_QUOTA_ID}).
     */
    public FaultPlan rateLimit(int times, Duration retryDelay) {
        return rateLimit(times, retryDelay, null);
    }

    /**
     * As {@link #rateLimit(int, Duration)}, the QuotaFailure naming {@code quotaId} (e.g. {@link Fault#PER_DAY_QUOTA_ID}
     * for an exhausted daily quota; null for the per-minute default).
     */
    public FaultPlan rateLimit(int times, Duration retryDelay, String quotaId) {
        return add(new Fault(Type.RATE_LIMIT, times, scope, Objects.requireNonNull(retryDelay, "retryDelay"), 429, 0,
                quotaId));
    }

    /**
     * The next {@code times} calls get {@code httpStatus} (500, 502, 503, 504, ...) with the matching google status and
     * Google's message: 401 UNAUTHENTICATED "Request had invalid authentication credentials..." (ErrorInfo
     * ACCESS_TOKEN_EXPIRED), 403 PERMISSION_DENIED "Permission denied: Consumer 'api_key:...abcd' has been suspended."
     * (ErrorInfo CONSUMER_SUSPENDED; the key masked to its last 4 characters; a bearer call gets "The caller does not
     * have permission"). With {@link #forApiKey(String)}, a credential that stops working.
     */
    public FaultPlan serverError(int times, int httpStatus) {
        return add(new Fault(Type.SERVER_ERROR, times, scope, null, httpStatus, 0));
    }

    /**
     * As {@link #serverError(int, int)}, with a {@code Retry-After} header of {@code retryAfter} (whole seconds,
     * rounded up), as a load balancer or proxy in front of Google sends it; the body has no RetryInfo.
     */
    public FaultPlan serverError(int times, int httpStatus, Duration retryAfter) {
        return add(new Fault(Type.SERVER_ERROR, times, scope, Objects.requireNonNull(retryAfter, "retryAfter"),
                httpStatus, 0));
    }

    /**
     * The next {@code times} calls are refused as Google refuses a credential: {@code httpStatus} 401 (UNAUTHENTICATED)
     * or 403 (PERMISSION_DENIED, consumer suspended); the same as {@link #serverError(int, int)} with that status, named
     * for what it stands for. Use on a {@link #forApiKey(String)} view.
     */
    public FaultPlan reject(int times, int httpStatus) {
        if (httpStatus != 401 && httpStatus != 403) {
            throw new IllegalArgumentException("reject takes 401 or 403: " + httpStatus);
        }
        return serverError(times, httpStatus);
    }

    /** The next {@code times} calls (-1: until cleared) are answered {@code delay} later. */
    public FaultPlan latency(int times, Duration delay) {
        return add(new Fault(Type.LATENCY, times, scope, Objects.requireNonNull(delay, "delay"), 0, 0));
    }

    /** The next {@code times} streaming calls send {@code chunks} chunks, then the connection is dropped. */
    public FaultPlan cutStreamAfter(int times, int chunks) {
        return add(new Fault(Type.CUT_STREAM, times, scope, null, 0, chunks));
    }

    /** The next {@code times} calls are never answered (until the client gives up or the emulator closes). */
    public FaultPlan hang(int times) {
        return add(new Fault(Type.HANG, times, scope, null, 0, 0));
    }

    /**
     * The next {@code times} streaming calls send {@code afterChunks} chunks, then an SSE error event
     * {@code data: {"error":{"code":httpStatus,...}}} (an {@code {"error":...}} element in the JSON-array
     * form), then end normally.
     */
    public FaultPlan streamError(int times, int afterChunks, int httpStatus) {
        return add(new Fault(Type.STREAM_ERROR, times, scope, null, httpStatus, afterChunks));
    }

    /**
     * The next {@code times} streaming calls (-1: until cleared) write each chunk {@code delay} after the previous one
     * (the first {@code delay} after the headers). Combines with {@link #latency} (before the headers) and with
     * {@link #cutStreamAfter}, {@link #streamError} and {@link #stallStreamAfter} (their cut, error event or stall
     * comes where the next chunk would have, one delay later). Overrides {@link EmulatorConfig#streamChunkDelay()}.
     */
    public FaultPlan chunkDelay(int times, Duration delay) {
        return add(new Fault(Type.CHUNK_DELAY, times, scope, Objects.requireNonNull(delay, "delay"), 0, 0));
    }

    /**
     * The next {@code times} streaming calls send {@code chunks} chunks, then write nothing more and keep the connection
     * open, holding no platform thread, until the emulator closes or is reset (the connection is then dropped) or
     * {@link GeminiEmulator#resumeStalledStreams()} lets them finish. With {@code chunks} at least the stream's length,
     * every chunk is sent but the response never ends.
     */
    public FaultPlan stallStreamAfter(int times, int chunks) {
        return add(new Fault(Type.STALL_STREAM, times, scope, null, 0, chunks));
    }

    /** Queues a fault as given (its own model and API key scopes win over this view's when set). */
    public FaultPlan add(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if ((fault.model() == null && scope != null) || (fault.apiKey() == null && keyScope != null)) {
            fault = fault.with(fault.times(), fault.model() == null ? scope : fault.model(),
                    fault.apiKey() == null ? keyScope : fault.apiKey());
        }
        if (fault.times() == 0) {
            return this;
        }
        synchronized (queue) {
            queue.entries.add(new Entry(fault));
            queue.size = queue.entries.size();
        }
        return this;
    }

    /** The queued faults with their remaining counts, oldest first (only this view's model / API key when scoped). */
    public List<Fault> pending() {
        synchronized (queue) {
            List<Fault> out = new ArrayList<>(queue.entries.size());
            for (Entry e : queue.entries) {
                if (inScope(e.fault)) {
                    out.add(e.fault.withTimes(e.remaining));
                }
            }
            return List.copyOf(out);
        }
    }

    /**
     * Removes every queued fault (a {@link #forModel} / {@link #forApiKey} view removes only the faults scoped to its
     * model and / or key).
     */
    public void clear() {
        synchronized (queue) {
            if (scope == null && keyScope == null) {
                queue.entries.clear();
            } else {
                queue.entries.removeIf(e -> inScope(e.fault));
            }
            queue.size = queue.entries.size();
        }
    }

    /**
     * Takes what applies to one call to {@code model} carrying {@code apiKey} (null: none), consuming one use of each
     * fault taken.
     */
    Decision next(String model, String apiKey, boolean streaming) {
        if (queue.size == 0) {
            return Decision.NONE;
        }
        String normalized = model == null ? null : normalizeModel(model);
        Entry latency = null;
        Entry chunkDelay = null;
        Entry other = null;
        synchronized (queue) {
            for (Entry e : queue.entries) {
                if (!e.fault.appliesTo(normalized, apiKey, streaming)) {
                    continue;
                }
                switch (e.fault.type()) {
                    case LATENCY -> latency = latency == null ? e : latency;
                    case CHUNK_DELAY -> chunkDelay = chunkDelay == null ? e : chunkDelay;
                    default -> other = other == null ? e : other;
                }
                if (latency != null && chunkDelay != null && other != null) {
                    break;
                }
            }
            consume(latency);
            consume(chunkDelay);
            consume(other);
            if (latency != null || chunkDelay != null || other != null) {
                Iterator<Entry> it = queue.entries.iterator();
                while (it.hasNext()) {
                    if (it.next().remaining == 0) {
                        it.remove();
                    }
                }
                queue.size = queue.entries.size();
            }
        }
        return new Decision(latency == null ? null : latency.fault.delay(),
                chunkDelay == null ? null : chunkDelay.fault.delay(), other == null ? null : other.fault);
    }

    private static void consume(Entry e) {
        if (e != null && e.remaining > 0) {
            e.remaining--;
        }
    }

    static String normalizeModel(String model) {
        String m = model.trim();
        int slash = m.lastIndexOf('/');
        return slash >= 0 ? m.substring(slash + 1) : m;
    }
}
