package dev.walletpipeline.benchmarks;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.localstack.ApiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Closed-loop transfer load measured end to end: each client sends
 * {@code POST /wallet/transfer}, then waits until the transfer's outcome
 * ({@code TransferCompleted} or {@code TransferRejected}) is committed on
 * {@code wallet.ledger-events}, as a {@code read_committed} consumer sees it, and only
 * then sends its next transfer. Throughput is outcomes per second; latency runs from
 * sending the request to seeing the outcome. With no client ahead of the pipeline there
 * is no backlog: the figures are the pipeline's, at the given number of transfers in
 * flight.
 */
final class TransferLoad {

    /** Who sends and who receives: a sender's API key, and wallet numbers to pay. */
    interface Traffic {

        PipelineBenchmark.Wallet sender(Random random);

        String recipient(Random random, PipelineBenchmark.Wallet sender);

    }

    /** Brokers and credentials, as a downstream reader of the ledger events. */
    private final Map<String, Object> kafka;

    private final ApiClient api;

    /** Where the transfers are sent. */
    private final int apiPort;

    /** Where the services serve their metrics, for the stage timings. */
    private final int apiManagementPort;

    /** The ledger-worker instances running now. */
    private final Supplier<List<Integer>> ledgerPorts;

    TransferLoad(Map<String, Object> kafka, ApiClient api, int apiPort, int apiManagementPort,
            Supplier<List<Integer>> ledgerPorts) {
        this.kafka = kafka;
        this.api = api;
        this.apiPort = apiPort;
        this.apiManagementPort = apiManagementPort;
        this.ledgerPorts = ledgerPorts;
    }

    /**
     * The HTTP client the load sends with: {@link RawHttp} for every row;
     * {@code java.net.http} only as the other half of the A/B pair that measures what the
     * client costs.
     */
    enum Client {

        RAW, JDK

    }

    /** When a transfer's outcome was seen here. */
    private record Outcome(long seenNanos) {
    }

    PipelineBenchmark.Result run(Traffic traffic, int clients, Duration warmUp, Duration measure) throws Exception {
        return run(traffic, clients, warmUp, measure, Client.RAW);
    }

    PipelineBenchmark.Result run(Traffic traffic, int clients, Duration warmUp, Duration measure, Client client)
            throws Exception {
        return load(clients, warmUp, measure, "/wallet/transfer", (http, random) -> {
            PipelineBenchmark.Wallet from = traffic.sender(random);
            String body = "{\"wallet_number\":\"" + traffic.recipient(random, from) + "\",\"amount\":100}";
            String id = client == Client.RAW ? send(http, from, body) : sendWithJdkClient(from, body);
            return id == null ? null : List.of(id);
        });
    }

