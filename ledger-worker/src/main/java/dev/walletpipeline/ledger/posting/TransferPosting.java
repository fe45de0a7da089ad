package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.TransferRequested;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies a batch of transfer commands in one database transaction: each pending transfer
 * is completed (sender debited, recipient credited) or rejected with a reason; a transfer
 * that is no longer pending is a redelivery and changes nothing. Transfers are locked in
 * id order and wallets in id order, so concurrent batches never deadlock; one wallet's
 * commands arrive in order because they share a partition.
 */
@Component
class TransferPosting {

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final MeterRegistry meters;

    private final Clock clock = Clock.systemUTC();

    /**
     * From the API accepting a transfer to its outcome being posted: the money path's
     * latency.
     */
    private final Timer completion;

    TransferPosting(JdbcClient jdbc, TransactionTemplate transaction, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.meters = meters;
        this.completion = Timer.builder("wallet.transfer.completion")
            .description("from the transfer's acceptance by the API to its outcome in the ledger")
            .publishPercentileHistogram()
            .register(meters);
    }

    /** The wallets these commands would post to, read from the commands themselves. */
    Set<UUID> walletsOf(List<ConsumedRecord> records) {
        Set<UUID> wallets = new HashSet<>();
        for (ConsumedRecord record : records) {
            if (record.value() != null) {
                try {
                    TransferRequested command = TransferRequested.fromJson(record.value());
                    wallets.add(command.fromWalletId());
                    wallets.add(command.toWalletId());
                }
                catch (RuntimeException unreadable) {
                    // goes to the dead-letter topic in apply(); it posts to no wallet
                }
            }
        }
        return wallets;
    }

    BatchOutcome apply(List<ConsumedRecord> records) {
        BatchOutcome outcome = transaction.execute(status -> applyInTransaction(records));
        if (outcome == null) {
            throw new IllegalStateException("the transfer transaction returned nothing");
        }
        return outcome;
    }

    private BatchOutcome applyInTransaction(List<ConsumedRecord> records) {
        BatchOutcome outcome = new BatchOutcome();
        Map<ConsumedRecord, TransferRequested> commands = ProcessedMessages.fresh(jdbc, records, outcome,
                record -> TransferRequested.fromJson(Objects.requireNonNull(record.value())),
                TransferPosting::messageId);

        Map<UUID, Pending> transfers = lockTransfers(
                commands.values().stream().map(TransferRequested::transferId).toList());
        LedgerBatch ledger = new LedgerBatch(jdbc, clock.instant());
        Set<UUID> wallets = new HashSet<>();
        transfers.values().stream().filter(t -> t.status.equals("pending")).forEach(t -> {
            wallets.add(t.from);
            wallets.add(t.to);
        });
        if (!wallets.isEmpty()) {
            ledger.lock(wallets);
        }

        Map<ProcessedMessages.Key, List<LedgerEvent>> processed = new LinkedHashMap<>();
        for (Map.Entry<ConsumedRecord, TransferRequested> each : commands.entrySet()) {
            Pending transfer = transfers.get(each.getValue().transferId());
            List<LedgerEvent> events = new ArrayList<>();
            if (transfer == null) {
                outcome.deadLetters.add(new BatchOutcome.DeadLetter(each.getKey(), "no such transfer"));
                continue;
            }
            if (transfer.status.equals("pending")) {
                LedgerBatch.Account from = ledger.account(transfer.from);
                LedgerBatch.Account to = ledger.account(transfer.to);
                String refusal = refusal(transfer, from, to);
                if (refusal == null) {
                    events.addAll(ledger.transfer(from, to, transfer.id, transfer.amount));
                    transfer.settle("completed", null);
                    meters.counter("wallet.transfers.applied").increment();
                    completion.record(Duration.between(transfer.createdAt, ledger.now()));
                }
                else {
                    events.add(ledger.noteWithoutMovement(from, LedgerEvent.Type.TransferRejected, transfer.amount,
                            null, transfer.id, refusal));
                    transfer.settle("rejected", refusal);
                    meters.counter("wallet.transfers.rejected", "reason", refusal).increment();
                    completion.record(Duration.between(transfer.createdAt, ledger.now()));
                }
            }
            processed.put(new ProcessedMessages.Key(each.getKey().position(), messageId(each.getValue())), events);
            outcome.events.addAll(events);
        }

        ledger.flush();
        updateTransfers(transfers.values().stream().filter(t -> t.changed).toList(), ledger);
        ProcessedMessages.record(jdbc, processed);
        return outcome;
    }

    private static String messageId(TransferRequested command) {
        return "transfer:" + command.transferId();
    }

    /**
     * Why a transfer cannot be applied now, or null when it can. Reasons are stable words
     * for metrics.
     */
    private static @Nullable String refusal(Pending transfer, LedgerBatch.@Nullable Account from,
            LedgerBatch.@Nullable Account to) {
        if (from == null || to == null) {
            return "wallet_missing";
        }
        if (!from.status.equals("active") || !to.status.equals("active")) {
            return "wallet_closed";
        }
        if (!from.currency().equals(to.currency())) {
            return "currency_mismatch";
        }
        if (from.balance() < transfer.amount) {
            return "insufficient_funds";
        }
        return null;
    }

    private Map<UUID, Pending> lockTransfers(List<UUID> ids) {
        Map<UUID, Pending> transfers = new HashMap<>();
        if (ids.isEmpty()) {
            return transfers;
        }
        jdbc.sql("""
                select id, from_wallet_id, to_wallet_id, amount, status, created_at from transfers
                where id = any(?::uuid[]) order by id for no key update""")
            .param(ids.stream().map(UUID::toString).distinct().toArray(String[]::new))
            .query((rs, n) -> new Pending(rs.getObject("id", UUID.class), rs.getObject("from_wallet_id", UUID.class),
                    rs.getObject("to_wallet_id", UUID.class), rs.getLong("amount"), rs.getString("status"),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant()))
            .list()
            .forEach(t -> transfers.put(t.id, t));
        return transfers;
    }

    private void updateTransfers(List<Pending> changed, LedgerBatch ledger) {
        if (changed.isEmpty()) {
            return;
        }
        jdbc.sql("""
                update transfers t set status = v.status, reason = v.reason, completed_at = ?
                from unnest(?::uuid[], ?::text[], ?::text[]) as v(id, status, reason)
                where t.id = v.id""")
            .params(OffsetDateTime.ofInstant(ledger.now(), ZoneOffset.UTC),
                    changed.stream().map(t -> t.id.toString()).toArray(String[]::new),
                    changed.stream().map(t -> t.status).toArray(String[]::new),
                    changed.stream().map(t -> t.reason).toArray(String[]::new))
            .update();
    }

    /** A transfer row, locked for this transaction. */
    private static final class Pending {

        final UUID id;

        final UUID from;

        final UUID to;

        final long amount;

        final Instant createdAt;

        String status;

        @Nullable String reason;

        boolean changed;

        Pending(UUID id, UUID from, UUID to, long amount, String status, Instant createdAt) {
            this.id = id;
            this.createdAt = createdAt;
            this.from = from;
            this.to = to;
            this.amount = amount;
            this.status = status;
        }

        void settle(String newStatus, @Nullable String why) {
            status = newStatus;
            reason = why;
            changed = true;
        }

    }

}
