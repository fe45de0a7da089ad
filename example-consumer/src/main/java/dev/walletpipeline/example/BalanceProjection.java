package dev.walletpipeline.example;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Keeps every wallet's balance from {@code wallet.ledger-events} alone, the way a
 * notifications or analytics team would:
 * <ul>
 * <li>{@code isolation.level=read_committed}, so aborted transactions are never
 * seen;</li>
 * <li>idempotent: an event whose {@code sequence} the wallet has already reached (a
 * replay, or a redelivery after this consumer crashed before committing its offsets)
 * changes nothing;</li>
 * <li>check the order: the topic delivers each wallet's events in {@code sequence} order,
 * so an event ahead of the next expected one should never come. If one does, it is held
 * back until the events before it arrive rather than applied out of order, and what is
 * still missing after a catch-up is a gap to look into, or to fill with
 * {@code bin/replay-ledger-events}.</li>
 * </ul>
 * Every event type is applied the same way, by its {@code balance_after}: deposits,
 * transfers, withdrawals and their returns, refunds and chargebacks alike. A balance may
 * be below zero after a refund or chargeback of money already spent
 * ({@code DepositRefunded}, {@code ChargebackHeld}); the wallet sends nothing until it is
 * back.
 * <p>
 * In a real deployment the projection and the consumed offsets would be stored together
 * (one database transaction); here they live in memory, which is enough to show the
 * rules.
 */
public final class BalanceProjection implements AutoCloseable {

    /** A wallet as the projection knows it. */
    public record WalletState(long balance, long sequence) {
    }

    /**
     * A jump in a wallet's sequence: events {@code expected} to {@code got - 1} were not
     * seen.
     */
    public record Gap(UUID walletId, long expected, long got) {
    }

    private final KafkaConsumer<String, byte[]> consumer;

    private final Map<UUID, WalletState> wallets = new HashMap<>();

    private final Map<UUID, TreeMap<Long, LedgerEvent>> heldBack = new HashMap<>();

    private long duplicates;

    private long applied;

    /**
     * @param connection brokers and credentials: a downstream team's read-only user
     * ({@code bootstrap.servers}, {@code security.protocol}, {@code sasl.mechanism},
     * {@code sasl.jaas.config})
     * @param groupId the consumer group, of the team's own naming
     */
    public BalanceProjection(Map<String, ?> connection, String groupId) {
        Properties props = new Properties();
        props.putAll(connection);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topic.LEDGER_EVENTS.name()));
    }

    /** Polls until nothing new arrives for {@code quiet}; commits what it applied. */
    public void catchUp(Duration quiet) {
        long idleSince = System.nanoTime();
        while (System.nanoTime() - idleSince < quiet.toNanos()) {
            ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                idleSince = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : records) {
                    apply(LedgerEvent.fromJson(record.value()));
                }
                consumer.commitSync();
            }
        }
    }

    void apply(LedgerEvent event) {
        WalletState known = wallets.getOrDefault(event.walletId(), new WalletState(0, 0));
        TreeMap<Long, LedgerEvent> waiting = heldBack.computeIfAbsent(event.walletId(), w -> new TreeMap<>());
        if (event.sequence() <= known.sequence() || waiting.containsKey(event.sequence())) {
            duplicates++;
            return;
        }
        waiting.put(event.sequence(), event);
        while (!waiting.isEmpty() && waiting.firstKey() == known.sequence() + 1) {
            LedgerEvent next = waiting.pollFirstEntry().getValue();
            known = new WalletState(next.balanceAfter(), next.sequence());
            applied++;
        }
        wallets.put(event.walletId(), known);
    }

    public Map<UUID, WalletState> wallets() {
        return Map.copyOf(wallets);
    }

    /**
     * Events held back because an earlier one of the same wallet has not arrived (yet).
     */
    public List<Gap> gaps() {
        List<Gap> gaps = new ArrayList<>();
        heldBack.forEach((wallet, waiting) -> {
            if (!waiting.isEmpty()) {
                gaps.add(new Gap(wallet, wallets.get(wallet).sequence() + 1, waiting.firstKey()));
            }
        });
        return gaps;
    }

    public long duplicates() {
        return duplicates;
    }

    public long applied() {
        return applied;
    }

    @Override
    public void close() {
        consumer.close();
    }

    /**
     * {@code java -cp ... BalanceProjection}: follows the topic and prints each catch-up.
     * Connects with {@code KAFKA_BOOTSTRAP_SERVERS} (default {@code localhost:9092}) as
     * {@code KAFKA_USERNAME} (default {@code downstream}) with {@code KAFKA_PASSWORD}
     * over SASL/SCRAM-SHA-256.
     */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String user = env.getOrDefault("KAFKA_USERNAME", "downstream");
        Map<String, String> connection = Map.of("bootstrap.servers",
                env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"), "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-256", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + env.getOrDefault("KAFKA_PASSWORD", "") + "\";");
        try (BalanceProjection projection = new BalanceProjection(connection, "example-balance-projection")) {
            while (!Thread.currentThread().isInterrupted()) {
                projection.catchUp(Duration.ofSeconds(2));
                System.out.printf("wallets=%d applied=%d duplicates=%d gaps=%d%n", projection.wallets().size(),
                        projection.applied(), projection.duplicates(), projection.gaps().size());
            }
        }
    }

}
