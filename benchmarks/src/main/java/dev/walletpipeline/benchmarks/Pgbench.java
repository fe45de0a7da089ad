package dev.walletpipeline.benchmarks;

import dev.walletpipeline.localstack.LocalStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The yardstick: pgbench TPC-B, 8 clients, against the pipeline's own PostgreSQL. */
final class Pgbench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private Pgbench() {
    }

    static double tps(LocalStack stack, Duration seconds) throws Exception {
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + stack.postgres().port() + "/postgres", "postgres", "postgres")) {
            db.createStatement().execute("drop database if exists pgbench");
            db.createStatement().execute("create database pgbench");
        }
        String port = Integer.toString(stack.postgres().port());
        run(List.of("pgbench", "-i", "-q", "-s", "8", "-h", "localhost", "-p", port, "-U", "postgres", "pgbench"));
        String out = run(List.of("pgbench", "-c", "8", "-j", "2", "-T", Long.toString(seconds.toSeconds()), "-h",
                "localhost", "-p", port, "-U", "postgres", "pgbench"));
        // pgbench leaves dirty pages and autovacuum work behind; neither belongs to the
        // next rows.
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + stack.postgres().port() + "/postgres", "postgres", "postgres")) {
            db.createStatement().execute("drop database pgbench");
            db.createStatement().execute("checkpoint");
        }
        Matcher tps = TPS.matcher(out);
        if (!tps.find()) {
            throw new IllegalStateException("no tps in pgbench's output:\n" + out);
        }
        return Double.parseDouble(tps.group(1));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

}
