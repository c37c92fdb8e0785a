package dev.gemgate.app;

import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.upstream.CircuitState;
import dev.gemgate.domain.upstream.CredentialPool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;
import java.util.TreeMap;

/**
 * Readiness of the upstream: DOWN only when no credential can serve (none active, all rejected, or every circuit of
 * every credential open), since a replica that cannot reach Gemini with any credential should get no traffic; one
 * open circuit or one bad key is not a reason to take the replica out. The details show each credential's status,
 * calls in flight, whether it is held out, and each of its circuits' state (never a secret).
 */
@Readiness
@ApplicationScoped
public class UpstreamReadiness implements HealthCheck {
    private final CredentialPool pool;

    public UpstreamReadiness(CredentialPool pool) {
        this.pool = pool;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("gemgate-upstream").status(pool.canServe());
        for (CredentialPool.Health health : pool.health()) {
            StringBuilder detail = new StringBuilder(health.status().name().toLowerCase())
                    .append(", weight ").append(health.weight()).append(", in flight ").append(health.inFlight());
            health.heldOutUntil().ifPresent(until -> detail.append(", rejected: held out until ").append(until));
            Map<String, String> circuits = new TreeMap<>();
            for (Map.Entry<ModelId, CircuitState> circuit : health.circuits().entrySet()) {
                if (circuit.getValue() != CircuitState.CLOSED) {
                    circuits.put(circuit.getKey().value(), circuit.getValue().name().toLowerCase());
                }
            }
            if (!circuits.isEmpty()) {
                detail.append(", circuits ").append(circuits);
            }
            response.withData(health.credential().value(), detail.toString());
        }
        return response.build();
    }
}
