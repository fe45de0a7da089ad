package dev.walletpipeline.benchmarks;

import dev.walletpipeline.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where PostgreSQL's time went during a phase, by statement: {@code pg_stat_statements}
 * (the local stack preloads it) is reset before the phase and read after it. Printed
 * beside each phase with the CPU shares, so that the database's part of a transfer is
 * attributed to the statements that spend it, not guessed. Execution time includes what a
 * statement waited for (locks, I/O), so it is an upper bound of its CPU.
 */
final class StatementTimes {

    /** Statements printed per phase, the most expensive first. */
    private static final int TOP = 6;

    /** The services' statements: not this class's own, which run as the superuser. */
    private static final String SERVICES = "userid <> 'postgres'::regrole";

    private final String url;

    private final long startedNanos;

    /** The tables' write counters and the database's commits when the phase started. */
    private Map<String, long[]> writesBefore = Map.of();

    private StatementTimes(String url) {
        this.url = url;
        this.startedNanos = System.nanoTime();
    }

    /** Forgets what was counted so far; the phase starts now. */
    static StatementTimes reset(int port) {
        StatementTimes times = new StatementTimes(
                "jdbc:postgresql://localhost:" + port + "/" + PostgresServer.DATABASE);
        try (Connection db = times.connect(); Statement sql = db.createStatement()) {
            sql.execute("create extension if not exists pg_stat_statements");
            // Set either way: ALTER SYSTEM outlives the run, in the data directory.
            sql.execute(Boolean.getBoolean("bench.trackPlanning")
                    ? "alter system set pg_stat_statements.track_planning = on"
                    : "alter system reset pg_stat_statements.track_planning");
            sql.execute("select pg_reload_conf()");
            sql.execute("select pg_stat_statements_reset()");
            times.writesBefore = writes(sql);
        }
        catch (SQLException e) {
            throw new IllegalStateException("pg_stat_statements is not available", e);
        }
        return times;
    }

    /**
     * The phase's statement time per second and per operation, and the most expensive
     * statements; empty when the phase ran none worth naming.
     */
    String since(double operationsPerSecond) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        List<String> top = new ArrayList<>();
        double totalMs;
        try (Connection db = connect(); Statement sql = db.createStatement()) {
            try (ResultSet all = sql
                .executeQuery("select coalesce(sum(total_exec_time), 0) from pg_stat_statements where " + SERVICES)) {
                all.next();
                totalMs = all.getDouble(1);
            }
            try (ResultSet rows = sql.executeQuery(
                    """
                            select total_exec_time, calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 72), total_plan_time, plans
                            from pg_stat_statements where %s order by total_exec_time desc limit %d"""
                        .formatted(SERVICES, TOP))) {
                while (rows.next()) {
                    double ms = rows.getDouble(1);
                    long calls = rows.getLong(2);
                    if (totalMs > 0 && ms / totalMs >= 0.02) {
                        top.add("%2.0f %% %6.3f ms x %5.2f per op: %s%s".formatted(100 * ms / totalMs, ms / calls,
                                calls / seconds / Math.max(operationsPerSecond, 1e-9), rows.getString(3),
                                rows.getLong(5) == 0 ? "" : " (planned %d times, %.3f ms each)"
                                    .formatted(rows.getLong(5), rows.getDouble(4) / rows.getLong(5))));
                    }
                }
            }
        }
        catch (SQLException e) {
            return "postgres statements: not read (" + e.getMessage() + ")";
        }
        if (top.isEmpty() || operationsPerSecond <= 0) {
            return "";
        }
        return "postgres statements (pg_stat_statements, execution time incl. waits): %.0f ms per second,"
            .formatted(totalMs / seconds)
                + " %.2f ms per operation; the costliest:%n    ".formatted(totalMs / seconds / operationsPerSecond)
                + String.join("%n    ".formatted(), top);
    }

    /**
     * What the phase wrote per operation: statements, commits, and rows by table
     * (inserted, updated, of them HOT, deleted), with the index entries those writes made
     * at most (an insert or a non-HOT update adds one to every index of its table; a
     * partial index whose predicate the row fails gets none, so this is an upper bound).
     */
    String writesSince(double operationsPerSecond) {
        double operations = operationsPerSecond * (System.nanoTime() - startedNanos) / 1e9;
        if (operations <= 0) {
            return "";
        }
        Map<String, long[]> after;
        long statements;
        try (Connection db = connect(); Statement sql = db.createStatement()) {
            // The counters reach the shared statistics within a second of a transaction's
            // end.
            Thread.sleep(1500);
            after = writes(sql);
            try (ResultSet calls = sql.executeQuery("select coalesce(sum(calls), 0) from pg_stat_statements where "
                    + SERVICES + " and query not in ('BEGIN', 'COMMIT', 'ROLLBACK')")) {
                calls.next();
                statements = calls.getLong(1);
            }
        }
        catch (SQLException e) {
            return "writes: not read (" + e.getMessage() + ")";
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
        StringBuilder tables = new StringBuilder();
        double rows = 0;
        double indexEntries = 0;
        for (var table : new TreeMap<>(after).entrySet()) {
            if (table.getKey().equals(COMMITS)) {
                continue;
            }
            long[] now = table.getValue();
            long[] then = writesBefore.getOrDefault(table.getKey(), new long[5]);
            double inserted = (now[0] - then[0]) / operations;
            double updated = (now[1] - then[1]) / operations;
            double hot = (now[2] - then[2]) / operations;
            double deleted = (now[3] - then[3]) / operations;
            if (inserted + updated + deleted < 0.005) {
                continue;
            }
            rows += inserted + updated + deleted;
            indexEntries += (inserted + updated - hot) * now[4];
            tables.append("%n      %s: %.2f inserted, %.2f updated (%.2f HOT), %.2f deleted; %d indexes"
                .formatted(table.getKey(), inserted, updated, hot, deleted, now[4]));
        }
        long[] commitsNow = after.get(COMMITS);
        long[] commitsThen = writesBefore.getOrDefault(COMMITS, new long[5]);
        return "writes per operation: %.2f statements, %.2f commits, %.2f rows, at most %.1f index entries:".formatted(
                statements / operations, (commitsNow[0] - commitsThen[0]) / operations, rows, indexEntries) + tables;
    }

    private static final String COMMITS = " commits";

    /**
     * Per table of the services' schema: rows inserted, updated, HOT-updated, deleted,
     * and its index count; and the database's commits.
     */
    private static Map<String, long[]> writes(Statement sql) throws SQLException {
        Map<String, long[]> writes = new HashMap<>();
        try (ResultSet rows = sql.executeQuery("""
                select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del,
                       (select count(*) from pg_index i where i.indrelid = t.relid)
                from pg_stat_user_tables t where schemaname = 'public'""")) {
            while (rows.next()) {
                writes.put(rows.getString(1), new long[] { rows.getLong(2), rows.getLong(3), rows.getLong(4),
                        rows.getLong(5), rows.getLong(6) });
            }
        }
        try (ResultSet commits = sql
            .executeQuery("select xact_commit from pg_stat_database where datname = current_database()")) {
            commits.next();
            writes.put(COMMITS, new long[] { commits.getLong(1), 0, 0, 0, 0 });
        }
        return writes;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "postgres");
    }

}
