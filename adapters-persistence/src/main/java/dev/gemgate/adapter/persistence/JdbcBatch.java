package dev.gemgate.adapter.persistence;

import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * One JDBC batch of one statement, or one {@code COPY}, in one local transaction, committed or rolled back whole; never
 * inside a caller's transaction. Shared by the writers that group many small writes into one commit (the audit log,
 * key last-use times).
 */
final class JdbcBatch {
    /** Sets one item's parameters on the statement. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    private JdbcBatch() {
    }

    /**
     * One {@code COPY ... FROM STDIN} (PostgreSQL's text format) of {@code rows}. A single statement in autocommit is
     * its own transaction, all or nothing, with a round trip fewer than {@code BEGIN ... COMMIT} around it.
     */
    static void copy(DataSource dataSource, String copySql, CopyText rows) throws SQLException {
        onConnection(dataSource, true, connection -> {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, rows.stream());
            } catch (IOException e) {
                throw new SQLException("COPY failed: " + e.getMessage(), "08006", e);
            }
        });
    }

    /** Returns the update count of each item. */
    static <T> int[] write(DataSource dataSource, String sql, List<T> items, Binder<T> binder) throws SQLException {
        return inTransaction(dataSource, connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (T item : items) {
                    binder.bind(statement, item);
                    statement.addBatch();
                }
                return statement.executeBatch();
            }
        });
    }

    /** Work on a connection of its own. */
    @FunctionalInterface
    private interface Work<R> {
        R run(Connection connection) throws SQLException;
    }

    private static <R> R inTransaction(DataSource dataSource, Work<R> work) throws SQLException {
        return onConnection(dataSource, false, connection -> {
            try {
                R result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        });
    }

    /** {@code work} on a pooled connection in {@code autoCommit} mode; the connection's own mode is put back after. */
    private static <R> R onConnection(DataSource dataSource, boolean autoCommit, Work<R> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean before = connection.getAutoCommit();
            if (before != autoCommit) {
                connection.setAutoCommit(autoCommit);
            }
            try {
                return work.run(connection);
            } finally {
                if (before != autoCommit) {
                    try {
                        connection.setAutoCommit(before);
                    } catch (SQLException ignored) {
                        // a broken connection; the pool discards it
                    }
                }
            }
        }
    }
}
