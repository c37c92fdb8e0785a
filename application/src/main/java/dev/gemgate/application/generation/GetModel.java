package dev.gemgate.application.generation;

import dev.gemgate.application.request.Admission;
import dev.gemgate.application.tenant.Caller;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.generation.ModelInfo;
import dev.gemgate.domain.quota.RateLimitStatus;

/**
 * One model a caller may call. A model outside the key's scope is refused first (403 PERMISSION_DENIED, as
 * generateContent refuses it: {@link Admission#outOfScope}), so a scoped key learns nothing of other models; a model
 * the gateway does not serve (unpriced, or not listed by the upstream) is 404. A read in scope is one request against
 * the caller's request limits ({@link Admission#admitRead}), found or not.
 */
public final class GetModel {
    public record Query(Caller caller, ModelId model) {
        public Query {
            if (caller == null || model == null) {
                throw new IllegalArgumentException("caller and model are required");
            }
        }
    }

    /** The model, and where the caller stands on its rate limits (for the response's headers). */
    public record Result(ModelInfo model, RateLimitStatus rateLimits) {
    }

    private final ModelCatalog catalog;
    private final Admission admission;

    public GetModel(ModelCatalog catalog, Admission admission) {
        this.catalog = catalog;
        this.admission = admission;
    }

    public Result execute(Query query) {
        ModelId model = query.model();
        if (!query.caller().scopes().permitsModel(model)) {
            throw Admission.outOfScope(query.caller(), model);
        }
        RateLimitStatus rateLimits = admission.admitRead(query.caller());
        return new Result(catalog.find(model).orElseThrow(() -> ModelAccess.notServed(model)), rateLimits);
    }
}
