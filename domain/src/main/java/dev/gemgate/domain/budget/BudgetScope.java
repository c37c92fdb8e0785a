package dev.gemgate.domain.budget;

/**
 * Whose spending a budget limits. The declaration order is the fixed lock order of a reservation: tenant, then API key,
 * then end user; every replica takes a request's budgets in this order, never another.
 */
public enum BudgetScope { TENANT, API_KEY, END_USER }
