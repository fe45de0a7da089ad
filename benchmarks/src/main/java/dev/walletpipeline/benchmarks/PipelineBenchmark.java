package dev.walletpipeline.benchmarks;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.PostgresServer;
import dev.walletpipeline.localstack.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * One command, three tables and a plot. The yardstick is pgbench TPC-B (8 clients) on the
 * pipeline's own PostgreSQL, in the same run. Then, against the real stack on this
 * machine: balance reads with an API key; transfers end to end (sent to outcome committed
 * on Kafka, see {@link TransferLoad}) for many wallets at several loads, which draws the
 * throughput-against-latency plot, and for one hot wallet; the same transfer load at 1,
 * 2, 4 and 8 partitions and with 10 thousand and 1 million wallets (cost growth);
 * verified webhooks accepted by webhook-ingest. Latencies are recorded with HdrHistogram.
 *
 * <p>
 * {@code bin/benchmark} builds and runs it, and says which settings it takes.
 */
public final class PipelineBenchmark {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private static final int SENDERS = 100;

    private static final double P99_TARGET_MS = 250;

    private final Path project;

    private final LocalStack stack;

    private final Path logs;

    private final Map<String, String> environment;

    private final int apiPort = LocalStack.freePort();

    /** Where api-service serves its metrics: never its public port. */
    private final int apiManagementPort = LocalStack.freePort();

    private final int ledgerPort = LocalStack.freePort();

    /** Settings the A/B pairs give ledger-worker on top of its own. */
    private final Map<String, String> ledgerOverrides = new HashMap<>();

    /** Settings the A/B pairs give api-service on top of its own. */
    private final Map<String, String> apiOverrides = new HashMap<>();

    /** A second ledger-worker process's, for the partition sweep. */
    private final int secondLedgerPort = LocalStack.freePort();

    private final int webhookPort = LocalStack.freePort();

    private ServiceProcess ledgerWorker;

    /** Running only in the partition sweep, with the other half of the consumers. */
    private @Nullable ServiceProcess secondLedgerWorker;

    private ServiceProcess apiService;

    private final ServiceProcess webhookIngest;

    private final ServiceProcess webhookDispatcher;

    private PipelineBenchmark(Path project, LocalStack stack, Path logs) {
        this.project = project;
        this.stack = stack;
        this.logs = logs;
        // Settings every service is given on top of its own from the stack.
        this.environment = new HashMap<>();
        environment.put("RATE_LIMIT_SIGN_IN", "1000000");
        environment.put("RATE_LIMIT_KEY_CREATION_USER", "1000000");
        environment.put("RATE_LIMIT_KEY_CREATION_ADDRESS", "1000000");
        environment.put("RATE_LIMIT_MONEY", "1000000");
        this.ledgerWorker = ledgerWorker(1, ledgerPort, "0");
        this.webhookIngest = new ServiceProcess(project, "webhook-ingest", webhookPort, environmentOf("webhook-ingest"),
                logs);
        environment.put("WEBHOOK_INGEST_INTERNAL_URL", webhookIngest.internalUrl());
        this.apiService = apiService();
        this.webhookDispatcher = new ServiceProcess(project, "webhook-dispatcher", LocalStack.freePort(),
                environmentOf("webhook-dispatcher"), logs);
    }

