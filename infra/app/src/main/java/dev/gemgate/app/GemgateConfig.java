package dev.gemgate.app;

import dev.gemgate.domain.budget.LeasedBudgetLedger;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Gemgate's own settings (prefix {@code gemgate}); defaults run locally, the prod profile overrides the unsafe ones. */
@ConfigMapping(prefix = "gemgate")
public interface GemgateConfig {
    Upstream upstream();

    Emulator emulator();

    Generation generation();

    Auth auth();

    Seed seed();

    Security security();

    Database database();

    Admin admin();

    EmbeddedPostgres embeddedPostgres();

    Metrics metrics();

    Models models();

    Quota quota();

    /**
     * Spending budgets in US dollars, the defaults of every tenant, API key and end user (none set = no budget); the
     * ledger's leased slices and the expiry of a crashed instance's reservations ({@code LeasedBudgetLedger}).
     */
    Budget budget();

    /** The master key that encrypts the upstream credentials added through the admin API (see {@link Vault}). */
    Vault vault();

    /**
     * The response cache (issue 17): the policy of every tenant without its own (set through
     * {@code /admin/api/v1/tenants/{id}/cache-policy}), the in-memory first level and the shared PostgreSQL table.
     */
    Cache cache();

    /** The Files API through Gemgate (issue 19): resumable uploads forwarded piece by piece ({@code FilesWiring}). */
    Files files();

    interface Files {
        /**
         * The most of an upload chunk held in memory and sent upstream in one request: a multiple of 256 KiB, 256 KiB
         * to 64 MiB. The SDKs send 8 MiB chunks, so each goes upstream as it came.
         */
        @WithDefault("8388608")
        int uploadPieceBytes();

        /** How long an upload URL Gemgate hands out may be used. */
        @WithDefault("24h")
        Duration uploadSessionTtl();

        /**
         * The public base URL upload URLs are built on (scheme, host, port and any path prefix of a proxy in front);
         * unset: the request's own, as {@code X-Forwarded-Proto}/{@code X-Forwarded-Host} or {@code Host} say.
         */
        Optional<String> publicBaseUrl();
    }

    /** Gemini's explicit context caches through the gateway (issue 19): the settlement of their storage. */
    CachedContents cachedContents();

    interface CachedContents {
        /** How often each replica looks for cache storage to charge (expired or deleted caches, long-lived ones). */
        @WithDefault("1m")
        Duration storageSweepInterval();

        /** A live cache's storage is charged at least this often (and at its deletion, TTL change or expiry). */
        @WithDefault("1h")
        Duration storageChargeInterval();
    }

    /** The Batch API through Gemgate (issue 19): how jobs are reserved for and followed until they are settled. */
    Batches batches();

    interface Batches {
        /**
         * How long a job's budget reservation is held before it expires and is charged its amount (for a job Gemgate
         * could not settle by then). Longer than Google runs a job (it expires a job after 48 hours).
         */
        @WithDefault("72h")
        Duration reservationTtl();

        /** The first poll of a new job; polls then back off, doubling, up to {@code max-poll-gap}. */
        @WithDefault("30s")
        Duration firstPoll();

        @WithDefault("10m")
        Duration maxPollGap();

        /** How often each replica looks for jobs due a poll (a round leases them: one replica polls each job). */
        @WithDefault("10s")
        Duration pollInterval();

        /** How long a replica holds the jobs it polls; another takes them over after it if that replica died. */
        @WithDefault("2m")
        Duration pollLease();

        /** At most this many jobs are polled per round by one replica. */
        @WithDefault("50")
        int pollBatch();

        /** One upstream call of the poller (a get, or reading a results file). */
        @WithDefault("60s")
        Duration callTimeout();

        /**
         * The output tokens each request of an input file is reserved for (the gateway does not read the file; see
         * BatchCreate).
         */
        @WithDefault("8192")
        long fileOutputTokensPerRequest();

        /** Whether this replica runs the poller (every replica may: leases keep each job to one at a time). */
        @WithDefault("true")
        boolean pollerEnabled();
    }

    interface Cache {
        /**
         * How long a stored answer is served, for every tenant without a policy of its own; {@code 0s} turns caching
         * off for them. At most 30 days, whole milliseconds.
         */
        @WithDefault("5m")
        Duration defaultTtl();

