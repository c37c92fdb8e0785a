package dev.gemgate.domain.usage;

/** What a usage report's rows are per: a day (in the report's zone), a model, an API key, or an end user. */
public enum UsageGrouping {
    DAY, MODEL, API_KEY, END_USER
}
