package dev.gemgate.adapter.persistence;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** What counts as the database being unreachable (a 503 with Retry-After) rather than a bad statement. */
class DatabaseGuardTest {
    @Test
    void agroalsPoolExhaustionIsAnOutageNotABadStatement() {
        // Agroal throws these without an SQLState when no connection comes free within the acquisition timeout
        assertThat(DatabaseGuard.isConnectivityFailure(new IllegalStateException("leasing failed",
                new SQLException("Sorry, acquisition timeout!")))).isTrue();
        assertThat(DatabaseGuard.isConnectivityFailure(
                new SQLException("Acquisition timeout while waiting for new connection"))).isTrue();
    }

    @Test
    void connectionStatesAreOutagesAndOtherFailuresAreNot() {
        assertThat(DatabaseGuard.isConnectivityFailure(new SQLException("refused", "08001"))).isTrue();
        assertThat(DatabaseGuard.isConnectivityFailure(new SQLException("too many clients", "53300"))).isTrue();
        assertThat(DatabaseGuard.isConnectivityFailure(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(DatabaseGuard.isConnectivityFailure(new SQLException("no state, no pool"))).isFalse();
        assertThat(DatabaseGuard.isConnectivityFailure(new IllegalStateException("a bug"))).isFalse();
    }
}
