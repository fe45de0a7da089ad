package dev.walletpipeline.benchmarks;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One command, one table: pgbench TPC-B (8 clients) on the pipeline's own PostgreSQL as the
 * yardstick, then end-to-end transfers (202 accepted to the TransferCompleted event committed on
 * Kafka) for many wallets and for one hot wallet, then verified webhooks accepted by
 * webhook-ingest. Latencies are recorded with HdrHistogram.
 *
 * <p>{@code bin/benchmark} builds and runs it; {@code -Dbench.seconds=N} sets each phase's length.
 */
public final class PipelineBenchmark {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path project = Path.of(System.getProperty("wallet.project.dir", ".")).toAbsolutePath().normalize();
        int seconds = Integer.getInteger("bench.seconds", 20);
        int partitions = Integer.getInteger("bench.partitions", 4);
        Path home = project.resolve("target").resolve("bench-stack");
        deleteRecursively(home);
        LocalStack stack = new LocalStack(home, freePort(), freePort(), freePort(), partitions, 0, 0,
                Duration.ofSeconds(1)).start();
        Map<String, String> environment = new HashMap<>(stack.environment());
        environment.put("RATE_LIMIT_SIGN_IN", "1000000");
        environment.put("RATE_LIMIT_KEY_CREATION_USER", "1000000");
        environment.put("RATE_LIMIT_KEY_CREATION_ADDRESS", "1000000");
        environment.put("LEDGER_CONCURRENCY", Integer.toString(Math.min(partitions, 4)));
        Path logs = home.resolve("logs");
        int ledgerPort = freePort();
        int webhookPort = freePort();
        int apiPort = freePort();
        List<ServiceProcess> services = List.of(
                new ServiceProcess(project, "ledger-worker", ledgerPort, with(environment, ledgerPort), logs),
                new ServiceProcess(project, "webhook-ingest", webhookPort, with(environment, webhookPort), logs),
                new ServiceProcess(project, "api-service", apiPort, with(environment, apiPort), logs));
        try {
            services.get(0).start().awaitReady(Duration.ofMinutes(3));
            services.get(1).start().awaitReady(Duration.ofMinutes(3));
            services.get(2).start().awaitReady(Duration.ofMinutes(3));
            System.out.println("pipeline up; running pgbench TPC-B (8 clients, " + seconds + " s) as the yardstick");
            double pgbench = pgbench(stack, seconds);

            ApiClient api = new ApiClient(apiPort);
            LedgerProbe ledger = new LedgerProbe(stack);
            List<Wallet> wallets = wallets(api, ledger, Integer.getInteger("bench.wallets", 100), 100_000_000L);
            Wallet hot = wallets(api, ledger, 1, 100_000_000L * 20).get(0);

            Result balances = balances(api, wallets, seconds, 16);
            Result many = transfers(stack, api, wallets, null, seconds, 16);
            Result hotWallet = transfers(stack, api, wallets, hot, seconds, 16);
            // webhook-ingest alone: ledger-worker would otherwise spend the same two cores consuming them
            services.get(0).close();
            Result webhooks = webhooks(webhookPort, seconds, 64);

            String table = """

                    | benchmark (%d s each, %d partitions, 2 cores) | per second | p50 ms | p99 ms | p99.9 ms | x pgbench |
                    |---|---:|---:|---:|---:|---:|
                    | pgbench TPC-B, 8 clients (yardstick) | %.0f | | | | 1.00 |
                    | GET /wallet/balance with an API key, 16 clients | %.0f | %.1f | %.1f | %.1f | %.2f |
                    | transfers, %d wallets, 202 to event committed | %.0f | %.1f | %.1f | %.1f | %.2f |
                    | transfers, one hot wallet | %.0f | %.1f | %.1f | %.1f | %.2f |
                    | webhooks accepted by webhook-ingest (signed, published, acks=all) | %.0f | %.1f | %.1f | %.1f | %.2f |
                    """.formatted(seconds, partitions, pgbench,
                    balances.perSecond, balances.p50, balances.p99, balances.p999, balances.perSecond / pgbench,
                    wallets.size(),
                    many.perSecond, many.p50, many.p99, many.p999, many.perSecond / pgbench,
                    hotWallet.perSecond, hotWallet.p50, hotWallet.p99, hotWallet.p999, hotWallet.perSecond / pgbench,
                    webhooks.perSecond, webhooks.p50, webhooks.p99, webhooks.p999, webhooks.perSecond / pgbench);
            System.out.println(table);
            Files.writeString(project.resolve("target").resolve("benchmark-results.md"), table);
        } finally {
            for (int i = services.size() - 1; i >= 0; i--) {
                services.get(i).close();
            }
            stack.close();
        }
    }

    record Result(double perSecond, double p50, double p99, double p999) {

        static Result of(Histogram histogram, long count, Duration elapsed) {
            return new Result(count / (elapsed.toNanos() / 1e9), histogram.getValueAtPercentile(50) / 1e6,
                    histogram.getValueAtPercentile(99) / 1e6, histogram.getValueAtPercentile(99.9) / 1e6);
        }
    }

    record Wallet(UUID id, String number, String apiKey) {
    }

    private static double pgbench(LocalStack stack, int seconds) throws Exception {
        try (Connection db = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + stack.postgres().port() + "/postgres", "postgres", "postgres")) {
            db.createStatement().execute("drop database if exists pgbench");
            db.createStatement().execute("create database pgbench");
        }
        String port = Integer.toString(stack.postgres().port());
        run(List.of("pgbench", "-i", "-q", "-s", "8", "-h", "localhost", "-p", port, "-U", "postgres", "pgbench"));
        String out = run(List.of("pgbench", "-c", "8", "-j", "2", "-T", Integer.toString(seconds), "-h", "localhost",
                "-p", port, "-U", "postgres", "pgbench"));
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

    /** Closed loop: {@code clients} threads each send a transfer, and the next once it is accepted. */
    private static Result transfers(LocalStack stack, ApiClient api, List<Wallet> wallets, Wallet hot, int seconds,
            int clients) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Recorder latencies = new Recorder(3);
        AtomicLong completed = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean(true);
        CountDownLatch consumerReady = new CountDownLatch(1);
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> events = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = events.partitionsFor(Topic.LEDGER_EVENTS.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                events.assign(partitions);
                events.seekToEnd(partitions);
                partitions.forEach(events::position);
                consumerReady.countDown();
                while (measuring.get() || !sentAt.isEmpty()) {
                    events.poll(Duration.ofMillis(50)).forEach(record -> {
                        LedgerEvent event = LedgerEvent.fromJson(record.value());
                        if (event.transferId() != null) {
                            Long start = sentAt.remove(event.transferId().toString());
                            if (start != null) {
                                latencies.recordValue(System.nanoTime() - start);
                                completed.incrementAndGet();
                            }
                        }
                    });
                    if (!measuring.get() && sentAt.isEmpty()) {
                        break;
                    }
                }
            }
        }, "bench-events");
        consumer.start();
        consumerReady.await();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            long seed = c;
            pool.submit(() -> {
                Random random = new Random(seed);
                while (System.nanoTime() < deadline) {
                    Wallet from = hot != null ? hot : wallets.get(random.nextInt(wallets.size()));
                    Wallet to = wallets.get(random.nextInt(wallets.size()));
                    if (from == to) {
                        continue;
                    }
                    long sent = System.nanoTime();
                    ApiClient.Response response = api.post("/wallet/transfer", ApiClient.As.key(from.apiKey()),
                            "{\"wallet_number\":\"" + to.number() + "\",\"amount\":100}");
                    if (response.status() == 202) {
                        sentAt.putIfAbsent(response.text("transfer_id"), sent);
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!sentAt.isEmpty() && System.nanoTime() < drainUntil) {
            Thread.onSpinWait();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        measuring.set(false);
        sentAt.clear();
        consumer.join(10_000);
        return Result.of(latencies.getIntervalHistogram(), completed.get(), elapsed);
    }

    /** Closed loop of balance reads, each client with its own wallet's read key. */
    private static Result balances(ApiClient api, List<Wallet> wallets, int seconds, int clients) throws Exception {
        Recorder latencies = new Recorder(3);
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            Wallet wallet = wallets.get(c % wallets.size());
            pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    long sent = System.nanoTime();
                    if (api.get("/wallet/balance", ApiClient.As.key(wallet.apiKey())).status() == 200) {
                        latencies.recordValue(System.nanoTime() - sent);
                        done.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 30L, TimeUnit.SECONDS);
        return Result.of(latencies.getIntervalHistogram(), done.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Open-ended: up to {@code inFlight} signed webhooks outstanding at once. */
    private static Result webhooks(int port, int seconds, int inFlight) throws Exception {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4)).build();
        URI uri = URI.create("http://localhost:" + port + "/wallet/paystack/webhook");
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            bodies.add(LedgerProbe.chargeSuccess("WLT-BENCH" + i, 10_000, "NGN"));
        }
        List<String> signatures = bodies.stream().map(b -> PaystackSigner.sign(b, LocalStack.PAYSTACK_SECRET_KEY)).toList();
        Semaphore slots = new Semaphore(inFlight);
        Recorder latencies = new Recorder(3);
        AtomicLong accepted = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; System.nanoTime() < deadline; i++) {
            slots.acquire();
            int which = i % bodies.size();
            long sent = System.nanoTime();
            http.sendAsync(HttpRequest.newBuilder(uri).header("content-type", "application/json")
                    .header("x-paystack-signature", signatures.get(which))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(which))).build(),
                    HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        if (error == null && response.statusCode() == 200) {
                            latencies.recordValue(System.nanoTime() - sent);
                            accepted.incrementAndGet();
                        }
                        slots.release();
                    });
        }
        slots.acquire(inFlight);
        return Result.of(latencies.getIntervalHistogram(), accepted.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static Map<String, String> with(Map<String, String> environment, int port) {
        Map<String, String> copy = new HashMap<>(environment);
        copy.put("SERVER_PORT", Integer.toString(port));
        return copy;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (Files.exists(path)) {
            try (var files = Files.walk(path)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
