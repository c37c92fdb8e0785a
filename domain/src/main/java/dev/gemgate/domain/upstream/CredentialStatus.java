package dev.gemgate.domain.upstream;

/**
 * An administrator's setting for one upstream credential of the pool. {@link #ACTIVE}: selected for new calls.
 * {@link #DRAINING}: no new call is given to it, the calls already in flight finish (the middle step of a rotation).
 * {@link #DISABLED}: never used. Health (a rejected credential, an open circuit, a 429 cooldown) is separate: it is
 * learnt from outcomes at run time, per replica, and never changes this setting.
 */
public enum CredentialStatus {
    ACTIVE, DRAINING, DISABLED
}
