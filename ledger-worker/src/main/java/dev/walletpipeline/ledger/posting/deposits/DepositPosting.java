package dev.walletpipeline.ledger.posting.deposits;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.states.DepositStatus;
import dev.walletpipeline.ledger.posting.BatchWrite;
import dev.walletpipeline.ledger.posting.ConsumedRecord;
import dev.walletpipeline.ledger.posting.LedgerBatch;
import dev.walletpipeline.ledger.posting.LockedRows;
import dev.walletpipeline.ledger.posting.PaystackRouting;
import dev.walletpipeline.ledger.posting.refunds.RefundsAndDisputes;
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
 * Paystack facts about deposits, posted by the writer of the deposit's wallet (the facts
 * reach it routed by {@link PaystackRouting}); refunds and disputes go on to
 * {@link RefundsAndDisputes}. A successful charge credits its deposit only when
 * reference, amount and currency match a deposit we opened; a deposit is credited at most
 * once however often Paystack tells us; a mismatch goes to review and credits nothing; a
 * reversed payment is never credited; an unknown reference is recorded for a person and
 * credits nothing.
 */
@Component
public class DepositPosting {

    private final JdbcClient jdbc;

    DepositPosting(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Posts one proven fact about a locked deposit (or records it, when unknown or when
     * it cannot be applied).
     */
    public void post(@Nullable Deposit deposit, PaystackEvent charge, ConsumedRecord record, LedgerBatch ledger,
            List<LedgerEvent> events, RefundsAndDisputes moneyBack) {
        if (deposit == null) {
            recordException(charge, "unknown reference", record);
        }
        else if (charge.isRefund() || charge.isDispute()) {
            String nothingMoved = moneyBack.post(deposit, charge, walletOf(deposit, ledger), record.partition(), ledger,
                    events);
            if (nothingMoved != null) {
                recordException(charge, nothingMoved, record);
            }
        }
        else if (charge.isVerifiedReversal()) {
            reverse(deposit, charge, record, ledger, events);
        }
        else if (charge.isOperatorCredit()) {
            creditDecided(deposit, charge, record, ledger, events);
        }
        else {
            credit(deposit, charge, record, ledger, events);
        }
    }

    private void credit(Deposit deposit, PaystackEvent charge, ConsumedRecord record, LedgerBatch ledger,
            List<LedgerEvent> events) {
        switch (deposit.status) {
            case SUCCESS, REVIEW, REJECTED -> {
                // Already credited, waiting for a person, or rejected by one: a repeated
                // event changes nothing.
            }
            case REVERSED -> recordException(charge,
                    "Paystack reported this payment reversed; a later success" + " does not credit it", record);
            case PENDING, FAILED, ABANDONED -> {
                // pending, and also failed or abandoned: a success that arrives late is
                // money that arrived.
                LedgerBatch.Account wallet = walletOf(deposit, ledger);
                String mismatch = mismatch(deposit, charge);
                if (mismatch == null) {
                    events.add(ledger.creditDeposit(wallet, record.partition(), deposit.reference, deposit.amount));
                    deposit.settle(DepositStatus.SUCCESS, null, charge.paystackId());
                }
                else {
                    events.add(ledger.noteWithoutMovement(wallet, LedgerEvent.Type.DepositFlaggedForReview,
                            charge.amountMinor(), deposit.reference, null, mismatch));
                    deposit.settle(DepositStatus.REVIEW, mismatch, charge.paystackId());
                    recordException(charge, mismatch, record);
                }
            }
        }
    }

    /**
     * A deposit in review that an operator decided to credit, with Paystack's fresh word
     * on what was paid: that amount is credited, once. Anything but a deposit in review
     * in the wallet's currency credits nothing (a repeat for one credited already is
     * silent; the rest is kept for a person).
     */
    private void creditDecided(Deposit deposit, PaystackEvent confirmation, ConsumedRecord record, LedgerBatch ledger,
            List<LedgerEvent> events) {
        if (deposit.status == DepositStatus.SUCCESS) {
            return;
        }
        if (deposit.status != DepositStatus.REVIEW) {
            recordException(confirmation, "an operator's credit of a deposit that is " + deposit.status.wire()
                    + ", not in review; nothing moved", record);
            return;
        }
        if (!deposit.currency.equals(confirmation.currency())) {
            recordException(confirmation, "an operator's credit of " + confirmation.currency()
                    + " to a deposit opened in " + deposit.currency + "; nothing moved", record);
            return;
        }
        LedgerBatch.Account wallet = walletOf(deposit, ledger);
        events.add(ledger.creditDeposit(wallet, record.partition(), deposit.reference, confirmation.amountMinor()));
        // The review's reason stays: why a person had to decide.
        deposit.settle(DepositStatus.SUCCESS, deposit.reviewReason, confirmation.paystackId());
    }

    private void reverse(Deposit deposit, PaystackEvent charge, ConsumedRecord record, LedgerBatch ledger,
            List<LedgerEvent> events) {
        switch (deposit.status) {
            case REVERSED -> {
                // told before
            }
            case SUCCESS, REVIEW, REJECTED -> recordException(charge,
                    "Paystack reports a payment reversed that was already " + deposit.status.wire() + "; nothing moved",
                    record);
            case PENDING, FAILED, ABANDONED -> {
                String why = "Paystack reports the payment reversed";
                events.add(ledger.noteWithoutMovement(walletOf(deposit, ledger), LedgerEvent.Type.DepositReversed,
                        charge.amountMinor(), deposit.reference, null, why));
                deposit.settle(DepositStatus.REVERSED, why, charge.paystackId());
            }
        }
    }

    private static LedgerBatch.Account walletOf(Deposit deposit, LedgerBatch ledger) {
        LedgerBatch.Account wallet = ledger.account(deposit.walletId);
        if (wallet == null) {
            throw new IllegalStateException("deposit " + deposit.reference + " names a missing wallet");
        }
        return wallet;
    }

    private static @Nullable String mismatch(Deposit deposit, PaystackEvent charge) {
        if (charge.amountMinor() != deposit.amount) {
            return "amount paid " + charge.amountMinor() + " differs from deposit amount " + deposit.amount;
        }
        if (!charge.currency().equals(deposit.currency)) {
            return "currency paid " + charge.currency() + " differs from deposit currency " + deposit.currency;
        }
        return null;
    }

    /** The deposits, locked for this transaction. */
    public Map<String, Deposit> lock(List<String> references) {
        return LockedRows.byKey(jdbc, """
                select reference, wallet_id, amount, currency, status, review_reason from deposits
                where reference = any(?::text[]) order by reference for no key update""", references, (rs, n) -> {
            Deposit deposit = new Deposit(rs.getString("reference"), rs.getObject("wallet_id", UUID.class),
                    rs.getLong("amount"), rs.getString("currency").trim(), DepositStatus.of(rs.getString("status")));
            deposit.reviewReason = rs.getString("review_reason");
            return deposit;
        }, d -> d.reference);
    }

    /** Adds the changed deposit rows to the batch's write. */
    public static void writeInto(BatchWrite write, Collection<Deposit> deposits, LedgerBatch ledger) {
        List<Deposit> changed = deposits.stream().filter(d -> d.changed).toList();
        if (changed.isEmpty()) {
            return;
        }
        write.add("""
                update deposits d set status = v.status, review_reason = v.reason, paystack_id = v.paystack_id,
                    settled_at = ?
                from unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) as v(reference, status, reason, paystack_id)
                where d.reference = v.reference""", OffsetDateTime.ofInstant(ledger.now(), ZoneOffset.UTC),
                changed.stream().map(d -> d.reference).toArray(String[]::new),
                changed.stream().map(d -> d.status.wire()).toArray(String[]::new),
                changed.stream().map(d -> d.reviewReason).toArray(String[]::new),
                changed.stream().mapToLong(d -> d.paystackId).toArray());
    }

    public void recordException(PaystackEvent charge, String reason, ConsumedRecord record) {
        jdbc.sql("""
                insert into payment_exceptions (reference, paystack_id, reason, body)
                values (?, ?, ?, ?)""")
            .params(charge.reference(), charge.paystackId(), reason, record.value())
            .update();
    }

    /** A deposit row, locked for this transaction. */
    public static final class Deposit {

        public final String reference;

        public final UUID walletId;

        public final long amount;

        public final String currency;

        DepositStatus status;

        @Nullable String reviewReason;

        long paystackId;

        boolean changed;

        Deposit(String reference, UUID walletId, long amount, String currency, DepositStatus status) {
            this.reference = reference;
            this.walletId = walletId;
            this.amount = amount;
            this.currency = currency;
            this.status = status;
        }

        /** Its status as this batch leaves it. */
        public DepositStatus status() {
            return status;
        }

        void settle(DepositStatus newStatus, @Nullable String reason, long paystackTransactionId) {
            status = status.to(newStatus);
            reviewReason = reason;
            paystackId = paystackTransactionId;
            changed = true;
        }

    }

}
