package dev.walletpipeline.benchmarks;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.webhooks.WebhookSignature;
import dev.walletpipeline.localstack.KafkaBroker;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.WebhookReceiver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * webhook-dispatcher's rows: every sender wallet's owner has an endpoint on a receiver on
 * this machine that answers 200 at once. Three figures: how many deliveries a second the
 * dispatcher makes when the ledger events are already waiting (a burst of events
 * published for those wallets); how long from a ledger event to its delivery while
 * transfers run; and the healthy endpoints' rate while some endpoints answer 500.
 */
final class WebhookDeliveryBenchmark implements AutoCloseable {

    private final LocalStack stack;

    private final LedgerProbe ledger;

    private final WebhookReceiver receiver = WebhookReceiver.start(32);

    private final Map<UUID, String> paths = new HashMap<>();

    private final Map<UUID, String> numbers = new HashMap<>();

    /** Above any sequence the real ledger reaches in a run, and moved on per burst. */
    private long nextSequence = 1_000_000_000L;

    WebhookDeliveryBenchmark(LocalStack stack) {
        this.stack = stack;
        this.ledger = new LedgerProbe(stack);
    }

    /** An endpoint for each wallet's owner, as the API would store it. */
    void register(List<PipelineBenchmark.Wallet> wallets) throws Exception {
        for (PipelineBenchmark.Wallet wallet : wallets) {
            String path = "/bench/" + wallet.number();
            ledger.executeAsOwner("""
                    insert into webhook_endpoints (id, user_id, url, secret)
                    values (?, (select user_id from wallets where id = ?), ?, ?)""", UUID.randomUUID(), wallet.id(),
                    receiver.url(path), WebhookSignature.newSecret());
            paths.put(wallet.id(), path);
            numbers.put(wallet.id(), wallet.number());
        }
    }

    /**
     * From a ledger event's time to its delivery received, for every transfer event that
     * reaches the receiver while {@code load} runs; per second: deliveries received.
     */
    PipelineBenchmark.Result latencyDuring(Callable<?> load) throws Exception {
        Histogram latency = new Histogram(60_000_000_000L, 3);
        AtomicLong received = new AtomicLong();
        receiver.onRequest(request -> {
            String body = request.body();
            if (body.startsWith("{\"type\":\"transfer.")) {
                Instant at = Instant.parse(Json.MAPPER.readTree(body).path("timestamp").asString());
                synchronized (latency) {
                    latency.recordValue(Math.max(0, Duration.between(at, request.at()).toNanos()));
                }
                received.incrementAndGet();
            }
        });
        long started = System.nanoTime();
        load.call();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        receiver.onRequest(request -> {
        });
        synchronized (latency) {
            return PipelineBenchmark.Result.of(latency, received.get(), elapsed);
        }
    }

    /**
     * Publishes {@code perWallet} events for every wallet at once and waits until every
     * healthy endpoint has them all; the endpoints in {@code failing} answer 500
     * throughout. Per second: deliveries to the healthy endpoints; latency: from the
     * burst's start to each delivery.
     */
    PipelineBenchmark.Result burst(int perWallet, Set<UUID> failing, Duration atMost) throws Exception {
        for (UUID wallet : failing) {
            receiver.respond(paths.get(wallet), (request, earlier) -> WebhookReceiver.Answer.status(500));
        }
        Set<String> failingPaths = new HashSet<>();
        failing.forEach(w -> failingPaths.add(paths.get(w)));
        long expected = (long) perWallet * (paths.size() - failing.size());
        Histogram latency = new Histogram(600_000_000_000L, 3);
        AtomicLong received = new AtomicLong();
        long[] startedAt = { 0 };
        receiver.onRequest(request -> {
            if (!failingPaths.contains(request.path())) {
                synchronized (latency) {
                    latency.recordValue(Math.max(0, System.nanoTime() - startedAt[0]));
                }
                received.incrementAndGet();
            }
        });
        Properties props = new Properties();
        props.putAll(stack.kafka().clientProperties(KafkaBroker.ADMIN));
        props.put("linger.ms", "5");
        props.put("acks", "all");
        startedAt[0] = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            long first = nextSequence;
            for (int i = 0; i < perWallet; i++) {
                for (UUID wallet : paths.keySet()) {
                    LedgerEvent event = new LedgerEvent(UUID.randomUUID().toString(), LedgerEvent.Type.DepositCredited,
                            LedgerEvent.VERSION, Instant.now(), wallet, numbers.get(wallet), 1_000, "NGN", 1_000,
                            first + i, "bench-" + UUID.randomUUID(), null, null);
                    producer.send(new ProducerRecord<>(Topic.LEDGER_EVENTS.name(), wallet.toString(), event.toJson()));
                }
            }
            nextSequence += perWallet;
        }
        long deadline = System.nanoTime() + atMost.toNanos();
        while (received.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startedAt[0]);
        receiver.onRequest(request -> {
        });
        for (UUID wallet : failing) {
            receiver.respond(paths.get(wallet), (request, earlier) -> WebhookReceiver.Answer.OK);
        }
        if (received.get() < expected) {
            System.out.printf("  only %d of %d deliveries arrived within %d s%n", received.get(), expected,
                    atMost.toSeconds());
        }
        synchronized (latency) {
            return PipelineBenchmark.Result.of(latency, Math.min(received.get(), expected), elapsed);
        }
    }

    List<UUID> wallets() {
        return new ArrayList<>(paths.keySet());
    }

    @Override
    public void close() {
        receiver.close();
    }

}