    /**
     * Bulk transfers of {@code items} each, one sender per request; throughput counts
     * transfers, latency runs from sending a request to seeing the last of its outcomes.
     */
    PipelineBenchmark.Result runBulk(Traffic traffic, int clients, int items, Duration warmUp, Duration measure)
            throws Exception {
        return load(clients, warmUp, measure, "/wallet/transfers/bulk", (http, random) -> {
            PipelineBenchmark.Wallet from = traffic.sender(random);
            StringBuilder body = new StringBuilder("{\"transfers\":[");
            for (int i = 0; i < items; i++) {
                body.append(i == 0 ? "" : ",")
                    .append("{\"wallet_number\":\"")
                    .append(traffic.recipient(random, from))
                    .append("\",\"amount\":100,\"reference\":\"")
                    .append(UUID.randomUUID())
                    .append("\"}");
            }
            byte[] request = RawHttp.request("POST", apiPort, "/wallet/transfers/bulk",
                    Map.of("Content-Type", "application/json", "x-api-key", from.apiKey()),
                    body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            try {
                RawHttp.Answer answer = http.exchange(request);
                if (answer.status() != 202) {
                    return null;
                }
                List<String> ids = new ArrayList<>();
                Json.MAPPER.readTree(answer.body()).path("transfers").forEach(item -> {
                    // An item refused at once has its outcome already.
                    if (item.path("status").asString().equals("pending")) {
                        ids.add(item.path("transfer_id").asString());
                    }
                });
                return ids;
            }
            catch (IOException broken) {
                return null;
            }
        });
    }

    /** One request of a load: the transfers it made, or null when it made none. */
    @FunctionalInterface
    private interface Sending {

        @Nullable List<String> send(RawHttp http, Random random) throws Exception;

    }

    /**
     * Closed loop: each client sends, waits for every outcome of what it sent, and sends
     * again.
     */
    private PipelineBenchmark.Result load(int clients, Duration warmUp, Duration measure, String uri, Sending sending)
            throws Exception {
        Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch consuming = new CountDownLatch(1);
        Thread consumer = new Thread(() -> consume(outcomes, running, consuming), "bench-outcomes");
        consumer.start();
        consuming.await();

        Recorder latencies = new Recorder(3);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long deadline = measureFrom + measure.toNanos();
        ServiceMetrics.Scrape[] before = new ServiceMetrics.Scrape[2];
        Thread startOfMeasure = new Thread(() -> {
            LockSupport.parkNanos(Math.max(0, measureFrom - System.nanoTime()));
            before[0] = ServiceMetrics.scrape(apiManagementPort);
            before[1] = ServiceMetrics.scrape(ledgerPorts.get());
        }, "bench-metrics");
        startOfMeasure.start();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            Random random = new Random(c);
            pool.submit(() -> {
                try (RawHttp http = new RawHttp(apiPort)) {
                    while (System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        List<String> ids = sending.send(http, random);
                        if (ids == null) {
                            failed.incrementAndGet();
                            continue;
                        }
                        try {
                            long last = 0;
                            for (String id : ids) {
                                Outcome seen = outcomes.computeIfAbsent(id, k -> new CompletableFuture<>())
                                    .get(60, TimeUnit.SECONDS);
                                outcomes.remove(id);
                                last = Math.max(last, seen.seenNanos());
                            }
                            if (sent >= measureFrom && last <= deadline) {
                                latencies.recordValue(last - sent);
                                done.addAndGet(ids.size());
                            }
                        }
                        catch (TimeoutException lost) {
                            failed.incrementAndGet();
                        }
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(measure.plus(warmUp).toSeconds() + 90, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
        running.set(false);
        consumer.join(10_000);
        startOfMeasure.join();
        ServiceMetrics.Scrape apiAfter = ServiceMetrics.scrape(apiManagementPort);
        ServiceMetrics.Scrape ledgerAfter = ServiceMetrics.scrape(ledgerPorts.get());
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " transfers were refused or timed out)");
        }
        if (done.get() > 0 && before[0] != null) {
            // From the services' own metrics over the measured window (what OPERATIONS.md
            // lists).
            double request = ServiceMetrics.meanMillis(before[0], apiAfter, "http_server_requests", "method=\"POST\"",
                    "uri=\"" + uri + "\"");
            double relay = ServiceMetrics.meanMillis(before[0], apiAfter, "wallet_outbox_relay");
            double toOutcome = ServiceMetrics.meanMillis(before[1], ledgerAfter, "wallet_transfer_completion");
            System.out.printf("  mean stages (services' metrics): api-service request %.1f ms"
                    + " (http_server_requests_seconds); commit to command on Kafka %.1f ms (wallet_outbox_relay_seconds);"
                    + " accepted to outcome posted %.1f ms (wallet_transfer_completion_seconds)%n", request, relay,
                    toOutcome);
        }
        return PipelineBenchmark.Result.of(latencies.getIntervalHistogram(), done.get(), measure);
    }

    /** The accepted transfer's id, or null when it was not accepted. */
    private @Nullable String send(RawHttp http, PipelineBenchmark.Wallet from, String body) {
        byte[] request = RawHttp.request("POST", apiPort, "/wallet/transfer",
                Map.of("Content-Type", "application/json", "x-api-key", from.apiKey()),
                body.getBytes(StandardCharsets.UTF_8));
        try {
            RawHttp.Answer answer = http.exchange(request);
            return answer.status() == 202 ? Json.MAPPER.readTree(answer.body()).path("transfer_id").asString() : null;
        }
        catch (IOException broken) {
            return null;
        }
    }

    private @Nullable String sendWithJdkClient(PipelineBenchmark.Wallet from, String body) {
        ApiClient.Response response = api.post("/wallet/transfer", ApiClient.As.key(from.apiKey()), body);
        return response.status() == 202 ? response.text("transfer_id") : null;
    }

    /**
     * The outcome consumer's settings: committed records only, no group offsets.
     */
    private Map<String, Object> consumerProps() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /**
     * Completes each transfer's future when its outcome is committed: rejected, or
     * credited to the recipient (the transfer's second TransferCompleted). An outcome may
     * be seen before the client has asked for it; the future is then made here and found
     * there.
     */
    private void consume(Map<String, CompletableFuture<Outcome>> outcomes, AtomicBoolean running,
            CountDownLatch ready) {
        try (KafkaConsumer<String, byte[]> events = new KafkaConsumer<>(consumerProps(), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            events.partitionsFor(Topic.LEDGER_EVENTS.name())
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            events.assign(partitions);
            events.seekToEnd(partitions);
            partitions.forEach(events::position);
            ready.countDown();
            Set<String> debited = new HashSet<>();
            while (running.get()) {
                events.poll(Duration.ofMillis(20)).forEach(record -> {
                    long seen = System.nanoTime();
                    LedgerEvent event = LedgerEvent.fromJson(record.value());
                    if (event.transferId() == null) {
                        return;
                    }
                    String id = event.transferId().toString();
                    // The outcome: rejected, or completed, which is the second
                    // TransferCompleted (the sender's comes with the debit leg, the
                    // recipient's with the credit leg).
                    if (event.type() == LedgerEvent.Type.TransferRejected
                            || (event.type() == LedgerEvent.Type.TransferCompleted && !debited.add(id))) {
                        debited.remove(id);
                        outcomes.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(new Outcome(seen));
                    }
                });
            }
        }
    }

}
