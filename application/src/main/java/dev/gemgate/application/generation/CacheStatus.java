package dev.gemgate.application.generation;

/** Reported as {@code x-gemgate-cache}. */
public enum CacheStatus { HIT, MISS, BYPASS }
