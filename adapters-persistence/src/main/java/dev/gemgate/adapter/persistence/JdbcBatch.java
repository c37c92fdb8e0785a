package dev.gemgate.adapter.persistence;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * One JDBC batch of one statement in one local transaction, committed or rolled back whole; never inside a caller's
 * transaction. Shared by the writers that group many small writes into one commit (the audit log, key last-use times).
 */
final class JdbcBatch {
    /** Sets one item's parameters on the statement. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    private JdbcBatch() {
    }

    /** Returns the update count of each item. */
    static <T> int[] write(DataSource dataSource, String sql, List<T> items, Binder<T> binder) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (T item : items) {
                    binder.bind(statement, item);
                    statement.addBatch();
                }
                int[] counts = statement.executeBatch();
                connection.commit();
                return counts;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException ignored) {
                    // a broken connection; the pool discards it
                }
            }
        }
    }
}
