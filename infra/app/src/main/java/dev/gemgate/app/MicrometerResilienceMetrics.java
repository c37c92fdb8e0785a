package dev.gemgate.app;

import dev.gemgate.application.port.ResilienceMetrics;
import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.CredentialPool;
import dev.gemgate.domain.upstream.RetryBudget;
import dev.gemgate.domain.upstream.UpstreamCredentialId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The meters of the retry path and the credential pool. Labels are bounded: models Gemgate serves, failure kinds,
 * credential ids (chosen by administrators, never a secret).
 * <ul>
 *   <li>{@code gemgate_upstream_retries_total{model,after}}: attempts made again, by the failure kind before them</li>
 *   <li>{@code gemgate_upstream_retries_refused_total{model}}: retryable failures answered because the retry budget
 *   was spent</li>
 *   <li>{@code gemgate_upstream_retry_budget_balance}: the retries the budget holds now</li>
 *   <li>{@code gemgate_upstream_fallbacks_total{from,to}}: requests moved to a fallback model</li>
 *   <li>{@code gemgate_upstream_credential_rejected_total{credential,status}}: a credential Google rejected (401, 403,
 *   an invalid key) and that was held out: the alert to page on</li>
 *   <li>{@code gemgate_upstream_credentials_serving}: 1 while some credential can serve (readiness), else 0</li>
 *   <li>{@code gemgate_upstream_credentials{state}}: the pool's credentials by state ({@code active}, {@code draining},
 *   {@code disabled}, {@code held_out} after a rejection), as this replica sees them</li>
 * </ul>
 */
@Singleton
public class MicrometerResilienceMetrics implements ResilienceMetrics {
    private static final Logger LOG = Logger.getLogger(MicrometerResilienceMetrics.class);

    private final MeterRegistry registry;

    public MicrometerResilienceMetrics(MeterRegistry registry, RetryBudget budget) {
        this.registry = registry;
        Gauge.builder("gemgate.upstream.retry.budget.balance", budget, RetryBudget::balance)
                .description("Retries the retry budget holds now").register(registry);
    }

    /** Gauges read from the pool. */
    void watch(CredentialPool pool) {
        Gauge.builder("gemgate.upstream.credentials.serving", pool, p -> p.canServe() ? 1 : 0)
                .description("1 while some upstream credential can serve, else 0").register(registry);
        for (String state : CREDENTIAL_STATES) {
            Gauge.builder("gemgate.upstream.credentials", pool, p -> count(p, state))
                    .description("Upstream credentials of the pool by state, as this replica sees them: active, "
                            + "draining, disabled, or held out after Google rejected them")
                    .tag("state", state).register(registry);
        }
    }

    /** The {@code state} label's values: an administrator's setting, or {@code held_out} (rejected, quarantined). */
    static final List<String> CREDENTIAL_STATES = List.of("active", "draining", "disabled", "held_out");

    private static double count(CredentialPool pool, String state) {
        return pool.health().stream().filter(h -> stateOf(h).equals(state)).count();
    }

    private static String stateOf(CredentialPool.Health health) {
        return health.heldOutUntil().isPresent() ? "held_out" : health.status().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void retried(ModelId model, UpstreamException.Kind after) {
        Counter.builder("gemgate.upstream.retries").description("Upstream attempts made again, by the failure before")
                .tag("model", model.value()).tag("after", after.name().toLowerCase()).register(registry).increment();
    }

    @Override
    public void retryRefused(ModelId model) {
        Counter.builder("gemgate.upstream.retries.refused")
                .description("Retryable upstream failures answered because the retry budget was spent")
                .tag("model", model.value()).register(registry).increment();
    }

    @Override
    public void fellBack(ModelId from, ModelId to) {
        Counter.builder("gemgate.upstream.fallbacks").description("Requests served by a fallback model")
                .tag("from", from.value()).tag("to", to.value()).register(registry).increment();
    }

    /** Google rejected {@code credential}: counted (the alert) and logged, without any secret. */
    void rejected(UpstreamCredentialId credential, int upstreamStatus, Instant heldOutUntil) {
        Counter.builder("gemgate.upstream.credential.rejected")
                .description("Upstream credentials Google rejected (401, 403, an invalid key), each then held out")
                .tag("credential", credential.value()).tag("status", Integer.toString(upstreamStatus))
                .register(registry).increment();
        LOG.errorf("The upstream rejected credential %s (HTTP %d): it is held out until %s; fix or replace it "
                + "through the admin API", credential, upstreamStatus, heldOutUntil);
    }
}