        /**
         * Whether requests that are not deterministic (no explicit {@code generationConfig.temperature} 0) are cached
         * too, for every tenant without a policy of its own. Off: two calls of such a request are meant to differ.
         */
        @WithDefault("false")
        boolean cacheNonDeterministic();

        /** The bound of the in-memory first level, in bytes of answer JSON (Caffeine, weighed per entry). */
        @WithDefault("67108864")
        long l1MaxBytes();

        /** Answers whose JSON is larger than this many bytes are not cached. */
        @WithDefault("1048576")
        long maxEntryBytes();

        /** Answers whose JSON is larger than this many bytes are stored gzip-compressed in PostgreSQL. */
        @WithDefault("8192")
        long compressAboveBytes();

        /** How often expired rows are deleted from PostgreSQL (by every replica; the delete is idempotent). */
        @WithDefault("5m")
        Duration purgeInterval();

        /**
         * Stores waiting to be written to PostgreSQL behind the requests that made them; past this, further stores
         * reach only this replica's first level.
         */
        @WithDefault("10000")
        int writeQueue();
    }

    interface Budget {
        /** Each tenant's budget (all its keys and end users together). */
        BudgetSettings tenant();

        /** Each API key's budget. */
        BudgetSettings key();

        /** Each end user's budget within its tenant (named by the x-gemgate-user header), each user its own. */
        BudgetSettings endUser();

        /** An instance leases a budget's money in slices of its limit divided by this. */
        @WithDefault("20")
        long slicesPerLimit();

        /**
         * A reservation not settled this long (its instance died) is settled at its reserved amount: longer than the
         * longest call or stream.
         */
        @WithDefault("40m")
        Duration reservationTtl();

        /**
         * When a budgeted request's reservation row is written. {@code slice}: never; the request is reserved in memory
         * against the replica's leased slice, and what settlements charge is written every {@link #chargeInterval}, one
         * settled ledger entry per set of budgets. A replica that crashes leaves its calls in flight and the charges of
         * its last interval out of the ledger's settled spend (their money stays leased: the limit still holds).
         * {@code async}: a row per request alongside the upstream call, group-committed within 10 ms; a crash inside that
         * window leaves that call out of the settled spend. {@code sync}: before the upstream call (a database round
         * trip on the request path), so that every call of a crashed replica is charged by the sweep. The money is taken
         * from the replica's slice before the call in every mode.
         */
        @WithDefault("slice")
        LeasedBudgetLedger.Durability durability();

        /** In {@code slice} durability, how often each instance writes what its requests' settlements charged. */
        @WithDefault("1s")
        Duration chargeInterval();

        /** How often expired reservations are looked for. */
        @WithDefault("5s")
        Duration sweepInterval();

        /**
         * How often each instance rereads the budgets and spending policies set through the admin API: a change is in
         * force at once on the instance that made it, and on every other replica within this period.
         */
        @WithDefault("5s")
        Duration refresh();

        /** The spending policy of every tenant that has none of its own (see SpendingPolicy). */
        Spending spending();
    }

    /** How requests are bounded for the reservation where they do not bound their own cost. */
    interface Spending {
        /**
         * Absent (the default): a request without maxOutputTokens is reserved for the model's maximum output and
         * forwarded unchanged. Set: Gemgate writes maxOutputTokens = this into such a request and reserves that.
         */
        OptionalLong forwardedOutputCap();

        /** Refuse requests whose media length cannot be measured before the call (fileData, unreadable durations). */
        @WithDefault("false")
        boolean refuseUnmeasuredMedia();
    }

    /**
     * What happens when a budget's soft threshold is crossed: an audit event and a metric always, and a signed webhook
     * when {@code webhook.url} is set ({@code AlertWiring}).
     */
    Alerts alerts();

    interface Alerts {
        Webhook webhook();

        /**
         * Alerts waiting in memory to be recorded (the ledger's callback only queues them, on the request path); when
         * full, further alerts are dropped and counted in {@code gemgate_budget_alerts_dropped_total}.
         */
        @WithDefault("10000")
        int queueCapacity();
    }

    /** The alert webhook: POSTed JSON signed with HMAC-SHA256 (README "Budget alerts"). */
    interface Webhook {
        /** The receiver's http(s) URL; absent = no webhook (no delivery recorded or attempted). Never logged. */
        Optional<String> url();

