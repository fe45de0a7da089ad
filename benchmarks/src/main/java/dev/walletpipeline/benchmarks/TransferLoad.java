package dev.walletpipeline.benchmarks;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.localstack.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Closed-loop transfer load measured end to end: each client sends {@code POST /wallet/transfer},
 * then waits until the transfer's outcome ({@code TransferCompleted} or {@code TransferRejected})
 * is committed on {@code wallet.ledger-events}, as a {@code read_committed} consumer sees it, and
 * only then sends its next transfer. Throughput is outcomes per second; latency runs from sending
 * the request to seeing the outcome. With no client ahead of the pipeline there is no backlog: the
 * figures are the pipeline's, at the given number of transfers in flight.
 */
final class TransferLoad {

    /** Who sends and who receives: a sender's API key, and wallet numbers to pay. */
    interface Traffic {
        PipelineBenchmark.Wallet sender(Random random);

        String recipient(Random random, PipelineBenchmark.Wallet sender);
    }

    /** Brokers and credentials (admin: it reads the commands as well as the events). */
    private final Map<String, Object> kafka;
    private final ApiClient api;

    TransferLoad(Map<String, Object> kafka, ApiClient api) {
        this.kafka = kafka;
        this.api = api;
    }

    /** When a transfer's outcome was seen here, and when ledger-worker sent it (the record's timestamp). */
    private record Outcome(long seenNanos, long seenMillis, long sentByWorkerMillis) {
    }

    PipelineBenchmark.Result run(Traffic traffic, int clients, Duration warmUp, Duration measure) throws Exception {
        Map<String, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
        Map<String, Long> commandSeenMillis = new ConcurrentHashMap<>();
        AtomicLong toCommand = new AtomicLong();
        AtomicLong toWorkerSend = new AtomicLong();
        AtomicLong toVisible = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch consuming = new CountDownLatch(1);
        Thread consumer = new Thread(() -> consume(outcomes, commandSeenMillis, running, consuming), "bench-outcomes");
        consumer.start();
        consuming.await();

        Recorder latencies = new Recorder(3);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long deadline = measureFrom + measure.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            Random random = new Random(c);
            pool.submit(() -> {
                while (System.nanoTime() < deadline) {
                    PipelineBenchmark.Wallet from = traffic.sender(random);
                    String to = traffic.recipient(random, from);
                    long sent = System.nanoTime();
                    long sentMillis = System.currentTimeMillis();
                    ApiClient.Response response = api.post("/wallet/transfer", ApiClient.As.key(from.apiKey()),
                            "{\"wallet_number\":\"" + to + "\",\"amount\":100}");
                    if (response.status() != 202) {
                        failed.incrementAndGet();
                        continue;
                    }
                    String id = response.text("transfer_id");
                    try {
                        Outcome seen = outcomes.computeIfAbsent(id, k -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
                        outcomes.remove(id);
                        Long command = commandSeenMillis.remove(id);
                        if (sent >= measureFrom && seen.seenNanos() <= deadline) {
                            latencies.recordValue(seen.seenNanos() - sent);
                            done.incrementAndGet();
                            if (command != null) {
                                toCommand.addAndGet(command - sentMillis);
                                toWorkerSend.addAndGet(seen.sentByWorkerMillis() - command);
                                toVisible.addAndGet(seen.seenMillis() - seen.sentByWorkerMillis());
                            }
                        }
                    } catch (TimeoutException lost) {
                        failed.incrementAndGet();
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
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " transfers were refused or timed out)");
        }
        if (done.get() > 0) {
            System.out.printf("  mean stages: request sent to command on Kafka %.1f ms (api-service, outbox relay);"
                    + " to its outcome sent by ledger-worker %.1f ms; to that outcome committed and seen %.1f ms%n",
                    toCommand.get() / (double) done.get(), toWorkerSend.get() / (double) done.get(),
                    toVisible.get() / (double) done.get());
        }
        return PipelineBenchmark.Result.of(latencies.getIntervalHistogram(), done.get(), measure);
    }

    /**
     * Completes each transfer's future when its first outcome event is committed, and notes when
     * each transfer command appeared on Kafka. An outcome may be seen before the client has asked
     * for it; the future is then made here and found there.
     */
    private Map<String, Object> consumerProps() {
        Map<String, Object> props = new java.util.HashMap<>(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    private void consume(Map<String, CompletableFuture<Outcome>> outcomes, Map<String, Long> commandSeenMillis,
            AtomicBoolean running, CountDownLatch ready) {
        try (KafkaConsumer<String, byte[]> events = new KafkaConsumer<>(consumerProps(),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new java.util.ArrayList<>();
            for (Topic topic : List.of(Topic.LEDGER_EVENTS, Topic.TRANSFER_COMMANDS)) {
                events.partitionsFor(topic.name()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            events.assign(partitions);
            events.seekToEnd(partitions);
            partitions.forEach(events::position);
            ready.countDown();
            while (running.get()) {
                events.poll(Duration.ofMillis(20)).forEach(record -> {
                    long seen = System.nanoTime();
                    long seenMillis = System.currentTimeMillis();
                    if (record.topic().equals(Topic.TRANSFER_COMMANDS.name())) {
                        commandSeenMillis.put(TransferRequested.fromJson(record.value()).transferId().toString(),
                                seenMillis);
                        return;
                    }
                    LedgerEvent event = LedgerEvent.fromJson(record.value());
                    if (event.transferId() != null && event.type() != LedgerEvent.Type.DepositCredited) {
                        outcomes.computeIfAbsent(event.transferId().toString(), k -> new CompletableFuture<>())
                                .complete(new Outcome(seen, seenMillis, record.timestamp()));
                    }
                });
            }
        }
    }
}
