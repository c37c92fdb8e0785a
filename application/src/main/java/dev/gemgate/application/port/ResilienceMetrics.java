package dev.gemgate.application.port;

import dev.gemgate.domain.common.UpstreamException;
import dev.gemgate.domain.generation.ModelId;

/** Port: meters of the retry path (bounded labels: models Gemgate serves, failure kinds; no tenant). */
public interface ResilienceMetrics {
    ResilienceMetrics NONE = new ResilienceMetrics() {
        @Override
        public void retried(ModelId model, UpstreamException.Kind after) {
        }

        @Override
        public void retryRefused(ModelId model) {
        }

        @Override
        public void fellBack(ModelId from, ModelId to) {
        }
    };

    /** Another attempt at {@code model} follows a failure of kind {@code after}. */
    void retried(ModelId model, UpstreamException.Kind after);

    /** A retryable failure was answered because the retry budget was spent. */
    void retryRefused(ModelId model);

    /** A request for {@code from} moved to the fallback model {@code to}. */
    void fellBack(ModelId from, ModelId to);
}
