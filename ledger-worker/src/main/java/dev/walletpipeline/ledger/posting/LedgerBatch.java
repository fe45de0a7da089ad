package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.OrderedIds;
import dev.walletpipeline.contracts.states.AccountKind;
import dev.walletpipeline.contracts.states.EntryType;
import dev.walletpipeline.contracts.states.WalletStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The accounts one database transaction touches, locked once, changed in memory entry by
 * entry, and written back with one statement per table: per-row statements in a loop are
 * several times slower.
 *
 * <p>
 * Every account a batch writes belongs to its consumer: the customer wallets its records
 * are keyed by, and the system accounts of its partitions ({@link #clearing},
 * {@link #inTransit}). So the locks are normally free; when another transaction holds one
 * anyway (a worker that lost its partition and has not noticed yet), the time waited is
 * measured.
 */
public final class LedgerBatch {

    /** The system accounts of each partition made by migration V8: 0 to 255. */
    static final int SYSTEM_ACCOUNT_PARTITIONS = 256;

    private final JdbcClient jdbc;

    private final Instant now;

    private final Map<UUID, Account> accounts = new HashMap<>();

    private final List<Entry> entries = new ArrayList<>();

    LedgerBatch(JdbcClient jdbc, Instant now) {
        this.jdbc = jdbc;
        this.now = now;
    }

    public Instant now() {
        return now;
    }

    /**
     * The Paystack clearing account of a partition of {@code wallet.transfer-commands}:
     * the other side of the deposits that partition's owner posts.
     */
    static UUID clearing(int partition) {
        return systemAccount(1, partition);
    }

    /**
     * The in-transit account of a partition: the other side of the transfer legs that
     * partition's owner posts (debits in, credits out).
     */
    static UUID inTransit(int partition) {
        return systemAccount(2, partition);
    }

    /**
     * The disputes-held account of a partition: what its wallets' open disputes took out
     * of them until they are resolved.
     */
    static UUID disputesHeld(int partition) {
        return systemAccount(3, partition);
    }

    /**
     * The payouts-in-flight account of a partition: withdrawals its wallets made that
     * Paystack has not yet paid out or returned.
     */
    static UUID payoutsInFlight(int partition) {
        return systemAccount(4, partition);
    }

    private static UUID systemAccount(int kind, int partition) {
        if (partition < 0 || partition >= SYSTEM_ACCOUNT_PARTITIONS) {
            throw new IllegalStateException("partition " + partition
                    + " has no system accounts: migrations V8 to V10 made" + " them for partitions 0 to "
                    + (SYSTEM_ACCOUNT_PARTITIONS - 1) + "; add more with a migration");
        }
        return UUID.fromString("00000000-0000-0000-%04x-%012x".formatted(kind, partition));
    }

    /**
     * Locks the accounts (and takes their balances), once per batch, and answers how long
     * it waited for another transaction's locks: first every account that is free, in one
     * statement that skips locked rows, then, only if some were held, the rest, waiting.
     * FOR NO KEY UPDATE, not FOR UPDATE: api-service inserting a transfer takes KEY SHARE
     * locks on both wallets through the foreign keys, and FOR UPDATE would wait for it.
     */
    long lock(Collection<UUID> walletIds) {
        if (!accounts.isEmpty()) {
            throw new IllegalStateException("a batch locks its wallets once, all together");
        }
        TreeSet<UUID> wanted = new TreeSet<>(walletIds);
        lockAccounts(wanted, "skip locked");
        wanted.removeAll(accounts.keySet());
        if (wanted.isEmpty()) {
            return 0;
        }
        long start = System.nanoTime();
        int found = lockAccounts(wanted, "");
        // 0 found: the ids name no wallet
        return found == 0 ? 0 : System.nanoTime() - start;
    }

    private int lockAccounts(TreeSet<UUID> ids, String skipLocked) {
        List<Account> locked = jdbc.sql("""
                select id, number, currency, balance, last_sequence, last_posted_at, kind, status
                from wallets where id = any(?::uuid[]) order by id for no key update\s""" + skipLocked)
            .param(ids.stream().map(UUID::toString).toArray(String[]::new))
            .query((rs, n) -> new Account(rs.getObject("id", UUID.class), rs.getString("number"),
                    rs.getString("currency"), rs.getLong("balance"), rs.getLong("last_sequence"),
                    Optional.ofNullable(rs.getObject("last_posted_at", OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant)
                        .orElse(null),
                    AccountKind.of(rs.getString("kind")), WalletStatus.of(rs.getString("status"))))
            .list();
        locked.forEach(account -> accounts.put(account.id, account));
        return locked.size();
    }

    public @Nullable Account account(UUID walletId) {
        return accounts.get(walletId);
    }

    /**
     * Posts a deposit: the wallet is credited and the Paystack clearing account debited,
     * in one posting whose entries sum to zero.
     */
    public LedgerEvent creditDeposit(Account wallet, int partition, String reference, long amount) {
        Account clearing = required(clearing(partition));
        String posting = "deposit:" + reference;
        Entry credit = wallet.apply(posting, amount, EntryType.DEPOSIT, reference, null, null);
        clearing.apply(posting, -amount, EntryType.DEPOSIT_CLEARING, reference, null, wallet.id);
        return event(credit, LedgerEvent.Type.DepositCredited, wallet, amount, reference, null, null);
    }

    /**
     * Posts a transfer whose two wallets belong to one partition, so to one writer: the
     * sender debited and the recipient credited in one posting, with no step through
     * transit. Answers the sender's event, then the recipient's.
     */
    public List<LedgerEvent> transfer(Account from, Account to, UUID transferId, long amount) {
        String posting = "transfer:" + transferId;
        Entry debit = from.apply(posting, -amount, EntryType.TRANSFER_OUT, null, transferId, to.id);
        Entry credit = to.apply(posting, amount, EntryType.TRANSFER_IN, null, transferId, from.id);
        return List.of(event(debit, LedgerEvent.Type.TransferCompleted, from, amount, null, transferId, null),
                event(credit, LedgerEvent.Type.TransferCompleted, to, amount, null, transferId, null));
    }

    /**
     * Posts a transfer's debit leg: the sender debited into the in-transit account of its
     * partition. The caller has checked the sender's balance; the database would refuse
     * an overdraft anyway. The sender's side is final here: money in transit only ever
     * reaches the recipient.
     */
    public LedgerEvent debitIntoTransit(Account from, int partition, UUID transferId, long amount, UUID to) {
        String posting = "transfer:" + transferId + ":debit";
        Entry debit = from.apply(posting, -amount, EntryType.TRANSFER_OUT, null, transferId, to);
        required(inTransit(partition)).apply(posting, amount, EntryType.IN_TRANSIT, null, transferId, from.id);
        return event(debit, LedgerEvent.Type.TransferCompleted, from, amount, null, transferId, null);
    }

    /**
     * Posts a transfer's credit leg: the recipient credited out of the in-transit account
     * of its partition.
     */
    public LedgerEvent creditFromTransit(Account to, int partition, UUID transferId, long amount, UUID from) {
        String posting = "transfer:" + transferId + ":credit";
        required(inTransit(partition)).apply(posting, -amount, EntryType.IN_TRANSIT, null, transferId, to.id);
        Entry credit = to.apply(posting, amount, EntryType.TRANSFER_IN, null, transferId, from);
        return event(credit, LedgerEvent.Type.TransferCompleted, to, amount, null, transferId, null);
    }

    /**
     * Posts a refund of (part of) a deposit: the wallet debited, its partition's Paystack
     * clearing account credited. The wallet may go below zero: the money was already
     * spent.
     */
    public LedgerEvent refund(Account wallet, int partition, String reference, String refundId, long amount) {
        String posting = "refund:" + reference + ":" + refundId;
        Entry debit = wallet.apply(posting, -amount, EntryType.REFUND, reference, null, null);
        required(clearing(partition)).apply(posting, amount, EntryType.REFUND_CLEARING, reference, null, wallet.id);
        return event(debit, LedgerEvent.Type.DepositRefunded, wallet, amount, reference, null, "refund " + refundId);
    }

    /**
     * Holds a disputed amount: the wallet debited into its partition's disputes-held
     * account. The wallet may go below zero: the money was already spent.
     */
    public LedgerEvent holdDispute(Account wallet, int partition, String reference, String disputeId, long amount) {
        String posting = "dispute:" + disputeId + ":hold";
        Entry debit = wallet.apply(posting, -amount, EntryType.CHARGEBACK_HOLD, reference, null, null);
        required(disputesHeld(partition)).apply(posting, amount, EntryType.DISPUTE_HELD, reference, null, wallet.id);
        return event(debit, LedgerEvent.Type.ChargebackHeld, wallet, amount, reference, null, "dispute " + disputeId);
    }

    /** A dispute resolved for us: the held amount back to the wallet. */
    public LedgerEvent releaseDispute(Account wallet, int partition, String reference, String disputeId, long amount) {
        String posting = "dispute:" + disputeId + ":release";
        required(disputesHeld(partition)).apply(posting, -amount, EntryType.DISPUTE_HELD, reference, null, wallet.id);
        Entry credit = wallet.apply(posting, amount, EntryType.CHARGEBACK_RELEASED, reference, null, null);
        return event(credit, LedgerEvent.Type.ChargebackReleased, wallet, amount, reference, null,
                "dispute " + disputeId);
    }

    /**
     * A dispute the customer won: the held amount leaves for Paystack clearing. The
     * wallet's balance does not change (the money left it when held); its event says so.
     */
    public LedgerEvent chargeBack(Account wallet, int partition, String reference, String disputeId, long amount) {
        String posting = "dispute:" + disputeId + ":chargeback";
        required(disputesHeld(partition)).apply(posting, -amount, EntryType.DISPUTE_HELD, reference, null, wallet.id);
        required(clearing(partition)).apply(posting, amount, EntryType.CHARGEBACK_CLEARING, reference, null, wallet.id);
        return noteWithoutMovement(wallet, LedgerEvent.Type.ChargebackDebited, amount, reference, null,
                "dispute " + disputeId);
    }

    /**
     * A withdrawal's hold: the wallet debited into its partition's payouts-in-flight
     * account, until Paystack pays it out or returns it.
     */
    public LedgerEvent debitIntoPayouts(Account wallet, int partition, UUID withdrawalId, long amount) {
        String posting = "withdrawal:" + withdrawalId + ":debit";
        Entry debit = wallet.apply(posting, -amount, EntryType.WITHDRAWAL, null, null, withdrawalId, null);
        required(payoutsInFlight(partition)).apply(posting, amount, EntryType.PAYOUT_IN_FLIGHT, null, null,
                withdrawalId, wallet.id);
        return event(debit, LedgerEvent.Type.WithdrawalRequested, wallet, amount, withdrawalId.toString(), null, null);
    }

    /**
     * Paystack paid a withdrawal out: the money leaves payouts in flight for Paystack
     * clearing. The wallet's balance does not change (it left at the debit).
     */
    public LedgerEvent payOut(Account wallet, int partition, UUID withdrawalId, long amount) {
        String posting = "withdrawal:" + withdrawalId + ":paid";
        required(payoutsInFlight(partition)).apply(posting, -amount, EntryType.PAYOUT_IN_FLIGHT, null, null,
                withdrawalId, wallet.id);
        required(clearing(partition)).apply(posting, amount, EntryType.PAYOUT_CLEARING, null, null, withdrawalId,
                wallet.id);
        return noteWithoutMovement(wallet, LedgerEvent.Type.WithdrawalCompleted, amount, withdrawalId.toString(), null,
                null);
    }

    /**
     * A withdrawal Paystack failed or reversed: the amount back in the wallet, from
     * payouts in flight, or from Paystack clearing when it had been paid out before.
     */
    public LedgerEvent returnPayout(Account wallet, int partition, UUID withdrawalId, long amount,
            boolean paidOutBefore, String reason) {
        String posting = "withdrawal:" + withdrawalId + ":returned";
        if (paidOutBefore) {
            required(clearing(partition)).apply(posting, -amount, EntryType.PAYOUT_CLEARING, null, null, withdrawalId,
                    wallet.id);
        }
        else {
            required(payoutsInFlight(partition)).apply(posting, -amount, EntryType.PAYOUT_IN_FLIGHT, null, null,
                    withdrawalId, wallet.id);
        }
        Entry credit = wallet.apply(posting, amount, EntryType.WITHDRAWAL_RETURNED, null, null, withdrawalId, null);
        return event(credit, LedgerEvent.Type.WithdrawalReturned, wallet, amount, withdrawalId.toString(), null,
                reason);
    }

    /**
     * An event about a wallet that moves no money: it takes the next sequence number, and
     * no entry.
     */
    public LedgerEvent noteWithoutMovement(Account wallet, LedgerEvent.Type type, long amount,
            @Nullable String reference, @Nullable UUID transferId, String reason) {
        wallet.lastSequence++;
        wallet.changed = true;
        return new LedgerEvent(OrderedIds.next().toString(), type, LedgerEvent.VERSION, now, wallet.id, wallet.number,
                amount, wallet.currency, wallet.balance, wallet.lastSequence, reference, transferId, reason);
    }

    private LedgerEvent event(Entry entry, LedgerEvent.Type type, Account wallet, long amount,
            @Nullable String reference, @Nullable UUID transferId, @Nullable String reason) {
        return new LedgerEvent(entry.eventId.toString(), type, LedgerEvent.VERSION, entry.postedAt, wallet.id,
                wallet.number, amount, wallet.currency, entry.balanceAfter, entry.sequence, reference, transferId,
                reason);
    }

    private Account required(UUID walletId) {
        Account account = accounts.get(walletId);
        if (account == null) {
            throw new IllegalStateException("account " + walletId + " was not locked by this batch (or is missing)");
        }
        return account;
    }

    /**
     * Adds the entries and the new balances to the batch's write. The database checks
     * that every posting sums to zero (the trigger {@code ledger_entries_balanced}), and
     * so does this, where assertions are on (the tests): a posting that does not is a
     * defect here, found before the database refuses the whole batch.
     */
    void writeInto(BatchWrite write) {
        assert everyPostingSumsToZero(entries) : "a posting's entries do not sum to zero: " + entries;
        if (!entries.isEmpty()) {
            int n = entries.size();
            String[] posting = new String[n];
            String[] wallet = new String[n];
            long[] amount = new long[n];
            long[] balanceAfter = new long[n];
            long[] sequence = new long[n];
            String[] type = new String[n];
            String[] reference = new String[n];
            String[] transfer = new String[n];
            String[] withdrawal = new String[n];
            String[] counterparty = new String[n];
            String[] eventId = new String[n];
            String[] postedAt = new String[n];
            for (int i = 0; i < n; i++) {
                Entry e = entries.get(i);
                posting[i] = e.postingId;
                wallet[i] = e.walletId.toString();
                amount[i] = e.amount;
                balanceAfter[i] = e.balanceAfter;
                sequence[i] = e.sequence;
                type[i] = e.type.wire();
                reference[i] = e.depositReference;
                transfer[i] = e.transferId == null ? null : e.transferId.toString();
                withdrawal[i] = e.withdrawalId == null ? null : e.withdrawalId.toString();
                counterparty[i] = e.counterparty == null ? null : e.counterparty.toString();
                eventId[i] = e.eventId.toString();
                postedAt[i] = e.postedAt.toString();
            }
            write.add("""
                    insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                        deposit_reference, transfer_id, withdrawal_id, counterparty_wallet_id, event_id, created_at)
                    select p, w::uuid, a, b, s, t, r, tr::uuid, wd::uuid, c::uuid, e::uuid, at::timestamptz
                    from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[],
                                ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                        as x(p, w, a, b, s, t, r, tr, wd, c, e, at)""", posting, wallet, amount, balanceAfter, sequence,
                    type, reference, transfer, withdrawal, counterparty, eventId, postedAt);
            entries.clear();
        }
        List<Account> changed = accounts.values().stream().filter(a -> a.changed).toList();
        if (!changed.isEmpty()) {
            // "w.id = any(...)" says nothing new, but lets the cached plan find the rows
            // by
            // key; joined with the array alone, it read every wallet while there were
            // only
            // a few thousand.
            String[] ids = changed.stream().map(a -> a.id.toString()).toArray(String[]::new);
            write.add("""
                    update wallets w set balance = v.balance, last_sequence = v.seq,
                        last_posted_at = coalesce(v.posted::timestamptz, w.last_posted_at)
                    from unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::text[]) as v(id, balance, seq, posted)
                    where w.id = v.id and w.id = any(?::uuid[])""", ids,
                    changed.stream().mapToLong(a -> a.balance).toArray(),
                    changed.stream().mapToLong(a -> a.lastSequence).toArray(),
                    changed.stream()
                        .map(a -> a.lastPostedAt == null ? null : a.lastPostedAt.toString())
                        .toArray(String[]::new),
                    ids);
            changed.forEach(a -> a.changed = false);
        }
    }

    /** A locked wallet as this batch sees it. */
    public final class Account {

        final UUID id;

        final String number;

        final String currency;

        final AccountKind kind;

        public final WalletStatus status;

        long balance;

        long lastSequence;

        /**
         * When its last entry was posted: a later entry is never posted earlier, whatever
         * the clock of the worker that posted the one before said, so that a wallet's
         * entries in time order are its entries in sequence order (balances as of a
         * moment and statements rest on that).
         */
        @Nullable Instant lastPostedAt;

        boolean changed;

        Account(UUID id, String number, String currency, long balance, long lastSequence,
                @Nullable Instant lastPostedAt, AccountKind kind, WalletStatus status) {
            this.id = id;
            this.number = number;
            this.currency = currency;
            this.balance = balance;
            this.lastSequence = lastSequence;
            this.lastPostedAt = lastPostedAt;
            this.kind = kind;
            this.status = status;
        }

        public long balance() {
            return balance;
        }

        public String currency() {
            return currency;
        }

        private Entry apply(String postingId, long amount, EntryType type, @Nullable String depositReference,
                @Nullable UUID transferId, @Nullable UUID counterparty) {
            return apply(postingId, amount, type, depositReference, transferId, null, counterparty);
        }

        private Entry apply(String postingId, long amount, EntryType type, @Nullable String depositReference,
                @Nullable UUID transferId, @Nullable UUID withdrawalId, @Nullable UUID counterparty) {
            long after = Math.addExact(balance, amount);
            if (after < 0 && amount < 0 && kind == AccountKind.CUSTOMER && !type.mayFollowSpentMoney()) {
                throw new IllegalStateException("posting " + postingId + " would overdraw wallet " + id);
            }
            balance = after;
            lastSequence++;
            changed = true;
            if (lastPostedAt == null || lastPostedAt.isBefore(now)) {
                lastPostedAt = now;
            }
            Entry entry = new Entry(postingId, id, amount, after, lastSequence, type, depositReference, transferId,
                    withdrawalId, counterparty, OrderedIds.next(), lastPostedAt);
            entries.add(entry);
            return entry;
        }

    }

    private static boolean everyPostingSumsToZero(List<Entry> entries) {
        Map<String, Long> sums = new HashMap<>();
        entries.forEach(e -> sums.merge(e.postingId, e.amount, Long::sum));
        return sums.values().stream().allMatch(sum -> sum == 0);
    }

    private record Entry(String postingId, UUID walletId, long amount, long balanceAfter, long sequence, EntryType type,
            @Nullable String depositReference, @Nullable UUID transferId, @Nullable UUID withdrawalId,
            @Nullable UUID counterparty, UUID eventId, Instant postedAt) {
    }

}
