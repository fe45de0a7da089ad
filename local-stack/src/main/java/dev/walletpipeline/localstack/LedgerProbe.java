package dev.walletpipeline.localstack;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.contracts.WithdrawalRequested;
import dev.walletpipeline.contracts.proof.Proof;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import java.util.concurrent.ThreadLocalRandom;
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
import org.jspecify.annotations.Nullable;

/**
 * For tests: data straight into the real database (as the schema owner), records straight
 * onto the real topics, and the reads a test checks money with, including the ledger's
 * invariants.
 */
public final class LedgerProbe {

    private static final String CLEARING = "00000000-0000-0000-0000-00000000c1ea";

    private final LocalStack stack;

    public LedgerProbe(LocalStack stack) {
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

    /** A user with a wallet; returns the wallet id. */
    public UUID newWallet() throws SQLException {
        UUID user = UUID.randomUUID();
        UUID wallet = UUID.randomUUID();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            update(db, "insert into users (id, email, name) values (?, ?, 'Test')", user, user + "@example.com");
            update(db, "insert into wallets (id, user_id, number) values (?, ?, ?)", wallet, user, walletNumber());
        }
        return wallet;
    }

    public String newPendingDeposit(UUID wallet, long amount) throws SQLException {
        String reference = "WLT-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            update(db, "insert into deposits (reference, wallet_id, amount) values (?, ?, ?)", reference, wallet,
                    amount);
        }
        return reference;
    }

    /**
     * Credits a wallet as a settled deposit would, straight in the database and with
     * balanced entries, for tests of a service that does not run ledger-worker itself.
     */
    public void fund(UUID wallet, long amount) throws SQLException {
        String reference = newPendingDeposit(wallet, amount);
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            db.setAutoCommit(false);
            execute(db, "select 1 from wallets where id in (?, '" + CLEARING + "') order by id for no key update",
                    wallet);
            execute(db, """
                    with w as (update wallets set balance = balance + ?, last_sequence = last_sequence + 1
                               where id = ? returning balance, last_sequence),
                         c as (update wallets set balance = balance - ?, last_sequence = last_sequence + 1
                               where id = '%1$s' returning balance, last_sequence)
                    insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                        deposit_reference, event_id)
                    select 'deposit:' || ?, ?::uuid, ?, w.balance, w.last_sequence, 'deposit', ?, gen_random_uuid()
                    from w
                    union all
                    select 'deposit:' || ?, '%1$s'::uuid, -?, c.balance, c.last_sequence, 'deposit_clearing', ?,
                        gen_random_uuid()
                    from c""".formatted(CLEARING), amount, wallet, amount, reference, wallet, amount, reference,
                    reference, amount, reference);
            execute(db, "update deposits set status = 'success', settled_at = now() where reference = ?", reference);
            db.commit();
        }
    }

    /** The wallet of a user. */
    public UUID walletOfUser(UUID user) throws SQLException {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            return UUID.fromString(queryString(db, "select id::text from wallets where user_id = ?", user));
        }
    }

    /**
     * A new wallet whose commands are on the same partition of
     * {@code wallet.transfer-commands} as {@code wallet}'s ({@code same}), or on another.
     */
    public UUID newWalletWhosePartition(UUID wallet, boolean same) throws SQLException {
        int theirs = Topic.partitionOf(wallet.toString(), stack.partitions());
        while (true) {
            UUID other = newWallet();
            if ((Topic.partitionOf(other.toString(), stack.partitions()) == theirs) == same) {
                return other;
            }
        }
    }

    /** A pending transfer row, as api-service would record it; returns its id. */
    public UUID newPendingTransfer(UUID from, UUID to, long amount) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            update(db, "insert into transfers (id, from_wallet_id, to_wallet_id, amount) values (?, ?, ?, ?)", id, from,
                    to, amount);
        }
        return id;
    }

    /**
     * A bulk transfer as api-service would record it: the batch and one pending transfer
     * row per recipient, in order; returns the transfers' ids (the batch's is
     * {@link #batchOf}).
     */
    public List<UUID> newPendingBatch(UUID from, boolean atomic, List<UUID> to, List<Long> amounts)
            throws SQLException {
        UUID batch = UUID.randomUUID();
        List<UUID> ids = new ArrayList<>();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            update(db, "insert into transfer_batches (id, from_wallet_id, atomic, item_count) values (?, ?, ?, ?)",
                    batch, from, atomic, to.size());
            for (int i = 0; i < to.size(); i++) {
                UUID id = UUID.randomUUID();
                update(db, """
                        insert into transfers (id, from_wallet_id, to_wallet_id, amount, batch_id, batch_item)
                        values (?, ?, ?, ?, ?, ?)""", id, from, to.get(i), amounts.get(i), batch, (short) i);
                ids.add(id);
            }
        }
        return ids;
    }

    /** The bulk transfer a transfer is an item of. */
    public UUID batchOf(UUID transfer) throws SQLException {
        return UUID.fromString(queryAsOwner("select batch_id::text from transfers where id = ?", transfer));
    }

    /**
     * A pending withdrawal row to a saved bank account, as api-service would record it,
     * and its command on {@code wallet.transfer-commands} as the outbox relay would send
     * it; returns its id (also its Paystack reference).
     */
    public UUID newWithdrawal(UUID wallet, long amount) throws SQLException {
        UUID account = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            update(db, """
                    insert into withdrawal_accounts (id, user_id, account_number, bank_code, bank_name, account_name,
                        recipient_code)
                    select ?, user_id, '0123456789', '058', 'Guaranty Trust Bank', 'ADA OBI', 'RCP_test'
                    from wallets where id = ?""", account, wallet);
            update(db, """
                    insert into withdrawals (id, wallet_id, account_id, recipient_code, amount, reference)
                    values (?, ?, ?, 'RCP_test', ?, ?)""", id, wallet, account, amount, id.toString());
        }
        publishWalletCommand(wallet.toString(), WithdrawalRequested.TYPE,
                new WithdrawalRequested(WithdrawalRequested.VERSION, id, wallet, amount, "NGN", Instant.now()).toJson()
                    .getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /**
     * Paystack's {@code transfer.success}, {@code transfer.failed} or
     * {@code transfer.reversed} about a withdrawal.
     */
    public static byte[] transferEvent(String event, UUID withdrawal, long amount) {
        String status = event.substring("transfer.".length());
        return ("""
                {"event":"%s","data":{"amount":%d,"currency":"NGN","domain":"test","failures":null,"id":37272792,\
                "reason":"Wallet withdrawal","reference":"%s","source":"balance","status":"%s",\
                "transfer_code":"TRF_test","recipient":{"recipient_code":"RCP_test"}}}""".formatted(event, amount,
                withdrawal, status))
            .getBytes(StandardCharsets.UTF_8);
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
        send(commands.stream().map(LedgerProbe::transferCommand).toList());
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

    /**
     * The money on its way between wallets: debited from senders, not yet credited to
     * recipients (the in-transit accounts of all partitions together).
     */
    public long moneyInTransit() throws SQLException {
        return Long.parseLong(queryAsOwner(
                "select coalesce(sum(balance), 0)::text from wallets where kind = 'transfers_in_transit'"));
    }

    public String transferStatus(UUID transferId) throws SQLException {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            return queryString(db, "select status from transfers where id = ?", transferId);
        }
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

    private List<ConsumerRecord<String, byte[]>> onPartitionOf(String topic, String partitionKey, String keyPrefix,
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

    public static byte[] chargeSuccess(String reference, long amount, String currency) {
        return ("""
                {"event":"charge.success","data":{"id":%d,"domain":"test","status":"success","reference":"%s",\
                "amount":%d,"currency":"%s","paid_at":"2026-11-25T09:15:02.000Z","channel":"card","metadata":0,\
                "customer":{"id":1,"email":"ada@example.com"},"authorization":{"authorization_code":"AUTH_x"}}}"""
            .formatted(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), reference, amount, currency))
            .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Paystack's {@code refund.processed} for (part of) a payment: the amount is a
     * string, as Paystack sends it.
     */
    public static byte[] refundProcessed(String reference, long refundId, long amount) {
        return ("""
                {"event":"refund.processed","data":{"status":"processed","transaction_reference":"%s",\
                "refund_reference":null,"amount":"%d","currency":"NGN","processor":"mpgs_zen",\
                "customer":{"email":"ada@example.com"},"integration":100032,"domain":"test","id":%d}}"""
            .formatted(reference, amount, refundId)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Paystack's {@code charge.dispute.create} ({@code resolution} null) or
     * {@code charge.dispute.resolve} about a payment.
     */
    public static byte[] dispute(String reference, long disputeId, long amount, @Nullable String resolution) {
        return ("""
                {"event":"charge.dispute.%s","data":{"id":%d,"refund_amount":%d,"currency":"NGN","status":"%s",\
                "resolution":%s,"domain":"test","category":"chargeback","transaction":{"id":4099260516,\
                "reference":"%s","amount":%d,"currency":"NGN","status":"success"},"customer":{"email":"ada@example.com"}}}"""
            .formatted(resolution == null ? "create" : "resolve", disputeId, amount,
                    resolution == null ? "awaiting-merchant-feedback" : "resolved",
                    resolution == null ? "null" : "\"" + resolution + "\"", reference, amount))
            .getBytes(StandardCharsets.UTF_8);
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
     * Runs a statement as the schema owner: for tests that change the database under the
     * services.
     */
    public void executeAsOwner(String sql, Object... params) throws SQLException {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            execute(db, sql, params);
        }
    }

    /** The first column of the first row, as text, read as the schema owner. */
    public String queryAsOwner(String sql, Object... params) throws SQLException {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            return queryString(db, sql, params);
        }
    }

    public String depositStatus(String reference) throws SQLException {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            return queryString(db, "select status from deposits where reference = ?", reference);
        }
    }

    public long balance(UUID wallet) throws SQLException {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            return Long.parseLong(queryString(db, "select balance::text from wallets where id = ?", wallet));
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

    /**
     * The money invariants every money test ends with; empty when they all hold: each
     * posting sums to zero, no customer balance is negative but by a refund or
     * chargeback, every balance equals the sum of its entries, and all balances together
     * (the clearing account included) sum to zero.
     */
    public List<String> ledgerInvariantViolations() throws SQLException {
        List<String> violations = new ArrayList<>();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            check(db, violations, "postings that do not sum to zero", """
                    select count(*)::text from (select posting_id from ledger_entries
                    group by posting_id having sum(amount) <> 0) unbalanced""");
            check(db, violations, "customer wallets below zero without a refund or chargeback", """
                    select count(*)::text from wallets w where w.kind = 'customer' and w.balance < 0
                    and not exists (select 1 from ledger_entries e
                                    where e.wallet_id = w.id and e.entry_type in ('refund', 'chargeback_hold'))""");
            check(db, violations, "wallets whose balance is not the sum of their entries",
                    """
                            select count(*)::text from wallets w
                            where w.balance <> coalesce((select sum(amount) from ledger_entries e where e.wallet_id = w.id), 0)""");
            String total = queryString(db, "select coalesce(sum(balance), 0)::text from wallets");
            if (!total.equals("0")) {
                violations.add("all balances sum to " + total + ", not 0");
            }
        }
        return violations;
    }

    private static void check(Connection db, List<String> violations, String what, String countSql)
            throws SQLException {
        String count = queryString(db, countSql);
        if (!count.equals("0")) {
            violations.add(count + " " + what);
        }
    }

    private static String walletNumber() {
        return String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000_000_000L, 9_999_999_999_999L));
    }

    private static void update(Connection db, String sql, Object... params) throws SQLException {
        execute(db, sql, params);
    }

    private static void execute(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        }
    }

    private static String queryString(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for " + sql);
                }
                return rs.getString(1);
            }
        }
    }

}
