package dev.gemgate.domain.budget;

public enum BudgetPeriod { DAILY, WEEKLY, MONTHLY, LIFETIME }
