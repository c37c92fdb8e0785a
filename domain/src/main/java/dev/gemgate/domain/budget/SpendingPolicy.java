package dev.gemgate.domain.budget;

import java.util.OptionalLong;

/**
 * A tenant's choice of how its requests are bounded for the budget reservation, where the request itself does not
 * bound its cost (ARCHITECTURE.md: reservations are upper bounds).
 *
 * @param forwardedOutputCap    empty (the default): a request without {@code maxOutputTokens} is forwarded unchanged
 *                              and reserved for the model's maximum output; present: Gemgate writes
 *                              {@code maxOutputTokens} = this cap into the forwarded request and reserves that, so the
 *                              tenant's requests stay cheap to reserve but answers longer than the cap are cut
 *                              ({@code finishReason} MAX_TOKENS)
 * @param refuseUnmeasuredMedia false (the default): parts whose length the gateway cannot measure ({@code fileData},
 *                              media whose duration it cannot read) are reserved at the documented conservative
 *                              bounds; true: such a request is refused before anything is reserved or sent, for tenants
 *                              whose budgets must never rest on an assumed length
 */
public record SpendingPolicy(OptionalLong forwardedOutputCap, boolean refuseUnmeasuredMedia) {
    public static final SpendingPolicy DEFAULT = new SpendingPolicy(OptionalLong.empty(), false);

    public SpendingPolicy {
        if (forwardedOutputCap == null) {
            throw new IllegalArgumentException("forwardedOutputCap is required (use OptionalLong.empty)");
        }
        if (forwardedOutputCap.isPresent() && forwardedOutputCap.getAsLong() < 1) {
            throw new IllegalArgumentException("a forwarded output cap is at least 1 token");
        }
    }
}
