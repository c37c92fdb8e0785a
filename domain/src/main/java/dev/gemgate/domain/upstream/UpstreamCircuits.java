package dev.gemgate.domain.upstream;

import dev.gemgate.domain.generation.ModelId;

import java.util.Map;

/**
 * Port: the circuit breakers around the upstream, one per credential x model, as the credential selection and the
 * health check see them. A call through an open circuit fails at once with {@code UpstreamException(CIRCUIT_OPEN)}.
 */
public interface UpstreamCircuits {
    UpstreamCircuits NONE = new UpstreamCircuits() {
        @Override
        public CircuitState state(UpstreamCredentialId credential, ModelId model) {
            return CircuitState.CLOSED;
        }

        @Override
        public Map<UpstreamCredentialId, Map<ModelId, CircuitState>> states() {
            return Map.of();
        }
    };

    /** The circuit's state; CLOSED for a credential x model never called. */
    CircuitState state(UpstreamCredentialId credential, ModelId model);

    /** Every circuit that has been used, by credential then model. */
    Map<UpstreamCredentialId, Map<ModelId, CircuitState>> states();
}
