package dev.walletpipeline.localstack;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.WithdrawalRequested;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * For tests: data straight into the real database (as the schema owner), and the reads a
 * test checks money with, including the ledger's invariants. Records onto the topics are
 * {@link TopicProbe}'s; Paystack's bodies, {@link PaystackBodies}'.
 */
public final class LedgerProbe {

    private static final String CLEARING = "00000000-0000-0000-0000-00000000c1ea";

    private final LocalStack stack;

    public LedgerProbe(LocalStack stack) {
        this.stack = stack;
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
        new TopicProbe(stack).publishWalletCommand(wallet.toString(), WithdrawalRequested.TYPE,
                new WithdrawalRequested(WithdrawalRequested.VERSION, id, wallet, amount, "NGN", Instant.now()).toJson()
                    .getBytes(StandardCharsets.UTF_8));
        return id;
    }

    /**
     * A withdrawal ledger-worker debited and api-service sent to Paystack {@code sentAgo}
     * (an interval, such as {@code 1 hour}), to its own saved account: one waiting for
     * Paystack's word. Returns its id.
     */
    public UUID newProcessingWithdrawal(UUID wallet, String sentAgo) throws SQLException {
        UUID account = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        executeAsOwner("""
                insert into withdrawal_accounts (id, user_id, account_number, bank_code, bank_name, account_name,
                    recipient_code)
                select ?, user_id, lpad((random() * 1e10)::bigint::text, 10, '0'), '058', 'Guaranty Trust Bank',
                    'ADA OBI', 'RCP_test'
                from wallets where id = ?""", account, wallet);
        executeAsOwner("""
                insert into withdrawals (id, wallet_id, account_id, recipient_code, amount, reference, status,
                    debited_at, sent_at, transfer_code)
                values (?, ?, ?, 'RCP_test', 10000, ?, 'processing', now(), now() - ?::interval, 'TRF_test')""", id,
                wallet, account, id.toString(), sentAgo);
        return id;
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
