package dev.gemgate.adapter.web.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gemgate.application.cache.GetCachePolicy;
import dev.gemgate.domain.cache.CachePolicy;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JSON of a tenant's response-cache policy on the admin API, read from the tree so that every wrong field is named
 * in one 400: an unknown field, {@code ttlSeconds} missing or not a whole number from 0 to 30 days,
 * {@code cacheNonDeterministic} not a boolean.
 */
public final class CacheJson {
    private static final Set<String> FIELDS = Set.of("ttlSeconds", "cacheNonDeterministic");

    /** A policy's settings on the wire. */
    @Schema(name = "CachePolicySettings")
    public record Settings(@Schema(description = "how long a stored answer is served, in seconds; 0: not cached")
                           long ttlSeconds,
                           @Schema(description = "true: requests that are not deterministic (no explicit "
                                   + "temperature 0) are cached too") boolean cacheNonDeterministic) {
        static Settings of(CachePolicy policy) {
            return new Settings(policy.ttl().toSeconds(), policy.cacheNonDeterministic());
        }
    }

    /** A tenant's cache policy on the wire (GET, and the answer to PUT). */
    @Schema(name = "CachePolicy")
    public record View(@Schema(description = "true: the tenant has a policy of its own; false: the configured one "
            + "applies") boolean stored,
                       @Schema(description = "the TTL in force for the tenant, in seconds (0: not cached)")
                       long ttlSeconds,
                       @Schema(description = "whether the tenant's non-deterministic requests are cached")
                       boolean cacheNonDeterministic,
                       @Schema(description = "the configured policy (gemgate.cache.*) of every tenant without its own")
                       Settings configured) {
        static View of(GetCachePolicy.Result result) {
            CachePolicy policy = result.policy();
            return new View(result.stored().isPresent(), policy.ttl().toSeconds(), policy.cacheNonDeterministic(),
                    Settings.of(result.configured()));
        }
    }

    /** The body of a PUT. */
    @Schema(name = "CachePolicyInput")
    public record Input(@Schema(description = "required: seconds from 0 (no caching) to 2592000 (30 days)",
            example = "300") Long ttlSeconds,
                        @Schema(description = "default false") Boolean cacheNonDeterministic) {
    }

    /** The parsed body of a PUT, or the errors that refuse it. */
    record PolicyInput(CachePolicy policy, List<AdminProblem.FieldError> errors) {
    }

    private CacheJson() {
    }

    static PolicyInput policy(String body) {
        List<AdminProblem.FieldError> errors = new ArrayList<>();
        JsonNode root = AdminJson.object(body, errors);
        if (root == null) {
            return new PolicyInput(null, errors);
        }
        AdminJson.unknownFields(root, "", FIELDS, errors);
        long maxSeconds = CachePolicy.MAX_TTL.toSeconds();
        JsonNode ttl = root.get("ttlSeconds");
        long seconds = 0;
        if (ttl == null || ttl.isNull()) {
            errors.add(new AdminProblem.FieldError("ttlSeconds", "is required: seconds from 0 (no caching) to "
                    + maxSeconds));
        } else if (!ttl.canConvertToExactIntegral() || !ttl.canConvertToLong() || ttl.asLong() < 0
                || ttl.asLong() > maxSeconds) {
            errors.add(new AdminProblem.FieldError("ttlSeconds", "must be a whole number of seconds from 0 to "
                    + maxSeconds));
        } else {
            seconds = ttl.asLong();
        }
        boolean nonDeterministic = false;
        JsonNode flag = root.get("cacheNonDeterministic");
        if (flag != null && !flag.isNull()) {
            if (flag.isBoolean()) {
                nonDeterministic = flag.booleanValue();
            } else {
                errors.add(new AdminProblem.FieldError("cacheNonDeterministic", "must be true or false"));
            }
        }
        return new PolicyInput(errors.isEmpty() ? new CachePolicy(Duration.ofSeconds(seconds), nonDeterministic)
                : null, errors);
    }
}
