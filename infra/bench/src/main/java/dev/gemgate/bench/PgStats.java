package dev.gemgate.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemgate's database work, from PostgreSQL's own statistics: the embedded PostgreSQL of Gemgate's {@code local}
 * profile, reached over JDBC as its superuser. A {@link Snapshot} holds
 * <ul>
 *   <li>{@code pg_stat_statements}: the calls of every statement in Gemgate's database (run.sh preloads the module;
 *       PostgreSQL updates it at the end of each statement, so a snapshot is exact at any moment);</li>
 *   <li>{@code pg_stat_database}: the transactions committed and rolled back there (each backend reports them at most
 *       once a second and, when idle, up to 10 s late: a window's figure may miss the last seconds);</li>
 *   <li>the kernel's count of PostgreSQL's replies: TCP segments with data that PostgreSQL sent to everyone but this
 *       connection ({@code ss -ti}, {@code data_segs_out} of every established socket on its port). PostgreSQL
 *       flushes its output when it answers a Sync (the end of every extended-protocol round trip, which the client
 *       waits for) or when its 8 KB output buffer fills, so this counts round trips, plus one per further 8 KB of a
 *       large reply. It is the round-trip figure that statements cannot give: the JDBC driver sends a JDBC batch (the
 *       audit writer's, up to 500 INSERTs) in one or a few round trips, which pg_stat_statements counts as one call
 *       per row.</li>
 * </ul>
 * The bench's own queries carry the marker {@code gemgate-bench} and are left out of the statement counts.
 */
final class PgStats implements AutoCloseable {

    private static final String MARK = "/* gemgate-bench */ ";

    /** One statement's calls; {@code query} is PostgreSQL's normalised text. */
    record Query(String query, long calls) {
    }

    record Snapshot(long nanos, Map<Long, Query> statements, long transactions, long replies) {
    }

    /** What happened between two snapshots. */
    record Window(double seconds, List<Query> statements, long calls, long begins, long transactions,
                  long replies) {
        /** Statement executions apart from BEGIN (the JDBC driver sends BEGIN with the first statement after it). */
        long statementsWithoutBegin() {
            return calls - begins;
        }
    }

    private final Connection connection;
    private final String database;
    private final int port;
    private final int ownClientPort;
    private final boolean statementsAvailable;
    private final String statementsProblem;

    private PgStats(Connection connection, String database, int port, int ownClientPort, boolean available,
                    String problem) {
        this.connection = connection;
        this.database = database;
        this.port = port;
        this.ownClientPort = ownClientPort;
        this.statementsAvailable = available;
        this.statementsProblem = problem;
    }

    /** Connects to {@code jdbcUrl} (e.g. jdbc:postgresql://localhost:PORT/postgres); creates pg_stat_statements. */
    static PgStats connect(String jdbcUrl, String user, String password) throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl, user, password);
        c.setAutoCommit(true);
        String database;
        int port;
        int clientPort;
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery(MARK + "SELECT current_database(), inet_server_port(), inet_client_port()")) {
            r.next();
            database = r.getString(1);
            port = r.getInt(2);
            clientPort = r.getInt(3);
        }
        boolean available = false;
        String problem = null;
        try (Statement s = c.createStatement()) {
            s.execute(MARK + "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            try (ResultSet r = s.executeQuery(MARK + "SELECT count(*) FROM pg_stat_statements")) {
                r.next();
                available = true;
            }
        } catch (SQLException e) {
            problem = e.getMessage().strip().replace('\n', ' ');
        }
        return new PgStats(c, database, port, clientPort, available, problem);
    }

    boolean statementsAvailable() {
        return statementsAvailable;
    }

    /** Why pg_stat_statements cannot be read (e.g. not in shared_preload_libraries), or null. */
    String statementsProblem() {
        return statementsProblem;
    }

    String database() {
        return database;
    }

    synchronized Snapshot snapshot() throws SQLException {
        Map<Long, Query> statements = new HashMap<>();
        try (Statement s = connection.createStatement()) {
            if (statementsAvailable) {
                try (ResultSet r = s.executeQuery(MARK + "SELECT queryid, calls, query FROM pg_stat_statements "
                        + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                    while (r.next()) {
                        String query = r.getString(3);
                        if (query == null || query.contains("gemgate-bench")) {
                            continue;
                        }
                        long id = r.getLong(1);
                        long calls = r.getLong(2);
                        statements.merge(id, new Query(query, calls),
                                (a, b) -> new Query(a.query(), a.calls() + b.calls()));
                    }
                }
            }
            long transactions;
            try (ResultSet r = s.executeQuery(MARK + "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                    + "WHERE datname = current_database()")) {
                r.next();
                transactions = r.getLong(1);
            }
            return new Snapshot(System.nanoTime(), statements, transactions, replies());
        }
    }

    static Window between(Snapshot a, Snapshot b) {
        List<Query> delta = new ArrayList<>();
        long calls = 0;
        long begins = 0;
        for (Map.Entry<Long, Query> e : b.statements().entrySet()) {
            Query before = a.statements().get(e.getKey());
            long d = e.getValue().calls() - (before == null ? 0 : before.calls());
            if (d <= 0) {
                continue;
            }
            delta.add(new Query(e.getValue().query(), d));
            calls += d;
            if (e.getValue().query().strip().equalsIgnoreCase("BEGIN")) {
                begins += d;
            }
        }
        delta.sort(Comparator.comparingLong(Query::calls).reversed());
        return new Window((b.nanos() - a.nanos()) / 1e9, delta, calls, begins, b.transactions() - a.transactions(),
                a.replies() < 0 || b.replies() < 0 ? -1 : b.replies() - a.replies());
    }

    /**
     * TCP segments with data sent by PostgreSQL from its port, summed over the established sockets except this
     * connection's; -1 if {@code ss} is not there. Sockets closed between two snapshots take their counts with them.
     */
    private long replies() {
        try {
            Process p = new ProcessBuilder("ss", "-tinH", "state", "established", "( sport = :" + port + " and dport != :"
                    + ownClientPort + " )").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return -1;
            }
            long sum = 0;
            Matcher m = Pattern.compile("data_segs_out:(\\d+)").matcher(out);
            while (m.find()) {
                sum += Long.parseLong(m.group(1));
            }
            return sum;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    /** One line of a statement for the report: the whitespace folded, cut to {@code width}. */
    static String shortText(String query, int width) {
        String q = query.replaceAll("\\s+", " ").strip();
        return q.length() <= width ? q : q.substring(0, width - 3) + "...";
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing at the end of the run: nothing to do about it
        }
    }
}
