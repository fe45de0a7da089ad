package dev.walletpipeline.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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

    private StatementTimes(String url) {
        this.url = url;
        this.startedNanos = System.nanoTime();
    }

    /** Forgets what was counted so far; the phase starts now. */
    static StatementTimes reset(int port) {
        StatementTimes times = new StatementTimes(
                "jdbc:postgresql://localhost:" + port + "/" + dev.walletpipeline.localstack.PostgresServer.DATABASE);
        try (Connection db = times.connect(); Statement sql = db.createStatement()) {
            sql.execute("create extension if not exists pg_stat_statements");
            // Set either way: ALTER SYSTEM outlives the run, in the data directory.
            sql.execute(Boolean.getBoolean("bench.trackPlanning")
                    ? "alter system set pg_stat_statements.track_planning = on"
                    : "alter system reset pg_stat_statements.track_planning");
            sql.execute("select pg_reload_conf()");
            sql.execute("select pg_stat_statements_reset()");
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

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "postgres");
    }

}
