package dev.walletpipeline.ledger.posting.withdrawals;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.states.WalletStatus;
import dev.walletpipeline.contracts.states.WithdrawalStatus;
import dev.walletpipeline.ledger.posting.BatchWrite;
import dev.walletpipeline.ledger.posting.LedgerBatch;
import dev.walletpipeline.ledger.posting.LockedRows;
import io.micrometer.core.instrument.MeterRegistry;
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
 * Withdrawals, posted by the one writer of their wallet. The request (a
 * {@code WithdrawalRequested} keyed by the wallet) either ends the withdrawal at once
 * ({@code failed}: in debt, or not enough money; nothing moves) or debits the wallet into
 * payouts in flight ({@code processing}); api-service then asks Paystack to pay it out.
 * Paystack's proven verdict (routed here by the withdrawal's reference) finishes it:
 * {@code transfer.success} pays it out to Paystack clearing ({@code completed}),
 * {@code transfer.failed} or {@code transfer.reversed} returns it to the wallet
 * ({@code failed}, {@code reversed}), also after a success. The row's status says how far
 * it got, so every command and every fact delivered twice changes nothing the second
 * time.
 */
@Component
public class WithdrawalPosting {

    private final JdbcClient jdbc;

    private final MeterRegistry meters;

    WithdrawalPosting(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
    }

    /** The withdrawals, by id, locked for this transaction. */
    public Map<UUID, Withdrawal> lock(Collection<UUID> ids) {
        return LockedRows.byKey(jdbc, """
                select id, wallet_id, amount, currency, status from withdrawals
                where id = any(?::uuid[]) order by id for no key update""", ids,
                (rs, n) -> new Withdrawal(rs.getObject("id", UUID.class), rs.getObject("wallet_id", UUID.class),
                        rs.getLong("amount"), rs.getString("currency").trim(),
                        WithdrawalStatus.of(rs.getString("status"))),
                w -> w.id);
    }

    /** The request: debits the wallet into payouts in flight, or fails the withdrawal. */
    public void debit(Withdrawal withdrawal, int partition, LedgerBatch ledger, List<LedgerEvent> events) {
        if (withdrawal.status != WithdrawalStatus.PENDING) {
            return; // debited or failed before
        }
        LedgerBatch.Account wallet = ledger.account(withdrawal.walletId);
        String refusal = wallet == null ? "wallet_missing"
                : wallet.status != WalletStatus.ACTIVE ? "wallet_closed"
                        : !wallet.currency().equals(withdrawal.currency) ? "currency_mismatch" : wallet.balance() < 0
                                ? "wallet_in_debt" : wallet.balance() < withdrawal.amount ? "insufficient_funds" : null;
        if (refusal != null) {
            if (wallet != null) {
                events.add(ledger.noteWithoutMovement(wallet, LedgerEvent.Type.WithdrawalReturned, withdrawal.amount,
                        withdrawal.id.toString(), null, refusal));
            }
            withdrawal.end(WithdrawalStatus.FAILED, refusal);
            meters.counter("wallet.withdrawals.ended", "status", "failed", "reason", refusal).increment();
            return;
        }
        events.add(ledger.debitIntoPayouts(wallet, partition, withdrawal.id, withdrawal.amount));
        withdrawal.status = withdrawal.status.to(WithdrawalStatus.PROCESSING);
        withdrawal.debited = true;
        withdrawal.changed = true;
    }

