package dev.gemgate.domain.budget;

import dev.gemgate.domain.common.Money;

/**
 * A soft threshold of a budget crossed: {@code committed} (the account's fleet-wide leased total, an upper bound of its
 * spend) reached {@code percent} of the limit. Reported by the one lease, fleet-wide, that took the leased total across
 * the threshold (again only if give-backs took it below and a later lease across it once more).
 */
public record BudgetAlert(Budget budget, String accountKey, int percent, Money committed) {
}