        /** The shared HMAC-SHA256 secret; required when a url is set. Never logged, audited or shown. */
        Optional<String> secret();

        /** Attempts per alert before it is given up (FAILED). */
        @WithDefault("8")
        int maxAttempts();

        /** The wait after the first failed attempt; doubles after each, with jitter, up to {@code max-backoff}. */
        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("5m")
        Duration maxBackoff();

        /** How long one attempt may take (connect and answer) before it counts as failed. */
        @WithDefault("10s")
        Duration timeout();

        /** How often each instance looks for due deliveries (a new alert is sent at once, not at the next poll). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Deliveries an instance claims at a time (sent in parallel). */
        @WithDefault("16")
        int batchSize();
    }

    /** One scope's budget: a limit (absent = none), its period and the zone its periods are counted in. */
    interface BudgetSettings {
        /** The hard limit in US dollars, e.g. 25.00; at most 6 decimals. */
        Optional<String> limitUsd();

        /** daily, weekly (from Monday), monthly or lifetime. */
        @WithDefault("monthly")
        String period();

        /** The zone of the period boundaries, e.g. UTC or Europe/Paris. */
        @WithDefault("UTC")
        String zone();

        /** Soft alert thresholds in percent of the limit, ascending, e.g. 50,80,100. */
        Optional<List<Integer>> alertPercents();
    }

    interface Upstream {
        /** emulator (an in-process Gemini emulator), gemini (Gemini Developer API key) or vertex (Vertex AI). */
        @WithDefault("emulator")
        Mode mode();

        /** The Gemini API key in gemini mode ({@code GEMINI_API_KEY}). */
        Optional<String> apiKey();

        /** Where the SDK sends requests; Google's endpoint when absent. */
        Optional<String> baseUrl();

        @WithDefault("v1beta")
        String apiVersion();

        Optional<String> vertexProject();

        @WithDefault("us-central1")
        String vertexLocation();

        /** A service-account JSON file for vertex mode. */
        Optional<Path> vertexCredentialsFile();

        /** Deadline of one upstream call. */
        @WithDefault("120s")
        Duration timeout();

        /**
         * A PEM file of CA certificates the upstream's TLS is also trusted with, besides the JDK's (a TLS-inspecting
         * proxy in front of Google); hostnames are still verified.
         */
        Optional<Path> extraTrustedCertificatesFile();

        /**
         * What sends generation and embedding calls once the SDK has built them: {@code vertx} (Vert.x's HTTP client on
         * the server's event loops) or {@code okhttp} (the SDK's own client). Streams and the SDK's other calls always
         * use the SDK's client.
         */
        @WithDefault("vertx")
        Transport transport();

        /** Streamed calls: the longest wait for the next chunk (the first one included). */
        @WithDefault("120s")
        Duration streamIdleTimeout();

        /** Streamed calls: the longest a stream may run; one that keeps producing is not cut before. */
        @WithDefault("30m")
        Duration streamTotalTimeout();

        /**
         * Google's limits per model, for each upstream credential ({@code UpstreamLimits}), counted fleet-wide:
         * {@code gemgate.upstream.limits."gemini-2.5-flash".requests-per-minute=1000}; a key is a model, a prefix
         * ending in {@code *} ({@code "gemini-3.*"}) or {@code "*"} (every model); the most specific wins.
         */
        Map<String, UpstreamLimitSettings> limits();

        /** How Gemgate backs off a credential x model that Google answers 429 ({@code UpstreamGate}). */
        Gate gate();

        /** The circuit breaker per credential x model ({@code GuardedGenerationPort}). */
        Circuit circuit();

        /** The cap of calls in flight per credential ({@code GuardedGenerationPort}). */
        Bulkhead bulkhead();

        /**
         * The configured fallback chains ({@code FallbackWiring}): per requested model, the models tried in order when
         * it cannot serve, comma-separated: {@code gemgate.upstream.fallback."gemini-3.1-pro-preview"=gemini-3.6-flash};
         * at most 4, none twice, never the model itself. A tenant's own policy (admin API) replaces them. Default none.
         */
        Map<String, String> fallback();

        /**
         * The deadline of a request whose caller names no sooner one ({@code X-Server-Timeout}): every attempt and
         * every wait of the request ends by then, else it is answered 504 DEADLINE_EXCEEDED. One attempt is also
         * bounded by {@code gemgate.upstream.timeout}.
         */
        @WithDefault("120s")
        Duration deadline();