    /**
     * Paystack's verdict on a withdrawal's transfer; answers why nothing moved when the
     * fact does not fit (to be recorded for a person), or null.
     */
    public @Nullable String settle(Withdrawal withdrawal, PaystackEvent fact, int partition, LedgerBatch ledger,
            List<LedgerEvent> events) {
        if (fact.amountMinor() != withdrawal.amount || !fact.currency().equals(withdrawal.currency)) {
            return "Paystack reports " + fact.amountMinor() + " " + fact.currency() + " for a withdrawal of "
                    + withdrawal.amount + " " + withdrawal.currency + "; nothing moved";
        }
        LedgerBatch.Account wallet = ledger.account(withdrawal.walletId);
        if (wallet == null) {
            throw new IllegalStateException("withdrawal " + withdrawal.id + " names a missing wallet");
        }
        String verdict = verdict(fact);
        switch (verdict) {
            case "success" -> {
                if (withdrawal.status == WithdrawalStatus.PROCESSING) {
                    events.add(ledger.payOut(wallet, partition, withdrawal.id, withdrawal.amount));
                    withdrawal.end(WithdrawalStatus.COMPLETED, null);
                }
                else if (withdrawal.status != WithdrawalStatus.COMPLETED) {
                    return "Paystack reports a transfer paid out for a withdrawal that is " + withdrawal.status.wire()
                            + "; nothing moved";
                }
            }
            case "failed", "reversed" -> {
                boolean paidOut = withdrawal.status == WithdrawalStatus.COMPLETED;
                if (withdrawal.status == WithdrawalStatus.PROCESSING || (paidOut && verdict.equals("reversed"))) {
                    String reason = "Paystack reports the transfer " + verdict;
                    events
                        .add(ledger.returnPayout(wallet, partition, withdrawal.id, withdrawal.amount, paidOut, reason));
                    withdrawal.end(WithdrawalStatus.of(verdict), reason);
                }
                else if (paidOut) {
                    return "Paystack reports a transfer failed that it paid out before; nothing moved";
                }
            }
            default -> {
                // pending, otp, received, queued: Paystack has not decided; ask again
                // later
            }
        }
        return null;
    }

    /** success, failed, reversed, or Paystack's undecided status. */
    private static String verdict(PaystackEvent fact) {
        return switch (fact.event()) {
            case PaystackEvent.TRANSFER_SUCCESS -> "success";
            case PaystackEvent.TRANSFER_FAILED -> "failed";
            case PaystackEvent.TRANSFER_REVERSED -> "reversed";
            default -> fact.status(); // transfer.verified: Verify Transfer's status
        };
    }

    /** Adds the changed withdrawal rows to the batch's write. */
    public void writeInto(BatchWrite write, Collection<Withdrawal> withdrawals, LedgerBatch ledger) {
        List<Withdrawal> changed = withdrawals.stream().filter(w -> w.changed).toList();
        if (changed.isEmpty()) {
            return;
        }
        changed.stream()
            .filter(w -> w.status != WithdrawalStatus.PROCESSING)
            .forEach(w -> meters
                .counter("wallet.withdrawals.ended", "status", w.status.wire(), "reason",
                        w.status == WithdrawalStatus.COMPLETED ? "paid_out" : "paystack")
                .increment());
        OffsetDateTime now = OffsetDateTime.ofInstant(ledger.now(), ZoneOffset.UTC);
        write.add("""
                update withdrawals w set status = v.status, reason = v.reason,
                    debited_at = case when v.debited then coalesce(w.debited_at, ?) else w.debited_at end,
                    completed_at = case when v.status not in ('pending', 'processing') then ?::timestamptz end
                from unnest(?::uuid[], ?::text[], ?::text[], ?::boolean[]) as v(id, status, reason, debited)
                where w.id = v.id""", now, now, changed.stream().map(w -> w.id.toString()).toArray(String[]::new),
                changed.stream().map(w -> w.status.wire()).toArray(String[]::new),
                changed.stream().map(w -> w.reason).toArray(String[]::new),
                changed.stream().map(w -> w.debited).toArray(Boolean[]::new));
    }

    /** A withdrawal row, locked for this transaction. */
    public static final class Withdrawal {

        final UUID id;

        public final UUID walletId;

        final long amount;

        final String currency;

        WithdrawalStatus status;

        /** Debited by this batch. */
        boolean debited;

        @Nullable String reason;

        boolean changed;

        Withdrawal(UUID id, UUID walletId, long amount, String currency, WithdrawalStatus status) {
            this.id = id;
            this.walletId = walletId;
            this.amount = amount;
            this.currency = currency;
            this.status = status;
        }

        /** Its status as this batch leaves it. */
        public WithdrawalStatus status() {
            return status;
        }

        void end(WithdrawalStatus newStatus, @Nullable String why) {
            status = status.to(newStatus);
            reason = why;
            changed = true;
        }

    }

}
