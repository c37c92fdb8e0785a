package dev.gemgate.domain.quota;

/**
 * A tenant's class when requests wait for admission: a waiting request of a higher class is admitted before any of a
 * lower class; within a class, tenants take turns.
 */
public enum PriorityClass {
    HIGH, NORMAL, LOW
}