        /** Retries of failed upstream calls ({@code UpstreamRetryPolicy}, {@code RetryBudget}). */
        Retry retry();

        /** The upstream credential pool ({@code CredentialPool}). */
        Pool pool();

        /**
         * Micro-batching of embeddings (adapters-gemini {@code EmbedBatcher}, API-key mode), only under contention: a
         * call with nothing of its model and upstream credential in flight goes at once, alone; calls arriving while
         * one is in flight go upstream as one batchEmbedContents call of at most {@code max-requests} embeddings, sent
         * when a call in flight completes or {@code window} has passed. Each caller is still admitted, charged and
         * audited on its own.
         */
        EmbedBatching embedBatching();

        interface EmbedBatching {
            @WithDefault("true")
            boolean enabled();

            /** The longest a batch waits for a call in flight to complete (1us to 1s). */
            @WithDefault("5ms")
            Duration window();

            /** The most embeddings in one upstream call, 2 to 100 (Google's limit per call); a full batch goes at once. */
            @WithDefault("100")
            int maxRequests();
        }

        interface Retry {
            /** Attempts per model of one request, the first included (1 = never retry); at most 10. */
            @WithDefault("3")
            int maxAttempts();

            /** The backoff after the first 5xx or timeout; it doubles after each (equal jitter) up to the maximum. */
            @WithDefault("200ms")
            Duration initialBackoff();

            @WithDefault("5s")
            Duration maxBackoff();

            /** Retries allowed per request over time (0.2 = the upstream sees at most 20% more calls than requests). */
            @WithDefault("0.2")
            double budgetRatio();

            /** Retries allowed per second whatever the traffic, so that a quiet gateway still retries. */
            @WithDefault("1")
            double budgetMinPerSecond();

            /** The most retries the budget saves up (the burst after a quiet spell). */
            @WithDefault("20")
            double budgetMaxBalance();
        }

        interface Pool {
            /** How long a credential Google rejected (401, 403, an invalid key) is held out before it is tried again. */
            @WithDefault("5m")
            Duration rejectedQuarantine();

            /** How often each replica rereads the pool (a change made on this replica is in force at once). */
            @WithDefault("5s")
            Duration refresh();
        }

        enum Mode { EMULATOR, GEMINI, VERTEX }

        enum Transport { VERTX, OKHTTP }

        /** One model pattern's upstream limits; each absent = not counted; each from 1 to 10^11. */
        interface UpstreamLimitSettings {
            OptionalLong requestsPerMinute();

            OptionalLong tokensPerMinute();

            /** Per day in Pacific time (Google's reset: midnight America/Los_Angeles). */
            OptionalLong requestsPerDay();
        }

        interface Gate {
            /** Calls in flight at once per credential x model when Google has not refused any (the AIMD ceiling). */
            @WithDefault("10000")
            int maxInFlight();

            /** The cooldown after a 429 with no RetryInfo that names no per-day quota. */
            @WithDefault("10s")
            Duration defaultCooldown();
        }

        /** Only 5xx, failed connections and timeouts count as failures; a 429 or a 400 does not. */
        interface Circuit {
            @WithDefault("true")
            boolean enabled();

            /** The last calls judged (requestVolumeThreshold): the circuit opens only once this many were recorded. */
            @WithDefault("20")
            int window();

            /** The share of failures among the window's calls that opens the circuit (above 0, at most 1). */
            @WithDefault("0.5")
            double failureRatio();

            /** How long an open circuit refuses calls before it lets a probe through (half-open). */
            @WithDefault("10s")
            Duration openFor();

            /** Successful probe calls that close a half-open circuit; one failed probe opens it again. */
            @WithDefault("1")
            int probes();
        }

        interface Bulkhead {
            /**
             * Calls in flight at once per credential, all models together; more are refused (CREDENTIAL_BUSY) and go to
             * another credential if there is one. As high as the gate's AIMD ceiling by default: a 5,000-in-flight
             * gateway on one key must not be capped below what Google lets through.
             */
            @WithDefault("10000")
            int maxInFlightPerCredential();
        }
    }

    interface Emulator {
        /** Port of the in-process emulator in emulator mode; 0 picks a free one. */
        @WithDefault("0")
        int port();
    }

