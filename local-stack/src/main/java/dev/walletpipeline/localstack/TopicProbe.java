package dev.walletpipeline.localstack;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.contracts.proof.Proof;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * For tests: records straight onto the real topics (as Kafka's admin user, who may write
 * any), and the committed records a test checks, read as a downstream consumer would.
 */
public final class TopicProbe {

    private final LocalStack stack;

    public TopicProbe(LocalStack stack) {
        this.stack = stack;
    }

    /** Client settings as Kafka's admin user (tests may write any topic), plus these. */
    private Map<String, Object> asAdmin(Object... keyValues) {
        Map<String, Object> props = new HashMap<>(stack.kafka().clientProperties(KafkaBroker.ADMIN));
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    /**
     * Puts a transfer command on its topic, keyed by the source wallet, as the outbox
     * relay would.
     */
    public void publishTransferCommand(UUID transferId, UUID from, UUID to, long amount) {
        send(transferCommand(
                new TransferRequested(TransferRequested.VERSION, transferId, from, to, amount, "NGN", Instant.now())));
    }

    /** Many transfer commands through one producer, in order. */
    public void publishTransferCommands(List<TransferRequested> commands) {
        send(commands.stream().map(TopicProbe::transferCommand).toList());
    }

    private static ProducerRecord<String, byte[]> transferCommand(TransferRequested command) {
        return new ProducerRecord<>(Topic.TRANSFER_COMMANDS.name(), command.fromWalletId().toString(),
                command.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Puts any command on {@code wallet.transfer-commands} with this key and
     * {@code event_type} header: for tests of what ledger-worker refuses.
     */
    public void publishWalletCommand(String key, String type, byte[] body) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.TRANSFER_COMMANDS.name(), key, body);
        record.headers().add(WalletCommand.HEADER, type.getBytes(StandardCharsets.US_ASCII));
        send(record);
    }

    /** Any bytes onto any topic: for poison-message tests. */
    public void publishRaw(String topic, String key, byte[] body) {
        send(topic, key, body);
    }

    /** Records in order, by one producer, each acknowledged. */
    public void publishRaw(String topic, List<Map.Entry<String, byte[]>> records) {
        send(records.stream().map(r -> new ProducerRecord<>(topic, r.getKey(), r.getValue())).toList());
    }

    /**
     * The bodies of the committed records whose key starts with {@code keyPrefix}, found
     * on the partition Kafka's default partitioner gives {@code partitionKey}, in order.
     */
    public List<byte[]> recordsOnPartitionOf(String topic, String partitionKey, String keyPrefix, Duration readFor) {
        return onPartitionOf(topic, partitionKey, keyPrefix, readFor).stream().map(ConsumerRecord::value).toList();
    }

    /** Their keys, in the same order. */
    public List<String> keysOnPartitionOf(String topic, String partitionKey, String keyPrefix, Duration readFor) {
        return onPartitionOf(topic, partitionKey, keyPrefix, readFor).stream().map(ConsumerRecord::key).toList();
    }

    /** The committed records themselves, headers and all, found the same way. */
    public List<ConsumerRecord<String, byte[]>> onPartitionOf(String topic, String partitionKey, String keyPrefix,
            Duration readFor) {
        int partition = Topic.partitionOf(partitionKey, stack.partitions());
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(asAdmin(ConsumerConfig.GROUP_ID_CONFIG,
                "probe-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, partition)));
            long deadline = System.nanoTime() + readFor.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() != null && record.key().startsWith(keyPrefix)) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    /** The bodies of every committed record on a topic with this key. */
    public List<byte[]> recordsOn(String topic, String key, Duration readFor) {
        List<byte[]> bodies = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(asAdmin(ConsumerConfig.GROUP_ID_CONFIG,
                "probe-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + readFor.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        bodies.add(record.value());
                    }
                }
            }
        }
        return bodies;
    }

    /**
     * A Paystack event as webhook-ingest publishes it: with Paystack's signature over the
     * body.
     */
    public void publish(String key, byte[] body) {
        publish(key, body, Map.of(Proof.PAYSTACK_SIGNATURE, PaystackSigner.sign(body, LocalStack.PAYSTACK_SECRET_KEY)));
    }

    /**
     * A record on {@code paystack.events} with exactly these headers: for forged and
     * unproven records.
     */
    public void publish(String key, byte[] body, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.PAYSTACK_EVENTS.name(), key, body);
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.US_ASCII)));
        send(record);
    }

    private void send(String topic, String key, byte[] body) {
        send(new ProducerRecord<>(topic, key, body));
    }

    /**
     * Sends and waits for the broker's acknowledgement; throws if it does not come within
     * seconds.
     */
    private void send(ProducerRecord<String, byte[]> record) {
        send(List.of(record));
    }

    private void send(List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(asAdmin(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000), new StringSerializer(),
                new ByteArraySerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<String, byte[]> record : records) {
                sent.add(producer.send(record));
            }
            for (Future<?> each : sent) {
                each.get(30, TimeUnit.SECONDS);
            }
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not take the record", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The partition a record with this key lands on, and the offset the next such record
     * will take.
     */
    public long[] nextPosition(String topic, String key) throws Exception {
        int partition = Topic.partitionOf(key, stack.partitions());
        try (Admin admin = Admin.create(asAdmin())) {
            TopicPartition tp = new TopicPartition(topic, partition);
            long offset = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
            return new long[] { partition, offset };
        }
    }

    /**
     * Every committed ledger event for the wallet, read as a downstream consumer would
     * (read_committed).
     */
    public List<LedgerEvent> committedEvents(UUID wallet, Duration readFor) {
        return committedEvents(Set.of(wallet), readFor).getOrDefault(wallet, List.of());
    }

    /**
     * Every committed ledger event of these wallets, per wallet in the order a
     * read_committed consumer reads them.
     */
    public Map<UUID, List<LedgerEvent>> committedEvents(Set<UUID> wallets, Duration readFor) {
        Map<UUID, List<LedgerEvent>> events = new HashMap<>();
        Set<String> keys = new HashSet<>();
        wallets.forEach(wallet -> keys.add(wallet.toString()));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(asAdmin(ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topic.LEDGER_EVENTS.name()));
            long deadline = System.nanoTime() + readFor.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (keys.contains(record.key())) {
                        events.computeIfAbsent(UUID.fromString(record.key()), wallet -> new ArrayList<>())
                            .add(LedgerEvent.fromJson(record.value()));
                    }
                }
            }
        }
        return events;
    }

}