    public static void main(String[] args) throws Exception {
        Path project = Path.of(System.getProperty("wallet.project.dir", ".")).toAbsolutePath().normalize();
        Duration measure = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
        Duration warmUp = Duration.ofSeconds(Math.max(3, measure.toSeconds() / 4));
        int mainPartitions = Integer.getInteger("bench.partitions", 4);
        List<Integer> partitionCounts = integers(System.getProperty("bench.partitionCounts", "1,2,4,8"));
        List<Integer> clientCounts = integers(System.getProperty("bench.clients", "4,16,64,256"));
        int growthClients = Integer.getInteger("bench.growthClients", 64);
        List<Integer> walletCounts = integers(System.getProperty("bench.walletCounts", "10000,1000000"));
        if (!partitionCounts.contains(mainPartitions)) {
            throw new IllegalArgumentException("bench.partitionCounts must include bench.partitions");
        }

        Path home = project.resolve("target").resolve("bench-stack");
        LocalStack.deleteRecursively(home);
        LocalStack stack = new LocalStack(home, LocalStack.freePort(), LocalStack.freePort(), LocalStack.freePort(),
                partitionCounts.get(0), 0, 0, Duration.ofSeconds(1))
            .start();
        PipelineBenchmark bench = new PipelineBenchmark(project, stack, home.resolve("logs"));
        // Ctrl-C too must not leave a broker, a database and three services running
        // behind it.
        Thread stopEverything = new Thread(() -> {
            bench.stopAll();
            stack.close();
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(stopEverything);
        try {
            bench.run(measure, warmUp, mainPartitions, partitionCounts, clientCounts, growthClients, walletCounts);
        }
        catch (Exception | Error e) {
            e.printStackTrace();
            System.exit(1); // the hook stops everything
        }
        System.exit(0); // load generator threads may linger; the hook stops everything
    }

    private void run(Duration measure, Duration warmUp, int mainPartitions, List<Integer> partitionCounts,
            List<Integer> clientCounts, int growthClients, List<Integer> walletCounts) throws Exception {
        // The main table with one worker process and this many consumers per topic; the
        // partition sweep spreads as many consumers as partitions over two processes.
        int mainConsumers = Integer.getInteger("bench.ledgerConsumers", 1);
        if (Boolean.getBoolean("bench.webhooksOnly")) {
            // For working on webhook-ingest: its row alone, after as long a warm-up.
            webhookIngest.start().awaitReady(Duration.ofMinutes(3));
            webhooks(webhookPort, Duration.ofSeconds(Long.getLong("bench.jitWarmUpSeconds", 60)), 64);
            Result webhooks = measured("webhooks", () -> webhooks(webhookPort, measure, 64));
            System.out.println(row("webhooks accepted by webhook-ingest (signed, published, acks=all), 64 in flight",
                    webhooks, 1));
            return;
        }
        if (Boolean.getBoolean("bench.statementsOnly")) {
            // Reads of one busy wallet's ledger: api-service and the database alone.
            apiService.start().awaitReady(Duration.ofMinutes(3));
            String table = new StatementBenchmark(stack, apiPort).run(Integer.getInteger("bench.entries", 1_000_000),
                    Duration.ofSeconds(Long.getLong("bench.jitWarmUpSeconds", 60)), measure);
            written("statements.md", table);
            return;
        }
        ledgerWorker.start().awaitReady(Duration.ofMinutes(3));
        webhookIngest.start().awaitReady(Duration.ofMinutes(3));
        apiService.start().awaitReady(Duration.ofMinutes(3));
        System.out.printf("pipeline up; pgbench TPC-B (8 clients, %d s) as the yardstick%n", measure.toSeconds());
        double pgbench = pgbench(measure);
        System.out.printf("pgbench: %.0f tps%n", pgbench);

        ApiClient api = new ApiClient(apiPort);
        LedgerProbe ledger = new LedgerProbe(stack);
        List<Wallet> senders = wallets(api, ledger, SENDERS, 100_000_000L);
        Wallet hot = wallets(api, ledger, 1, 100_000_000L * 20).get(0);
        TransferLoad load = new TransferLoad(stack.kafka().clientProperties("downstream"), api, apiPort,
                apiManagementPort, this::ledgerPorts);
        TransferLoad.Traffic many = among(senders, senders.stream().map(Wallet::number).toList());
        // Measured: a freshly started api-service needs about a minute of load before the
        // JIT has caught up on two shared cores; rows right after a start measured half
        // as fast.
        Duration jitWarmUp = Duration.ofSeconds(Long.getLong("bench.jitWarmUpSeconds", 60));
        Warming transfers = step -> load.run(many, 64, Duration.ZERO, step);
        warmUp("transfers, 64 in flight", transfers, jitWarmUp);

        if (Boolean.getBoolean("bench.deliveriesOnly")) {
            if (stack.partitions() != mainPartitions) {
                restartWithPartitions(mainPartitions);
                restartLedgerWorker(mainConsumers);
                warmUp("transfers, 64 in flight", transfers, jitWarmUp);
            }
            String rows = String.join("", deliveryRows(senders, load, many, warmUp, measure, pgbench));
            String table = """

                    Machine: %d cores, JDK %s. %d partitions, %d ledger-worker consumer(s); %d s measured per row.

                    | benchmark | per second | p50 ms | p99 ms | p99.9 ms | x pgbench |
                    |---|---:|---:|---:|---:|---:|
                    | pgbench TPC-B, 8 clients (yardstick) | %.0f | | | | 1.00 |
                    %s""".formatted(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    stack.partitions(), mainConsumers, measure.toSeconds(), pgbench, rows);
            written("webhook-deliveries.md", table);
            return;
        }
        List<String> pairs = Arrays.stream(System.getProperty("bench.ab", "").split(","))
            .map(String::trim)
            .filter(p -> !p.isEmpty())
            .toList();
        if (!pairs.isEmpty()) {
            if (stack.partitions() != mainPartitions) {
                restartWithPartitions(mainPartitions);
                restartLedgerWorker(mainConsumers);
                warmUp("transfers, 64 in flight", transfers, jitWarmUp);
            }
            abPairs(pairs, load, many, transfers, jitWarmUp, warmUp, measure, mainConsumers, pgbench);
            return;
        }

        List<String> main = new ArrayList<>();
        List<String> growth = new ArrayList<>();
        List<LatencyPlot.Point> points = new ArrayList<>();
        for (int partitions : partitionCounts) {
            if (partitions != stack.partitions()) {
                restartWithPartitions(partitions);
            }
            else {
                startLedgerWorkers(partitions);
            }
            // Every row after fresh JVMs: measured, a row warmed for half as long came
            // out at 60 % of the next one's rate, the JIT still compiling on the shared
            // cores.
            warmUp("transfers, 64 in flight", transfers, jitWarmUp);
            Result result = measured("transfers at " + partitions + " partitions, as many consumers in two workers",
                    () -> load.run(many, growthClients, warmUp, measure));
            growth.add(row(partitions + " partitions, " + partitions + " consumers in two ledger-worker processes, "
                    + SENDERS + " wallets", result, pgbench));
            if (partitions > 2) {
                // The same partitions with one consumer per process: what more partitions
                // cost when the consumers are not more than the cores.
                startLedgerWorkers(2);
                warmUp("transfers, 64 in flight", transfers, jitWarmUp);
                Result fewer = measured(
                        "transfers at " + partitions + " partitions, one consumer in each of two workers",
                        () -> load.run(many, growthClients, warmUp, measure));
                growth.add(row(partitions + " partitions, 2 consumers (one in each of two ledger-worker processes), "
                        + SENDERS + " wallets", fewer, pgbench));
            }
            if (partitions == mainPartitions) {
                restartLedgerWorker(mainConsumers);
                warmUp("transfers, 64 in flight", transfers, jitWarmUp.dividedBy(2));
                balances(apiPort, senders, warmUp, 16);
                Result balances = measured("balance reads", () -> balances(apiPort, senders, measure, 16));
                main.add(row("GET /wallet/balance with an API key, 16 clients", balances, pgbench));
                for (int clients : clientCounts) {
                    Result many64 = measured("transfers, " + SENDERS + " wallets, " + clients + " clients",
                            () -> load.run(many, clients, warmUp, measure));
                    points.add(new LatencyPlot.Point(SENDERS + " wallets", clients, many64));
                    main.add(row("transfers, " + SENDERS + " wallets, " + clients + " clients in flight", many64,
                            pgbench));
                }
                Result bulk = measured("bulk transfers, 100 items, 16 clients",
                        () -> load.runBulk(many, 16, 100, warmUp, measure));
                main.add(row("bulk transfers of 100 items, 16 clients in flight (per second: transfers; latency: a"
                        + " request's last outcome)", bulk, pgbench));
                TransferLoad.Traffic oneSender = among(List.of(hot), senders.stream().map(Wallet::number).toList());
                for (int clients : List.of(16, 64)) {
                    Result hotResult = measured("transfers, one hot wallet, " + clients + " clients",
                            () -> load.run(oneSender, clients, warmUp, measure));
                    points.add(new LatencyPlot.Point("one hot wallet", clients, hotResult));
                    main.add(row("transfers, one hot wallet, " + clients + " clients in flight", hotResult, pgbench));
                }
                main.addAll(deliveryRows(senders, load, many, warmUp, measure, pgbench));
            }
        }
        restartLedgerWorker(mainConsumers);
        warmUp("transfers, 64 in flight", transfers, jitWarmUp.dividedBy(2));
        int wallets = SENDERS + 1;
        for (int count : walletCounts) {
            System.out.printf("adding wallets: %d in all%n", count);
            List<String> recipients = addWallets(wallets, count);
            wallets = count;
            Result result = measured("transfers among " + count + " wallets",
                    () -> load.run(among(senders, recipients), growthClients, warmUp, measure));
            growth.add(row(stack.partitions() + " partitions, " + mainConsumers + " consumer(s), " + SENDERS
                    + " senders to any of " + count + " wallets", result, pgbench));
        }
        // webhook-ingest alone: ledger-worker would otherwise spend the same two cores
        // consuming them
        stopLedgerWorkers();
        warmUp("webhooks, 64 in flight", step -> webhooks(webhookPort, step, 64), warmUp);
        Result webhooks = measured("webhooks", () -> webhooks(webhookPort, measure, 64));
        main.add(row("webhooks accepted by webhook-ingest (signed, published, acks=all), 64 in flight", webhooks,
                pgbench));

        String header = "| %s | per second | p50 ms | p99 ms | p99.9 ms | x pgbench |%n|---|---:|---:|---:|---:|---:|%n";
        String tables = """

                Machine: %d cores, JDK %s; everything (broker, database, the services, load generator) on it.
                %d s measured per row after %d s of warm-up; transfers are closed loop, each client waiting for its
                transfer's outcome event before sending the next.

                %s| pgbench TPC-B, 8 clients (yardstick) | %.0f | | | | 1.00 |
                %s
                Cost growth: the same transfer load (%d clients in flight) at more partitions, with as many
                ledger-worker consumers per topic (from 4 partitions also with one consumer in each of the two
                processes), and with more wallets.

                %s%s
                """.formatted(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                measure.toSeconds(), warmUp.toSeconds(),
                header.formatted("benchmark (" + mainPartitions + " partitions, " + mainConsumers
                        + " ledger-worker consumer(s) per topic)"),
                pgbench, String.join("", main), growthClients, header.formatted("transfers"), String.join("", growth));
        System.out.println(tables);
        Path results = project.resolve("benchmarks").resolve("results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("latest.md"), tables);
        LatencyPlot.write(results.resolve("throughput-latency.png"), points, pgbench, P99_TARGET_MS);
        System.out.println("written: benchmarks/results/latest.md, benchmarks/results/throughput-latency.png");
    }

    /**
     * Each change measured on its own: the same load before (A) and after (B), in one
     * run, against the same pgbench figure. {@code client}: the load sent with
     * {@code java.net.http} and with {@link RawHttp}; {@code oneHop}: ledger-worker with
     * transfers within one partition in two legs and in one step;
     * {@code groupAcrossWallets}: api-service with a turn per wallet, then one turn for
     * many wallets; {@code bulk}: single transfers beside bulk transfers.
     */
    private void abPairs(List<String> pairs, TransferLoad load, TransferLoad.Traffic many, Warming transfers,
            Duration jitWarmUp, Duration warmUp, Duration measure, int consumers, double pgbench) throws Exception {
        int clients = Integer.getInteger("bench.growthClients", 64);
        List<String> rows = new ArrayList<>();
        for (String pair : pairs) {
            switch (pair) {
                case "client" -> {
                    Result jdk = measured("A: sent with java.net.http",
                            () -> load.run(many, clients, warmUp, measure, TransferLoad.Client.JDK));
                    Result raw = measured("B: sent with RawHttp",
                            () -> load.run(many, clients, warmUp, measure, TransferLoad.Client.RAW));
                    rows.add(
                            row("A: transfers, " + clients + " in flight, load sent with java.net.http", jdk, pgbench));
                    rows.add(row("B: the same, load sent with RawHttp", raw, pgbench));
                }
                case "oneHop" -> {
                    for (boolean oneHop : List.of(false, true)) {
                        ledgerOverrides.put("LEDGER_TRANSFERS_IN_ONE_HOP", Boolean.toString(oneHop));
                        restartLedgerWorker(consumers);
                        warmUp("transfers, " + clients + " in flight", transfers, jitWarmUp);
                        Result result = measured("transfers, one hop within a partition: " + oneHop,
                                () -> load.run(many, clients, warmUp, measure));
                        rows.add(row(
                                (oneHop ? "B: the same, a transfer within one partition in one step"
                                        : "A: transfers, " + clients + " in flight, every transfer in two legs"),
                                result, pgbench));
                    }
                    ledgerOverrides.clear();
                }
                case "groupAcrossWallets" -> {
                    for (boolean across : List.of(false, true)) {
                        apiOverrides.put("TRANSFER_GROUP_ACROSS_WALLETS", Boolean.toString(across));
                        restartApiService("grouping across wallets: " + across);
                        warmUp("transfers, " + clients + " in flight", transfers, jitWarmUp);
                        Result result = measured("transfers, grouped across wallets: " + across,
                                () -> load.run(many, clients, warmUp, measure));
                        rows.add(row(
                                across ? "B: the same, one turn decides many wallets' requests" : "A: transfers, "
                                        + clients + " in flight, a turn decides one wallet's requests",
                                result, pgbench));
                    }
                    apiOverrides.clear();
                }
                case "bulk" -> {
                    // Not a pair: the bulk row alone, beside the single transfers it is
                    // measured against.
                    Result single = measured("transfers, one at a time",
                            () -> load.run(many, clients, warmUp, measure));
                    Result bulk = measured("bulk transfers, 100 items, 16 clients",
                            () -> load.runBulk(many, 16, 100, warmUp, measure));
                    rows.add(row("transfers one at a time, " + clients + " in flight", single, pgbench));
                    rows.add(row("bulk transfers of 100 items, 16 clients in flight (per second: transfers;"
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
                stack.partitions(), consumers, SENDERS, measure.toSeconds(), warmUp.toSeconds(), pgbench,
                String.join("", rows));
        System.out.println(table);
        Path results = project.resolve("benchmarks").resolve("results");
        Files.createDirectories(results);
        Path written = results.resolve("ab-" + String.join("-", pairs) + "-" + stack.partitions() + "p.md");
        Files.writeString(written, table);
        System.out.println("written: " + project.relativize(written));
    }

    /**
     * webhook-dispatcher's rows ({@link WebhookDeliveryBenchmark}): it runs only for
     * them, so that the other rows measure the pipeline without it.
     */
    private List<String> deliveryRows(List<Wallet> senders, TransferLoad load, TransferLoad.Traffic many,
            Duration warmUp, Duration measure, double pgbench) throws Exception {
        List<String> rows = new ArrayList<>();
        try (WebhookDeliveryBenchmark deliveries = new WebhookDeliveryBenchmark(stack)) {
            deliveries.register(senders);
            webhookDispatcher.start().awaitReady(Duration.ofMinutes(3));
            int perWallet = Integer.getInteger("bench.deliveriesPerWallet", 200);
            deliveries.burst(perWallet / 2, Set.of(), Duration.ofMinutes(3));
            Result during = measured("webhook deliveries while transfers run, 64 in flight",
                    () -> deliveries.latencyDuring(() -> load.run(many, 64, warmUp, measure)));
            rows.add(row(
                    "webhook deliveries of transfer events while transfers run at 64 in flight (per second:"
                            + " deliveries; latency: from the ledger event to its delivery received)",
                    during, pgbench));
            Result burst = measured("webhook deliveries, a burst",
                    () -> deliveries.burst(perWallet, Set.of(), Duration.ofMinutes(3)));
            rows.add(row("webhook deliveries of " + perWallet * senders.size() + " waiting events to " + senders.size()
                    + " endpoints answering 200 (latency: from the burst's start)", burst, pgbench));
            Set<UUID> failing = new HashSet<>(deliveries.wallets().subList(0, senders.size() / 10));
            Result healthy = measured("webhook deliveries, a burst, a tenth of the endpoints answering 500",
                    () -> deliveries.burst(perWallet, failing, Duration.ofMinutes(3)));
            rows.add(row("the same burst with " + failing.size() + " of the endpoints answering 500 (per second: the"
                    + " other endpoints' deliveries)", healthy, pgbench));
        }
        finally {
            webhookDispatcher.close();
        }
        return rows;
    }

    /** Prints a table and writes it to {@code benchmarks/results/<name>}. */
    private void written(String name, String table) throws IOException {
        System.out.println(table);
        Path written = project.resolve("benchmarks").resolve("results").resolve(name);
        Files.createDirectories(written.getParent());
        Files.writeString(written, table);
        System.out.println("written: " + project.relativize(written));
    }

    /** Starts api-service anew, with {@code apiOverrides} as they are now. */
    private void restartApiService(String why) throws Exception {
        System.out.printf("restarting api-service, %s%n", why);
        apiService.close();
        apiService = apiService();
        apiService.start().awaitReady(Duration.ofMinutes(3));
    }

    record Result(double perSecond, double p50, double p99, double p999) {

        static Result of(Histogram histogram, long count, Duration elapsed) {
            return new Result(count / (elapsed.toNanos() / 1e9), histogram.getValueAtPercentile(50) / 1e6,
                    histogram.getValueAtPercentile(99) / 1e6, histogram.getValueAtPercentile(99.9) / 1e6);
        }
    }

    record Wallet(UUID id, String number, String apiKey) {
    }

    private static String row(String name, Result result, double pgbench) {
        return "| %s | %.0f | %.1f | %.1f | %.1f | %.2f |%n".formatted(name, result.perSecond, result.p50, result.p99,
                result.p999, result.perSecond / pgbench);
    }

    /**
     * Runs a phase and prints its figures with what explains them: the CPU each part of
     * the stack used meanwhile, and the size and duration of ledger-worker's transfer
     * batches.
     */
    /** Load that runs for as long as it is given. */
    @FunctionalInterface
    interface Warming {

        void run(Duration duration) throws Exception;

    }

    /**
     * Runs {@code load} for {@code fixed}, then on in steps while the JVMs' JIT compilers
     * are still busy, up to {@code bench.maxWarmUpSeconds} in all. Measured: after a
     * fixed 60 s the compilers of the freshly started JVMs still took 0.6 of the 2 cores
     * during the next row (8 consumers), which measured the compilers as much as the
     * pipeline.
     */
    private static void warmUp(String what, Warming load, Duration fixed) throws Exception {
        Duration most = Duration.ofSeconds(Long.getLong("bench.maxWarmUpSeconds", 300));
        double quiet = Double.parseDouble(System.getProperty("bench.compilersQuiet", "0.06"));
        Duration step = Duration.ofSeconds(15);
        Duration spent = fixed.minus(step).isNegative() ? Duration.ZERO : fixed.minus(step);
        if (!spent.isZero()) {
            load.run(spent);
        }
        double compilers;
        do {
            CpuShare before = CpuShare.now();
            load.run(step);
            compilers = CpuShare.now().compilersSince(before);
            spent = spent.plus(step);
        }
        while (compilers > quiet && spent.compareTo(most) < 0);
        System.out.printf("warmed up for %d s (%s); JIT compilers used %.2f cores in the last %d s%s%n",
                spent.toSeconds(), what, compilers, step.toSeconds(),
                compilers > quiet ? ", still above " + quiet + ": the next row runs while they compile" : "");
    }

    private Result measured(String what, Callable<Result> phase) throws Exception {
        CpuShare before = CpuShare.now();
        ServiceMetrics.Scrape workerBefore = ServiceMetrics.scrape(ledgerPorts());
        StatementTimes statements = StatementTimes.reset(stack.postgres().port());
        Result result = phase.call();
        String cpu = CpuShare.now().since(before);
        String database = statements.since(result.perSecond);
        String writes = statements.writesSince(result.perSecond);
        ServiceMetrics.Scrape worker = ServiceMetrics.scrape(ledgerPorts());
        String commands = "topic=\"wallet.transfer-commands\"";
        double count = worker.sum("spring_kafka_listener_seconds_count", "transfer-commands")
                - workerBefore.sum("spring_kafka_listener_seconds_count", "transfer-commands");
        System.out.printf("%s: %.0f/s, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms%n  %s%n", what, result.perSecond,
                result.p50, result.p99, result.p999, cpu);
        if (count > 0) {
            double records = worker.sum("wallet_ledger_records_total", commands)
                    - workerBefore.sum("wallet_ledger_records_total", commands);
            double seconds = worker.sum("spring_kafka_listener_seconds_sum", "transfer-commands")
                    - workerBefore.sum("spring_kafka_listener_seconds_sum", "transfer-commands");
            double waited = worker.sum("wallet_ledger_batch_waiting_seconds_sum")
                    - workerBefore.sum("wallet_ledger_batch_waiting_seconds_sum");
            System.out.printf(
                    "  ledger-worker: %.0f batches of wallet commands, %.1f records and %.1f ms each on"
                            + " average; time waiting for another consumer: %.1f ms in all"
                            + " (wallet_ledger_batch_waiting_seconds)%n",
                    count, records / count, seconds * 1000 / count, waited * 1000);
        }
        if (!database.isEmpty()) {
            System.out.println("  " + database);
        }
        if (!writes.isEmpty()) {
            System.out.println("  " + writes);
        }
        return result;
    }

    /**
     * Transfers from the given senders to any of the recipients other than the sender
     * itself.
     */
    private static TransferLoad.Traffic among(List<Wallet> senders, List<String> recipients) {
        return new TransferLoad.Traffic() {
            @Override
            public Wallet sender(Random random) {
                return senders.get(random.nextInt(senders.size()));
            }

            @Override
            public String recipient(Random random, Wallet sender) {
                while (true) {
                    String number = recipients.get(random.nextInt(recipients.size()));
                    if (!number.equals(sender.number())) {
                        return number;
                    }
                }
            }
        };
    }

    private Map<String, String> environmentOf(String service) {
        Map<String, String> settings = new HashMap<>(stack.environment(service));
        settings.putAll(environment);
        return settings;
    }

    private ServiceProcess apiService() {
        Map<String, String> settings = environmentOf("api-service");
        settings.putAll(apiOverrides);
        settings.put("MANAGEMENT_PORT", Integer.toString(apiManagementPort));
        return new ServiceProcess(project, "api-service", apiPort, settings, logs);
    }

    private ServiceProcess ledgerWorker(int consumers, int port, String instanceId) {
        Map<String, String> settings = environmentOf("ledger-worker");
        settings.putAll(ledgerOverrides);
        settings.put("LEDGER_CONCURRENCY", Integer.toString(consumers));
        settings.put("WORKER_INSTANCE_ID", instanceId);
        return new ServiceProcess(project, "ledger-worker", port, settings,
                instanceId.equals("0") ? logs : logs.resolve("second"));
    }

    private synchronized List<Integer> ledgerPorts() {
        return secondLedgerWorker == null ? List.of(ledgerPort) : List.of(ledgerPort, secondLedgerPort);
    }

    private void restartLedgerWorker(int consumers) {
        System.out.printf("restarting ledger-worker with %d consumer(s) per topic%n", consumers);
        stopLedgerWorkers();
        ledgerWorker = ledgerWorker(consumers, ledgerPort, "0");
        ledgerWorker.start().awaitReady(Duration.ofMinutes(3));
    }

    /**
     * This many consumers per topic, spread over two ledger-worker processes (the second
     * only when there are two consumers or more).
     */
    private void startLedgerWorkers(int consumers) {
        stopLedgerWorkers();
        int first = (consumers + 1) / 2;
        System.out.printf("starting ledger-worker processes with %d and %d consumer(s)%n", first, consumers - first);
        ledgerWorker = ledgerWorker(first, ledgerPort, "0");
        ledgerWorker.start();
        if (consumers > first) {
            ServiceProcess second = ledgerWorker(consumers - first, secondLedgerPort, "1");
            second.start().awaitReady(Duration.ofMinutes(3));
            synchronized (this) {
                secondLedgerWorker = second;
            }
        }
        ledgerWorker.awaitReady(Duration.ofMinutes(3));
    }

    private synchronized void stopLedgerWorkers() {
        ledgerWorker.close();
        if (secondLedgerWorker != null) {
            secondLedgerWorker.close();
            secondLedgerWorker = null;
        }
    }

    /**
     * A drained pipeline, grown to more partitions: the relay and the worker start afresh
     * to see them.
     */
    private void restartWithPartitions(int partitions) {
        System.out.printf("growing the topics to %d partitions; restarting ledger-worker and api-service%n",
                partitions);
        apiService.close();
        stopLedgerWorkers();
        stack.growPartitions(partitions);
        startLedgerWorkers(partitions);
        apiService = apiService();
        apiService.start().awaitReady(Duration.ofMinutes(3));
    }

    private synchronized void stopAll() {
        webhookDispatcher.close();
        apiService.close();
        webhookIngest.close();
        stopLedgerWorkers();
    }

    /**
     * Adds plain wallets (no API key, no balance: they receive) with their users in bulk,
     * up to {@code total} wallets, and returns every wallet number there is.
     */
    private List<String> addWallets(int from, int total) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement sql = db.createStatement()) {
            sql.execute(
                    """
                            insert into users (id, email, name)
                            select md5('bench-user-' || g)::uuid, 'bench-' || g || '@example.com', 'Bench'
                            from generate_series(%1$d, %2$d) g;
                            insert into wallets (id, user_id, number)
                            select md5('bench-wallet-' || g)::uuid, md5('bench-user-' || g)::uuid, '05' || lpad(g::text, 11, '0')
                            from generate_series(%1$d, %2$d) g;
                            """
                        .formatted(from, total - 1));
            // As a database settles after a bulk load: statistics fresh, dirty pages
            // written.
            try (Connection admin = DriverManager.getConnection(
                    "jdbc:postgresql://localhost:" + stack.postgres().port() + "/" + PostgresServer.DATABASE,
                    "postgres", "postgres"); Statement settle = admin.createStatement()) {
                settle.execute("vacuum analyze users");
                settle.execute("vacuum analyze wallets");
                settle.execute("checkpoint");
            }
            List<String> numbers = new ArrayList<>(total);
            try (ResultSet rs = sql.executeQuery("select number from wallets where kind = 'customer'")) {
                while (rs.next()) {
                    numbers.add(rs.getString(1));
                }
            }
            return numbers;
        }
    }

    private double pgbench(Duration seconds) throws Exception {
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

    private static List<Wallet> wallets(ApiClient api, LedgerProbe ledger, int count, long funding) throws Exception {
        List<Wallet> wallets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient.SignedIn person = api.signIn("bench-" + UUID.randomUUID() + "@example.com");
            UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
            for (long left = funding; left > 0; left -= 100_000_000L) {
                ledger.fund(wallet, Math.min(left, 100_000_000L));
            }
            wallets.add(new Wallet(wallet, person.walletNumber(), api.createKey(person, "1D", "transfer", "read")));
        }
        return wallets;
    }

    /** Closed loop of balance reads, each client with its own wallet's read key. */
    private static Result balances(int port, List<Wallet> wallets, Duration seconds, int clients) throws Exception {
        Recorder latencies = new Recorder(3);
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + seconds.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            Wallet wallet = wallets.get(c % wallets.size());
            byte[] request = RawHttp.request("GET", port, "/wallet/balance", Map.of("x-api-key", wallet.apiKey()),
                    new byte[0]);
            pool.submit(() -> {
                try (RawHttp http = new RawHttp(port)) {
                    while (System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        if (http.exchange(request).status() == 200) {
                            latencies.recordValue(System.nanoTime() - sent);
                            done.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds.toSeconds() + 30L, TimeUnit.SECONDS);
        return Result.of(latencies.getIntervalHistogram(), done.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Open-ended: up to {@code inFlight} signed webhooks outstanding at once. */
    private static Result webhooks(int port, Duration seconds, int inFlight) throws Exception {
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] body = PaystackBodies.chargeSuccess("WLT-BENCH" + i, 10_000, "NGN");
            requests.add(WebhookLoad.post(port, "/wallet/paystack/webhook", body,
                    PaystackSigner.sign(body, LocalStack.PAYSTACK_SECRET_KEY)));
        }
        return WebhookLoad.run(port, requests, inFlight, seconds);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static List<Integer> integers(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(Integer::valueOf)
            .toList();
    }

}
