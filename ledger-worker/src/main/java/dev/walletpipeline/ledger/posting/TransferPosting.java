package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.contracts.WalletCommand;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A transfer in two legs, each posted by the one writer of the wallet it changes. The
 * debit leg (a {@link WalletCommand#TRANSFER_REQUESTED} keyed by the sender) checks the
 * sender's funds and either rejects the transfer or debits the sender into the in-transit
 * account of its partition and sends the credit leg; the credit leg (a
 * {@link WalletCommand#TRANSFER_IN_TRANSIT} keyed by the recipient) credits the recipient
 * out of the in-transit account of its own partition and completes the transfer. The
 * transfer row says how far it got ({@code debited_at}, {@code status}), so either leg
 * delivered twice changes nothing the second time, and a credit leg for a transfer that
 * was never debited moves nothing.
 */
@Component
class TransferPosting {

    private final JdbcClient jdbc;

    private final MeterRegistry meters;

    /**
     * From the API accepting a transfer to its outcome being posted: the money path's
     * latency.
     */
    private final Timer completion;

    TransferPosting(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.completion = Timer.builder("wallet.transfer.completion")
            .description("from the transfer's acceptance by the API to its outcome in the ledger")
            .publishPercentileHistogram()
            .register(meters);
    }

    /**
     * The transfer rows, locked for this transaction, with what the debit leg needs to
     * know of the recipient (read, not locked: it belongs to another writer). The
     * recipient is looked up per transfer (a lateral subquery with a limit is never
     * turned into a join): the cached plan, made for an unknown number of ids, otherwise
     * joined by reading every wallet while there were only a few thousand.
     */
    Map<UUID, Transfer> lock(Collection<UUID> ids) {
        Map<UUID, Transfer> transfers = new HashMap<>();
        if (ids.isEmpty()) {
            return transfers;
        }
        jdbc.sql("""
                select t.id, t.from_wallet_id, t.to_wallet_id, t.amount, t.status, t.created_at,
                       t.debited_at is not null as debited, r.currency as to_currency, r.status as to_status
                from transfers t
                cross join lateral (select w.currency, w.status from wallets w where w.id = t.to_wallet_id limit 1) r
                where t.id = any(?::uuid[]) order by t.id for no key update of t""")
            .param(ids.stream().map(UUID::toString).distinct().toArray(String[]::new))
            .query((rs, n) -> new Transfer(rs.getObject("id", UUID.class), rs.getObject("from_wallet_id", UUID.class),
                    rs.getObject("to_wallet_id", UUID.class), rs.getLong("amount"), rs.getString("status"),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getBoolean("debited"),
                    rs.getString("to_currency"), rs.getString("to_status")))
            .list()
            .forEach(t -> transfers.put(t.id, t));
        return transfers;
    }

    /** The wallet a leg of this transfer writes, when it still has something to do. */
    static @Nullable UUID walletToWrite(Transfer transfer, boolean creditLeg) {
        if (!transfer.status.equals("pending")) {
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
     * idempotent.
     */
    BatchOutcome.@Nullable Command debit(Transfer transfer, int partition, LedgerBatch ledger,
            List<LedgerEvent> events) {
        if (!transfer.status.equals("pending")) {
            return null;
        }
        if (transfer.debited) {
            return creditLeg(transfer);
        }
        LedgerBatch.Account from = ledger.account(transfer.from);
        String refusal = refusal(transfer, from);
        if (refusal != null) {
            if (from != null) {
                events.add(ledger.noteWithoutMovement(from, LedgerEvent.Type.TransferRejected, transfer.amount, null,
                        transfer.id, refusal));
            }
            transfer.settle("rejected", refusal);
            meters.counter("wallet.transfers.rejected", "reason", refusal).increment();
            completion.record(Duration.between(transfer.createdAt, ledger.now()));
            return null;
        }
        events.add(ledger.debitIntoTransit(from, partition, transfer.id, transfer.amount, transfer.to));
        transfer.debited = true;
        transfer.changed = true;
        return creditLeg(transfer);
    }

    /** The credit leg: the recipient credited out of transit; the transfer completed. */
    void credit(Transfer transfer, int partition, LedgerBatch ledger, List<LedgerEvent> events) {
        LedgerBatch.Account to = ledger.account(transfer.to);
        if (to == null) {
            throw new IllegalStateException("transfer " + transfer.id + " names a missing recipient");
        }
        events.add(ledger.creditFromTransit(to, partition, transfer.id, transfer.amount, transfer.from));
        transfer.settle("completed", null);
        meters.counter("wallet.transfers.applied").increment();
        completion.record(Duration.between(transfer.createdAt, ledger.now()));
    }

    static BatchOutcome.Command creditLeg(UUID transferId, UUID from, UUID to, long amount, String currency,
            Instant requestedAt) {
        TransferRequested leg = new TransferRequested(TransferRequested.VERSION, transferId, from, to, amount, currency,
                requestedAt);
        return new BatchOutcome.Command(to.toString(), leg.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(WalletCommand.HEADER, WalletCommand.TRANSFER_IN_TRANSIT));
    }

    static BatchOutcome.Command creditLeg(Transfer transfer) {
        return creditLeg(transfer.id, transfer.from, transfer.to, transfer.amount, transfer.toCurrency,
                transfer.createdAt);
    }

    /**
     * Why a transfer cannot be applied now, or null when it can. Reasons are stable words
     * for metrics.
     */
    private static @Nullable String refusal(Transfer transfer, LedgerBatch.@Nullable Account from) {
        if (from == null) {
            return "wallet_missing";
        }
        if (!from.status.equals("active") || !transfer.toStatus.equals("active")) {
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
        if (from.balance() < transfer.amount) {
            return "insufficient_funds";
        }
        return null;
    }

    /** Adds the changed transfer rows to the batch's write. */
    static void writeInto(BatchWrite write, Collection<Transfer> transfers, LedgerBatch ledger) {
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
                changed.stream().map(t -> t.status).toArray(String[]::new),
                changed.stream().map(t -> t.reason).toArray(String[]::new),
                changed.stream().map(t -> t.debited).toArray(Boolean[]::new));
    }

    /** A transfer row, locked for this transaction. */
    static final class Transfer {

        final UUID id;

        final UUID from;

        final UUID to;

        final long amount;

        final Instant createdAt;

        final String toCurrency;

        final String toStatus;

        String status;

        boolean debited;

        @Nullable String reason;

        boolean changed;

        Transfer(UUID id, UUID from, UUID to, long amount, String status, Instant createdAt, boolean debited,
                String toCurrency, String toStatus) {
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

        void settle(String newStatus, @Nullable String why) {
            status = newStatus;
            reason = why;
            changed = true;
        }

    }

}