    interface Generation {
        @WithDefault("8192")
        long defaultMaxOutputTokens();

        @WithDefault("65536")
        long maxOutputTokens();

        /** Decoded inline-data bytes per request (Gemini's historic 20 MB), for models without their own limit. */
        @WithDefault("20971520")
        long maxInlineBytes();

        /** Decoded bytes of one inline PDF (Google's file-input guide: 50 MB), for models without their own limit. */
        @WithDefault("52428800")
        long maxInlinePdfBytes();

        /**
         * Inline limits of particular models, keyed by an exact name or a prefix ending in {@code *} (quoted:
         * {@code gemgate.generation.models."gemini-3.*".max-inline-bytes=104857600}); an exact name beats the longest
         * prefix. A limit left out is the default's. Above about 47 MiB, quarkus.http.limits.max-body-size must grow.
         */
        Map<String, ModelInlineLimits> models();

        /** What a token estimate assumes for fileData parts, whose bytes the gateway never sees. */
        FileData fileData();

        /** The most input tokens any request can bill (the models' input limit): estimates are capped here. */
        @WithDefault("1048576")
        long maxInputTokens();
    }

    interface ModelInlineLimits {
        OptionalLong maxInlineBytes();

        OptionalLong maxInlinePdfBytes();
    }

    interface FileData {
        @WithDefault("600")
        long videoSeconds();

        @WithDefault("3600")
        long audioSeconds();

        @WithDefault("300")
        long pdfPages();

        /** A text file, or a file of a type the estimate does not know. */
        @WithDefault("100000")
        long textTokens();
    }

    interface Auth {
        /** How long a key lookup is remembered; a revocation reaches every replica within this time. */
        @WithDefault("5s")
        Duration keyCacheTtl();

        /** How many known keys are remembered (W-TinyLFU eviction beyond it). */
        @WithDefault("100000")
        long keyCacheSize();

        /** How long a hash that matched no key is remembered (kept apart, so made-up keys never evict real ones). */
        @WithDefault("1s")
        Duration unknownKeyCacheTtl();

        @WithDefault("10000")
        long unknownKeyCacheSize();

        /** Refused authentications are audited at most once per client address and reason in this window. */
        @WithDefault("1m")
        Duration failureAuditWindow();

        /**
         * How often the keys' "last used" times are written (one batch for all keys; read by the persistence adapter's
         * BatchedKeyUsageRecorder). A crash loses at most this much of them.
         */
        @WithDefault("5s")
        Duration keyUsageFlushInterval();
    }

    interface Admin {
        /**
         * The local-only bootstrap admin token for the admin API (a bearer token with the admin role), so the local
         * default run needs no identity provider. Unset, a local run generates one at its first start, keeps it in
         * {@link #bootstrapTokenFile()} and prints it. The prod profile refuses to start with one.
         */
        Optional<String> bootstrapToken();

        @WithDefault(".gemgate/admin-token")
        String bootstrapTokenFile();
    }

    interface Database {
        /**
         * After connectivity failures, how long requests that need the database are answered 503 at once (read by
         * the persistence adapter's DatabaseGuard) before a trial call; also the Retry-After they carry.
         */
        @WithDefault("2s")
        Duration retryAfter();
    }

    interface Security {
        /**
         * The server secret of the HMAC that fingerprints requests (audit prompt hashes, cache keys); at least 32
         * bytes, the same on every replica. The prod profile refuses to start without one, or with the local default.
         */
        Optional<String> fingerprintSecret();
    }

    /**
     * The master key of the upstream credential pool: AES-256-GCM over each stored secret, the same on every replica.
     * One of {@link #masterKey()} or {@link #masterKeyFile()}; with neither, a local run keeps a generated one in
     * {@code master.key} beside the embedded PostgreSQL's data directory, and the prod profile refuses to start.
     */
    interface Vault {
        /** The base64 of 32 random bytes ({@code openssl rand -base64 32}); env GEMGATE_VAULT_MASTER_KEY. */
        Optional<String> masterKey();

        /** A file holding the base64 of the 32-byte key (a mounted secret). */
        Optional<Path> masterKeyFile();
    }

    interface EmbeddedPostgres {
        /** Where the embedded PostgreSQL of local runs keeps its data (read by {@link GemgateMain}). */
        @WithDefault(".gemgate/postgres")
        String dataDir();

