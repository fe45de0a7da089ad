package dev.walletpipeline.benchmarks;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

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

    static final int SENDERS = 100;

    private static final double P99_TARGET_MS = 250;

    final Path project;

    final LocalStack stack;

    final BenchServices services;

    private PipelineBenchmark(Path project, LocalStack stack, Path logs) {
        this.project = project;
        this.stack = stack;
        this.services = new BenchServices(project, stack, logs);
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
            bench.services.stopAll();
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
            webhooksAlone(measure);
            return;
        }
        if (Boolean.getBoolean("bench.statementsOnly")) {
            statementsAlone(measure);
            return;
        }
        Loaded up = start(measure);
        List<String> pairs = Arrays.stream(System.getProperty("bench.ab", "").split(","))
            .map(String::trim)
            .filter(p -> !p.isEmpty())
            .toList();
        boolean deliveriesOnly = Boolean.getBoolean("bench.deliveriesOnly");
        if (deliveriesOnly || !pairs.isEmpty()) {
            if (stack.partitions() != mainPartitions) {
                services.restartWithPartitions(mainPartitions);
                services.restartLedgerWorker(mainConsumers);
                warmUp("transfers, 64 in flight", up.transfers(), up.jitWarmUp());
            }
            if (deliveriesOnly) {
                deliveriesAlone(up, mainConsumers, warmUp, measure);
            }
            else {
                new AbPairs(this, up).run(pairs, warmUp, measure, mainConsumers);
            }
            return;
        }
        tables(up, measure, warmUp, mainPartitions, partitionCounts, clientCounts, growthClients, walletCounts,
                mainConsumers);
    }

    /**
     * What every transfer row needs once the pipeline is up.
     *
     * @param senders funded wallets with their API keys
     * @param hot one more, richer, for the hot-wallet rows
     * @param many transfers from any sender to any other
     * @param transfers the warm-up load
     * @param pgbench the yardstick's transactions per second in this run
     */
    record Loaded(List<Wallet> senders, Wallet hot, TransferLoad load, TransferLoad.Traffic many, Warming transfers,
            Duration jitWarmUp, double pgbench) {
    }

    /** For working on webhook-ingest: its row alone, after as long a warm-up. */
    private void webhooksAlone(Duration measure) throws Exception {
        services.webhookIngest().start().awaitReady(Duration.ofMinutes(3));
        webhooks(services.webhookPort, Duration.ofSeconds(Long.getLong("bench.jitWarmUpSeconds", 60)), 64);
        Result webhooks = measured("webhooks", () -> webhooks(services.webhookPort, measure, 64));
        System.out.println(
                row("webhooks accepted by webhook-ingest (signed, published, acks=all), 64 in flight", webhooks, 1));
    }

    /** Reads of one busy wallet's ledger: api-service and the database alone. */
    private void statementsAlone(Duration measure) throws Exception {
        services.apiService().start().awaitReady(Duration.ofMinutes(3));
        String table = new StatementBenchmark(stack, services.apiPort).run(
                Integer.getInteger("bench.entries", 1_000_000),
                Duration.ofSeconds(Long.getLong("bench.jitWarmUpSeconds", 60)), measure);
        written("statements.md", table);
    }

    /**
     * The pipeline started, the yardstick measured, the wallets made and funded, and the
     * transfer load warmed up.
     */
    private Loaded start(Duration measure) throws Exception {
        services.ledgerWorker().start().awaitReady(Duration.ofMinutes(3));
        services.webhookIngest().start().awaitReady(Duration.ofMinutes(3));
        services.apiService().start().awaitReady(Duration.ofMinutes(3));
        System.out.printf("pipeline up; pgbench TPC-B (8 clients, %d s) as the yardstick%n", measure.toSeconds());
        double pgbench = Pgbench.tps(stack, measure);
        System.out.printf("pgbench: %.0f tps%n", pgbench);

        ApiClient api = new ApiClient(services.apiPort);
        LedgerProbe ledger = new LedgerProbe(stack);
        List<Wallet> senders = wallets(api, ledger, SENDERS, 100_000_000L);
        Wallet hot = wallets(api, ledger, 1, 100_000_000L * 20).get(0);
        TransferLoad load = new TransferLoad(stack.kafka().clientProperties("downstream"), api, services.apiPort,
                services.apiManagementPort, services::ledgerPorts);
        TransferLoad.Traffic many = among(senders, senders.stream().map(Wallet::number).toList());
        // Measured: a freshly started api-service needs about a minute of load before the
        // JIT has caught up on two shared cores; rows right after a start measured half
        // as fast.
        Duration jitWarmUp = Duration.ofSeconds(Long.getLong("bench.jitWarmUpSeconds", 60));
        Warming transfers = step -> load.run(many, 64, Duration.ZERO, step);
        warmUp("transfers, 64 in flight", transfers, jitWarmUp);
        return new Loaded(senders, hot, load, many, transfers, jitWarmUp, pgbench);
    }

    /** webhook-dispatcher's rows alone. */
    private void deliveriesAlone(Loaded up, int consumers, Duration warmUp, Duration measure) throws Exception {
        String rows = String.join("", deliveryRows(up.senders(), up.load(), up.many(), warmUp, measure, up.pgbench()));
        String table = """

                Machine: %d cores, JDK %s. %d partitions, %d ledger-worker consumer(s); %d s measured per row.

                | benchmark | per second | p50 ms | p99 ms | p99.9 ms | x pgbench |
                |---|---:|---:|---:|---:|---:|
                | pgbench TPC-B, 8 clients (yardstick) | %.0f | | | | 1.00 |
                %s""".formatted(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                stack.partitions(), consumers, measure.toSeconds(), up.pgbench(), rows);
        written("webhook-deliveries.md", table);
    }

    /**
     * The committed tables and the plot: the main rows at {@code mainPartitions}, the
     * cost growth over partitions and wallets, webhook-ingest last.
     */
    private void tables(Loaded up, Duration measure, Duration warmUp, int mainPartitions, List<Integer> partitionCounts,
            List<Integer> clientCounts, int growthClients, List<Integer> walletCounts, int mainConsumers)
            throws Exception {
        List<Wallet> senders = up.senders();
        Wallet hot = up.hot();
        TransferLoad load = up.load();
        TransferLoad.Traffic many = up.many();
        Warming transfers = up.transfers();
        Duration jitWarmUp = up.jitWarmUp();
        double pgbench = up.pgbench();
        List<String> main = new ArrayList<>();
        List<String> growth = new ArrayList<>();
        List<LatencyPlot.Point> points = new ArrayList<>();
        for (int partitions : partitionCounts) {
            if (partitions != stack.partitions()) {
                services.restartWithPartitions(partitions);
            }
            else {
                services.startLedgerWorkers(partitions);
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
                services.startLedgerWorkers(2);
                warmUp("transfers, 64 in flight", transfers, jitWarmUp);
                Result fewer = measured(
                        "transfers at " + partitions + " partitions, one consumer in each of two workers",
                        () -> load.run(many, growthClients, warmUp, measure));
                growth.add(row(partitions + " partitions, 2 consumers (one in each of two ledger-worker processes), "
                        + SENDERS + " wallets", fewer, pgbench));
            }
            if (partitions == mainPartitions) {
                services.restartLedgerWorker(mainConsumers);
                warmUp("transfers, 64 in flight", transfers, jitWarmUp.dividedBy(2));
                balances(services.apiPort, senders, warmUp, 16);
                Result balances = measured("balance reads", () -> balances(services.apiPort, senders, measure, 16));
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
        services.restartLedgerWorker(mainConsumers);
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
        services.stopLedgerWorkers();
        warmUp("webhooks, 64 in flight", step -> webhooks(services.webhookPort, step, 64), warmUp);
        Result webhooks = measured("webhooks", () -> webhooks(services.webhookPort, measure, 64));
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
     * webhook-dispatcher's rows ({@link WebhookDeliveryBenchmark}): it runs only for
     * them, so that the other rows measure the pipeline without it.
     */
    private List<String> deliveryRows(List<Wallet> senders, TransferLoad load, TransferLoad.Traffic many,
            Duration warmUp, Duration measure, double pgbench) throws Exception {
        List<String> rows = new ArrayList<>();
        try (WebhookDeliveryBenchmark deliveries = new WebhookDeliveryBenchmark(stack)) {
            deliveries.register(senders);
            services.webhookDispatcher().start().awaitReady(Duration.ofMinutes(3));
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
            services.webhookDispatcher().close();
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

    record Result(double perSecond, double p50, double p99, double p999) {

        static Result of(Histogram histogram, long count, Duration elapsed) {
            return new Result(count / (elapsed.toNanos() / 1e9), histogram.getValueAtPercentile(50) / 1e6,
                    histogram.getValueAtPercentile(99) / 1e6, histogram.getValueAtPercentile(99.9) / 1e6);
        }
    }

    record Wallet(UUID id, String number, String apiKey) {
    }

    static String row(String name, Result result, double pgbench) {
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
    static void warmUp(String what, Warming load, Duration fixed) throws Exception {
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

    Result measured(String what, Callable<Result> phase) throws Exception {
        CpuShare before = CpuShare.now();
        ServiceMetrics.Scrape workerBefore = ServiceMetrics.scrape(services.ledgerPorts());
        StatementTimes statements = StatementTimes.reset(stack.postgres().port());
        Result result = phase.call();
        String cpu = CpuShare.now().since(before);
        String database = statements.since(result.perSecond);
        String writes = statements.writesSince(result.perSecond);
        ServiceMetrics.Scrape worker = ServiceMetrics.scrape(services.ledgerPorts());
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

    private static List<Integer> integers(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(Integer::valueOf)
            .toList();
    }

}
