package dev.walletpipeline.benchmarks;

import dev.walletpipeline.benchmarks.PipelineBenchmark.Loaded;
import dev.walletpipeline.benchmarks.PipelineBenchmark.Result;
import dev.walletpipeline.benchmarks.PipelineBenchmark.Warming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Each change measured on its own: the same load before (A) and after (B), in one run,
 * against the same pgbench figure. {@code client}: the load sent with
 * {@code java.net.http} and with {@link RawHttp}; {@code oneHop}: ledger-worker with
 * transfers within one partition in two legs and in one step; {@code groupAcrossWallets}:
 * api-service with a turn per wallet, then one turn for many wallets; {@code bulk}:
 * single transfers beside bulk transfers.
 */
final class AbPairs {

    private final PipelineBenchmark bench;

    private final TransferLoad load;

    private final TransferLoad.Traffic many;

    private final Warming transfers;

    private final Duration jitWarmUp;

    private final double pgbench;

    AbPairs(PipelineBenchmark bench, Loaded up) {
        this.bench = bench;
        this.load = up.load();
        this.many = up.many();
        this.transfers = up.transfers();
        this.jitWarmUp = up.jitWarmUp();
        this.pgbench = up.pgbench();
    }

    /**
     * Runs each pair named, and writes their table to
     * {@code benchmarks/results/ab-<pairs>-<n>p.md}.
     */
    void run(List<String> pairs, Duration warmUp, Duration measure, int consumers) throws Exception {
        int clients = Integer.getInteger("bench.growthClients", 64);
        List<String> rows = new ArrayList<>();
        for (String pair : pairs) {
            switch (pair) {
                case "client" -> {
                    Result jdk = bench.measured("A: sent with java.net.http",
                            () -> load.run(many, clients, warmUp, measure, TransferLoad.Client.JDK));
                    Result raw = bench.measured("B: sent with RawHttp",
                            () -> load.run(many, clients, warmUp, measure, TransferLoad.Client.RAW));
                    rows.add(PipelineBenchmark
                        .row("A: transfers, " + clients + " in flight, load sent with java.net.http", jdk, pgbench));
                    rows.add(PipelineBenchmark.row("B: the same, load sent with RawHttp", raw, pgbench));
                }
                case "oneHop" -> {
                    for (boolean oneHop : List.of(false, true)) {
                        bench.services.ledgerOverrides.put("LEDGER_TRANSFERS_IN_ONE_HOP", Boolean.toString(oneHop));
                        bench.services.restartLedgerWorker(consumers);
                        PipelineBenchmark.warmUp("transfers, " + clients + " in flight", transfers, jitWarmUp);
                        Result result = bench.measured("transfers, one hop within a partition: " + oneHop,
                                () -> load.run(many, clients, warmUp, measure));
                        rows.add(PipelineBenchmark.row(
                                (oneHop ? "B: the same, a transfer within one partition in one step"
                                        : "A: transfers, " + clients + " in flight, every transfer in two legs"),
                                result, pgbench));
                    }
                    bench.services.ledgerOverrides.clear();
                }
                case "groupAcrossWallets" -> {
                    for (boolean across : List.of(false, true)) {
                        bench.services.apiOverrides.put("TRANSFER_GROUP_ACROSS_WALLETS", Boolean.toString(across));
                        bench.services.restartApiService("grouping across wallets: " + across);
                        PipelineBenchmark.warmUp("transfers, " + clients + " in flight", transfers, jitWarmUp);
                        Result result = bench.measured("transfers, grouped across wallets: " + across,
                                () -> load.run(many, clients, warmUp, measure));
                        rows.add(
                                PipelineBenchmark.row(
                                        across ? "B: the same, one turn decides many wallets' requests"
                                                : "A: transfers, " + clients
                                                        + " in flight, a turn decides one wallet's requests",
                                        result, pgbench));
                    }
                    bench.services.apiOverrides.clear();
                }
                case "bulk" -> {
                    // Not a pair: the bulk row alone, beside the single transfers it is
                    // measured against.
                    Result single = bench.measured("transfers, one at a time",
                            () -> load.run(many, clients, warmUp, measure));
                    Result bulk = bench.measured("bulk transfers, 100 items, 16 clients",
                            () -> load.runBulk(many, 16, 100, warmUp, measure));
                    rows.add(PipelineBenchmark.row("transfers one at a time, " + clients + " in flight", single,
                            pgbench));
                    rows.add(PipelineBenchmark
                        .row("bulk transfers of 100 items, 16 clients in flight (per second: transfers;"
                                + " latency: a request's last outcome)", bulk, pgbench));
                }
                default -> throw new IllegalArgumentException("bench.ab: no pair called " + pair);
            }
        }
        String table = """

                Machine: %d cores, JDK %s. A/B pairs, %d partitions, %d ledger-worker consumer(s), %d wallets;
                %d s measured per row after %d s of warm-up.

                | pair | per second | p50 ms | p99 ms | p99.9 ms | x pgbench |
                |---|---:|---:|---:|---:|---:|
                | pgbench TPC-B, 8 clients (yardstick) | %.0f | | | | 1.00 |
                %s""".formatted(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                bench.stack.partitions(), consumers, PipelineBenchmark.SENDERS, measure.toSeconds(), warmUp.toSeconds(),
                pgbench, String.join("", rows));
        System.out.println(table);
        Path results = bench.project.resolve("benchmarks").resolve("results");
        Files.createDirectories(results);
        Path written = results.resolve("ab-" + String.join("-", pairs) + "-" + bench.stack.partitions() + "p.md");
        Files.writeString(written, table);
        System.out.println("written: " + bench.project.relativize(written));
    }

}
