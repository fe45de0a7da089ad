package dev.walletpipeline.example;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Keeps every wallet's balance from {@code wallet.ledger-events} alone, the way a notifications or
 * analytics team would:
 * <ul>
 * <li>{@code isolation.level=read_committed}, so aborted transactions are never seen;</li>
 * <li>idempotent: an event whose {@code sequence} the wallet has already reached (a replay, or a
 *     redelivery after this consumer crashed before committing its offsets) changes nothing;</li>
 * <li>gap detection: a {@code sequence} more than one ahead is recorded as a gap (replay the
 *     wallet to fill it), and the event still applies, since {@code balance_after} is absolute.</li>
 * </ul>
 * In a real deployment the projection and the consumed offsets would be stored together (one
 * database transaction); here they live in memory, which is enough to show the rules.
 */
public final class BalanceProjection implements AutoCloseable {

    /** A wallet as the projection knows it. */
    public record WalletState(long balance, long sequence) {
    }

    /** A jump in a wallet's sequence: events {@code expected} to {@code got - 1} were not seen. */
    public record Gap(UUID walletId, long expected, long got) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<UUID, WalletState> wallets = new HashMap<>();
    private final List<Gap> gaps = new ArrayList<>();
    private long duplicates;
    private long applied;

    public BalanceProjection(String bootstrapServers, String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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
        if (event.sequence() <= known.sequence()) {
            duplicates++;
            return;
        }
        if (event.sequence() > known.sequence() + 1) {
            gaps.add(new Gap(event.walletId(), known.sequence() + 1, event.sequence()));
        }
        wallets.put(event.walletId(), new WalletState(event.balanceAfter(), event.sequence()));
        applied++;
    }

    public Map<UUID, WalletState> wallets() {
        return Map.copyOf(wallets);
    }

    public List<Gap> gaps() {
        return List.copyOf(gaps);
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

    /** {@code java -cp ... BalanceProjection localhost:9092}: follows the topic and prints each catch-up. */
    public static void main(String[] args) {
        String servers = args.length > 0 ? args[0] : "localhost:9092";
        try (BalanceProjection projection = new BalanceProjection(servers, "example-balance-projection")) {
            while (!Thread.currentThread().isInterrupted()) {
                projection.catchUp(Duration.ofSeconds(2));
                System.out.printf("wallets=%d applied=%d duplicates=%d gaps=%d%n", projection.wallets().size(),
                        projection.applied(), projection.duplicates(), projection.gaps().size());
            }
        }
    }
}