        /**
         * Where its PostgreSQL binaries are unpacked (read by {@link GemgateMain#binariesDirectory}): by default beside
         * {@code quarkus-run.jar} when the packaged app runs (the build has unpacked them there), else beside the data
         * directory.
         */
        Optional<String> binariesDir();

        /** Set by {@link GemgateMain} when it started one; the prod profile refuses to run on it. */
        @WithDefault("false")
        boolean started();
    }

    interface Metrics {
        /**
         * Give {@code gemgate_request_duration_seconds} a tenant label, so each tenant gets its own percentile
         * histogram (about 70 lines per tenant, model and outcome). Off: one histogram per operation, model and
         * outcome, shared by all tenants.
         */
        @WithDefault("false")
        boolean perTenantHistograms();
    }

    interface Models {
        /**
         * How long the upstream's model list is used: a model read after this starts one refresh in the background
         * and is answered from the list held (at most one upstream list per period; a failed refresh keeps the list).
         */
        @WithDefault("5m")
        Duration refresh();

        /**
         * Before the upstream has ever listed its models, model reads answer 503 with this Retry-After, without asking
         * the upstream again until it has passed.
         */
        @WithDefault("10s")
        Duration retryAfter();
    }

    /**
     * Rate limits (the default of every tenant, tenant x model and API key; none set = nothing is counted) and how
     * instances lease them from the shared store ({@code LeasedQuotaLimiter}, whose javadoc states the accuracy bound).
     */
    interface Quota {
        /** Each tenant's limits, all its keys and models together. */
        RateLimitSettings tenant();

        /** Each tenant's limits on each model ({@code gemgate.quota.tenant-model.*}). */
        RateLimitSettings tenantModel();

        /** Each API key's limits. */
        RateLimitSettings key();

        /**
         * The slice of a limit an instance takes from the shared store at a time, as a fraction of the limit (above 0,
         * at most 1): larger means fewer store round-trips and a looser bound (N instances hold at most N slices).
         */
        @WithDefault("0.05")
        double sliceFraction();

        /** A slice unused this long goes back to the shared store (checked every half of it). */
        @WithDefault("10s")
        Duration idleSliceTimeout();

        /**
         * How long an instance's lease of concurrency permits lives without a heartbeat: a crashed instance's permits
         * are free again this long after its last heartbeat. Must exceed {@code concurrency-heartbeat}.
         */
        @WithDefault("30s")
        Duration concurrencyLeaseTtl();

        /** How often an instance renews its concurrency leases (and gives back idle permits); well below the ttl. */
        @WithDefault("5s")
        Duration concurrencyHeartbeat();

        /**
         * The Retry-After of a refusal by a concurrency limit: a fixed hint, since no one knows when a request in
         * flight will end.
         */
        @WithDefault("1s")
        Duration concurrencyRetryAfter();

        /**
         * How often each instance rereads the per-tenant and per-key overrides set through the admin API: a change is
         * in force at once on the instance that made it, and on every other replica within this period.
         */
        @WithDefault("5s")
        Duration overridesRefresh();

        /**
         * How long a request a rate limit refuses for now may wait for room before it is refused (never past the
         * caller's {@code X-Server-Timeout}); 0 = never wait. 10 s: at any per-minute limit of 6 or more the next
         * request fits within it, while a client without a deadline of its own is not held much longer than common
         * HTTP read timeouts (OkHttp's 10 s), after which it would give up and retry on its own.
         */
        @WithDefault("10s")
        Duration maxWait();

        /** How many requests may wait in one lane (one limit of one tenant, key or tenant x model); more: 429 at once. */
        @WithDefault("100")
        int maxWaiters();
    }

    /** One scope's limits; each absent = no limit; each from 1 to 10^11 (anything else stops the start). */
    interface RateLimitSettings {
        OptionalLong requestsPerMinute();

        OptionalLong tokensPerMinute();

        /** Per UTC day (back to the full limit at 00:00 UTC). */
        OptionalLong requestsPerDay();

        /** Requests in flight at once (admitted, not yet finished: a stream until its end). */
        OptionalLong concurrentRequests();
    }

    interface Seed {
        /** Create a demo tenant and print its key once, at the first start. Off in prod. */
        @WithDefault("true")
        boolean demoTenant();
    }
}
