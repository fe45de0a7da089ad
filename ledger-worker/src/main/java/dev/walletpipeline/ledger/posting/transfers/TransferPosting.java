package dev.walletpipeline.ledger.posting.transfers;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.contracts.states.TransferStatus;
import dev.walletpipeline.contracts.states.WalletStatus;
import dev.walletpipeline.ledger.LedgerSettings;
import dev.walletpipeline.ledger.posting.BatchOutcome;
import dev.walletpipeline.ledger.posting.BatchWrite;
import dev.walletpipeline.ledger.posting.LedgerBatch;
import dev.walletpipeline.ledger.posting.LockedRows;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * A transfer posted by the one writer of the wallets it changes. When both wallets hash
 * to one partition, that partition's owner posts it whole, in one posting: the sender
 * debited, the recipient credited, both events in one Kafka transaction (one hop).
 * Otherwise it goes in two legs, each posted by the one writer of the wallet it changes.
 * The debit leg (a {@link WalletCommand#TRANSFER_REQUESTED} keyed by the sender) checks
 * the sender's funds and either rejects the transfer or debits the sender into the
 * in-transit account of its partition and sends the credit leg; the credit leg (a
 * {@link WalletCommand#TRANSFER_IN_TRANSIT} keyed by the recipient) credits the recipient
 * out of the in-transit account of its own partition and completes the transfer. The
 * transfer row says how far it got ({@code debited_at}, {@code status}), so either leg
 * delivered twice changes nothing the second time, and a credit leg for a transfer that
 * was never debited moves nothing.
 */
@Component
public class TransferPosting {

    private final JdbcClient jdbc;

    private final MeterRegistry meters;

    /**
     * From the API accepting a transfer to its outcome being posted: the money path's
     * latency.
     */
    private final Timer completion;

    private final KafkaTemplate<String, byte[]> kafka;

    private final boolean oneHop;

    TransferPosting(JdbcClient jdbc, MeterRegistry meters, KafkaTemplate<String, byte[]> kafka,
            LedgerSettings settings) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.kafka = kafka;
        this.oneHop = settings.transfersInOneHop();
        this.completion = Timer.builder("wallet.transfer.completion")
            .description("from the transfer's acceptance by the API to its outcome in the ledger")
            .publishPercentileHistogram()
            .register(meters);
    }

    /**
     * The transfer rows, locked for this transaction, with what the debit leg needs to
     * know of the recipient (read, not locked: it belongs to another writer): those
     * named, and every item of the batches named. An item of an atomic batch brings the
     * rest of its batch with it (a sweep may re-send one item alone), so that the batch
     * is always decided whole. The recipient is looked up per transfer (a lateral
     * subquery with a limit is never turned into a join): the cached plan, made for an
     * unknown number of ids, otherwise joined by reading every wallet while there were
     * only a few thousand.
     */
    public Map<UUID, Transfer> lock(Collection<UUID> ids, Collection<UUID> batchIds) {
        Map<UUID, Transfer> transfers = new HashMap<>();
        if (ids.isEmpty() && batchIds.isEmpty()) {
            return transfers;
        }
        // From the producer's metadata, as the api-service's producer partitions the
        // commands.
        int partitions = oneHop ? kafka.partitionsFor(Topic.TRANSFER_COMMANDS.name()).size() : 0;
        if (!ids.isEmpty()) {
            lockWhere("t.id = any(?::uuid[])", ids, partitions, transfers);
        }
        Set<UUID> batches = new HashSet<>(batchIds);
        for (Transfer t : List.copyOf(transfers.values())) {
            if (t.atomic && itemsOf(t.batchId, transfers).size() < t.batchSize) {
                batches.add(t.batchId);
            }
        }
        if (!batches.isEmpty()) {
            lockWhere("t.batch_id = any(?::uuid[])", batches, partitions, transfers);
        }
        return transfers;
    }

    private void lockWhere(String condition, Collection<UUID> ids, int partitions, Map<UUID, Transfer> into) {
        LockedRows.<UUID, Transfer>byKey(jdbc, """
                select t.id, t.from_wallet_id, t.to_wallet_id, t.amount, t.status, t.created_at,
                       t.debited_at is not null as debited, r.currency as to_currency, r.status as to_status,
                       t.batch_id, t.batch_item, coalesce(b.atomic, false) as atomic, b.item_count
                from transfers t
                left join transfer_batches b on b.id = t.batch_id
                cross join lateral (select w.currency, w.status from wallets w where w.id = t.to_wallet_id limit 1) r
                where\s""" + condition + " order by t.id for no key update of t", ids, (rs, n) -> {
            Transfer t = new Transfer(rs.getObject("id", UUID.class), rs.getObject("from_wallet_id", UUID.class),
                    rs.getObject("to_wallet_id", UUID.class), rs.getLong("amount"),
                    TransferStatus.of(rs.getString("status")),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getBoolean("debited"),
                    rs.getString("to_currency"), WalletStatus.of(rs.getString("to_status")));
            t.batchId = rs.getObject("batch_id", UUID.class);
            t.batchItem = rs.getInt("batch_item");
            t.atomic = rs.getBoolean("atomic");
            t.batchSize = rs.getInt("item_count");
            return t;
        }, t -> t.id).values().forEach(t -> {
            t.recipientPartition = oneHop ? Topic.partitionOf(t.to.toString(), partitions) : -1;
            into.putIfAbsent(t.id, t);
        });
    }

    /** The items of a batch among the rows locked, in the batch's order. */
    public static List<Transfer> itemsOf(UUID batchId, Map<UUID, Transfer> transfers) {
        return transfers.values()
            .stream()
            .filter(t -> batchId.equals(t.batchId))
            .sorted(Comparator.comparingInt(t -> t.batchItem))
            .toList();
    }

    /**
     * Whether the debit leg read from this partition posts the whole transfer: the
     * recipient hashes to the same partition, so this consumer is its one writer too.
     * Between two partitions the credit leg stays a record of its own even when one
     * consumer owns both: a consumer paused past its session time-out could otherwise
     * commit the recipient's entry in the database after the recipient's partition moved
     * on, and that entry's event would be sent again only when the sender's record is
     * read again, perhaps after the new owner had sent the recipient's later events.
     */
    public static boolean inOneHop(Transfer transfer, int partition) {
        return transfer.recipientPartition == partition;
    }

    /** The wallet a leg of this transfer writes, when it still has something to do. */
    public static @Nullable UUID walletToWrite(Transfer transfer, boolean creditLeg) {
        if (transfer.status != TransferStatus.PENDING) {
            return null;
        }
        if (creditLeg) {
            return transfer.debited ? transfer.to : null;
        }
        return transfer.debited ? null : transfer.from;
    }

    /**
     * The debit leg: rejects the transfer with a reason, or debits the sender into
     * transit and answers the credit leg to send. A transfer already debited answers its
     * credit leg again (a request re-sent by the outbox sweep): the credit leg is
     * idempotent. In one hop ({@link #inOneHop}) it posts the whole transfer and answers
     * no credit leg.
     */
    public BatchOutcome.@Nullable Command debit(Transfer transfer, int partition, LedgerBatch ledger,
            List<LedgerEvent> events) {
        if (transfer.status != TransferStatus.PENDING) {
            return null;
        }
        if (transfer.debited) {
            return creditLeg(transfer);
        }
        LedgerBatch.Account from = ledger.account(transfer.from);
        String refusal = refusal(transfer, from, 0);
        if (refusal != null) {
            reject(transfer, from, refusal, ledger, events);
            return null;
        }
        if (inOneHop(transfer, partition)) {
            LedgerBatch.Account to = ledger.account(transfer.to);
            if (to == null) {
                throw new IllegalStateException("transfer " + transfer.id + " names a missing recipient");
            }
            events.addAll(ledger.transfer(from, to, transfer.id, transfer.amount));
            transfer.debited = true;
            settleCompleted(transfer, ledger);
            return null;
        }
        events.add(ledger.debitIntoTransit(from, partition, transfer.id, transfer.amount, transfer.to));
        transfer.debited = true;
        transfer.changed = true;
        return creditLeg(transfer);
    }

    /**
     * An atomic batch's items still to decide, decided together: every one debited (each
     * as {@link #debit} would), or, when the sender cannot pay them all, every one
     * rejected with the reason the first it could not pay met. Items already debited
     * answer their credit legs again.
     */
    public List<BatchOutcome.Command> debitTogether(List<Transfer> items, int partition, LedgerBatch ledger,
            List<LedgerEvent> events) {
        List<Transfer> open = items.stream().filter(t -> t.status == TransferStatus.PENDING && !t.debited).toList();
        String refusal = null;
        long promised = 0;
        for (Transfer item : open) {
            refusal = refusal(item, ledger.account(item.from), promised);
            if (refusal != null) {
                break;
            }
            promised += item.amount;
        }
        List<BatchOutcome.Command> creditLegs = new ArrayList<>();
        for (Transfer item : items) {
            if (refusal != null && open.contains(item)) {
                reject(item, ledger.account(item.from), refusal, ledger, events);
                continue;
            }
            BatchOutcome.Command leg = debit(item, partition, ledger, events);
            if (leg != null) {
                creditLegs.add(leg);
            }
        }
        return creditLegs;
    }

    private void reject(Transfer transfer, LedgerBatch.@Nullable Account from, String refusal, LedgerBatch ledger,
            List<LedgerEvent> events) {
        if (from != null) {
            events.add(ledger.noteWithoutMovement(from, LedgerEvent.Type.TransferRejected, transfer.amount, null,
                    transfer.id, refusal));
        }
        transfer.settle(TransferStatus.REJECTED, refusal);
        meters.counter("wallet.transfers.rejected", "reason", refusal).increment();
        completion.record(Duration.between(transfer.createdAt, ledger.now()));
    }

    /** The credit leg: the recipient credited out of transit; the transfer completed. */
    public void credit(Transfer transfer, int partition, LedgerBatch ledger, List<LedgerEvent> events) {
        LedgerBatch.Account to = ledger.account(transfer.to);
        if (to == null) {
            throw new IllegalStateException("transfer " + transfer.id + " names a missing recipient");
        }
        events.add(ledger.creditFromTransit(to, partition, transfer.id, transfer.amount, transfer.from));
        settleCompleted(transfer, ledger);
    }

    private void settleCompleted(Transfer transfer, LedgerBatch ledger) {
        transfer.settle(TransferStatus.COMPLETED, null);
        meters.counter("wallet.transfers.applied").increment();
        completion.record(Duration.between(transfer.createdAt, ledger.now()));
    }

    public static BatchOutcome.Command creditLeg(UUID transferId, UUID from, UUID to, long amount, String currency,
            Instant requestedAt) {
        TransferRequested leg = new TransferRequested(TransferRequested.VERSION, transferId, from, to, amount, currency,
                requestedAt);
        return new BatchOutcome.Command(to.toString(), leg.toJson().getBytes(StandardCharsets.UTF_8),
                Map.of(WalletCommand.HEADER, WalletCommand.TRANSFER_IN_TRANSIT));
    }

    public static BatchOutcome.Command creditLeg(Transfer transfer) {
        return creditLeg(transfer.id, transfer.from, transfer.to, transfer.amount, transfer.toCurrency,
                transfer.createdAt);
    }

    /**
     * Why a transfer cannot be applied now, or null when it can: {@code promised} of the
     * sender's balance is already spoken for by items decided before it. Reasons are
     * stable words for metrics.
     */
    private static @Nullable String refusal(Transfer transfer, LedgerBatch.@Nullable Account from, long promised) {
        if (from == null) {
            return "wallet_missing";
        }
        if (from.status != WalletStatus.ACTIVE || transfer.toStatus != WalletStatus.ACTIVE) {
            return "wallet_closed";
        }
        if (!from.currency().equals(transfer.toCurrency)) {
            return "currency_mismatch";
        }
        if (from.balance() < 0) {
            // A refund or chargeback took back money already spent: nothing leaves until
            // the wallet is out of debt.
            return "wallet_in_debt";
        }
        if (from.balance() - promised < transfer.amount) {
            return "insufficient_funds";
        }
        return null;
    }

    /** Adds the changed transfer rows to the batch's write. */
    public static void writeInto(BatchWrite write, Collection<Transfer> transfers, LedgerBatch ledger) {
        List<Transfer> changed = transfers.stream().filter(t -> t.changed).toList();
        if (changed.isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(ledger.now(), ZoneOffset.UTC);
        write.add("""
                update transfers t set status = v.status, reason = v.reason,
                    debited_at = case when v.debited then coalesce(t.debited_at, ?) end,
                    completed_at = case when v.status <> 'pending' then ?::timestamptz end
                from unnest(?::uuid[], ?::text[], ?::text[], ?::boolean[]) as v(id, status, reason, debited)
                where t.id = v.id""", now, now, changed.stream().map(t -> t.id.toString()).toArray(String[]::new),
                changed.stream().map(t -> t.status.wire()).toArray(String[]::new),
                changed.stream().map(t -> t.reason).toArray(String[]::new),
                changed.stream().map(t -> t.debited).toArray(Boolean[]::new));
    }

    /** A transfer row, locked for this transaction. */
    public static final class Transfer {

        public final UUID id;

        public final UUID from;

        public final UUID to;

        final long amount;

        final Instant createdAt;

        final String toCurrency;

        final WalletStatus toStatus;

        TransferStatus status;

        boolean debited;

        @Nullable String reason;

        boolean changed;

        /**
         * The partition the recipient's commands are on; -1 when transfers are not posted
         * in one hop.
         */
        int recipientPartition = -1;

        /** The bulk transfer this is an item of, or null. */
        @Nullable UUID batchId;

        /** Its place in the batch. */
        int batchItem;

        /** Whether its batch stands or falls together. */
        boolean atomic;

        /** How many items its batch has. */
        int batchSize;

        Transfer(UUID id, UUID from, UUID to, long amount, TransferStatus status, Instant createdAt, boolean debited,
                String toCurrency, WalletStatus toStatus) {
            this.id = id;
            this.from = from;
            this.to = to;
            this.amount = amount;
            this.status = status;
            this.createdAt = createdAt;
            this.debited = debited;
            this.toCurrency = toCurrency.trim();
            this.toStatus = toStatus;
        }

        /** Its status as this batch leaves it. */
        public TransferStatus status() {
            return status;
        }

        /** Whether the sender has been debited. */
        public boolean debited() {
            return debited;
        }

        /** The bulk transfer this is an item of, or null. */
        public @Nullable UUID batchId() {
            return batchId;
        }

        /** Whether its batch stands or falls together. */
        public boolean atomic() {
            return atomic;
        }

        void settle(TransferStatus newStatus, @Nullable String why) {
            status = status.to(newStatus);
            reason = why;
            changed = true;
        }

    }

}
