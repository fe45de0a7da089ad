package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.PaystackCharge;
import dev.walletpipeline.contracts.proof.HmacSignature;
import dev.walletpipeline.contracts.proof.Proof;
import dev.walletpipeline.ledger.LedgerSettings;
import java.time.Clock;
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
 * Applies a batch of {@code paystack.events} records in one database transaction. Only a
 * record that proves its fact moves money: Paystack's own signature over the exact bytes
 * (forwarded by webhook-ingest), or the reconciliation signature of webhook-ingest's own
 * Verify Transaction call. A successful charge credits its deposit only when reference,
 * amount and currency match a deposit we opened; a deposit is credited at most once
 * however often Paystack tells us; a mismatch goes to review and credits nothing; a
 * reversed payment is never credited; an unknown reference is recorded for a person and
 * credits nothing.
 */
@Component
class DepositPosting {

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final HmacSignature paystackSignature;

    private final HmacSignature reconciliationSignature;

    private final Clock clock;

    DepositPosting(JdbcClient jdbc, TransactionTemplate transaction, LedgerSettings settings) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.paystackSignature = new HmacSignature(settings.paystackSecretKey());
        this.reconciliationSignature = new HmacSignature(settings.reconciliationKey());
        this.clock = Clock.systemUTC();
    }

    /** The proof headers a {@code paystack.events} record may carry. */
    static final Set<String> PROOF_HEADERS = Set.of(Proof.PAYSTACK_SIGNATURE, Proof.RECONCILIATION_SIGNATURE);

    /**
     * The wallets whose deposits these records name (the clearing account emits no
     * events).
     */
    Set<UUID> walletsOf(List<ConsumedRecord> records) {
        List<String> references = new ArrayList<>();
        for (ConsumedRecord record : records) {
            if (record.value() != null) {
                try {
                    references.add(PaystackCharge.fromWebhook(record.value()).reference());
                }
                catch (PaystackCharge.Unreadable unreadable) {
                    // goes to the dead-letter topic in apply()
                }
            }
        }
        if (references.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("select distinct wallet_id from deposits where reference = any(?::text[])")
            .param(references.toArray(String[]::new))
            .query(UUID.class)
            .list());
    }

    BatchOutcome apply(List<ConsumedRecord> records) {
        BatchOutcome outcome = transaction.execute(status -> applyInTransaction(records));
        if (outcome == null) {
            throw new IllegalStateException("the deposit transaction returned nothing");
        }
        return outcome;
    }

    /**
     * The record's fact, if its proof verifies over its exact bytes; a Paystack-signed
     * body may not claim to be our verification, nor a reconciliation-signed one to be a
     * Paystack webhook.
     */
    private PaystackCharge proven(ConsumedRecord record) {
        byte[] body = Objects.requireNonNull(record.value());
        if (paystackSignature.matches(body, record.proof(Proof.PAYSTACK_SIGNATURE))) {
            PaystackCharge charge = PaystackCharge.fromWebhook(body);
            if (charge.event().equals(PaystackCharge.TRANSACTION_VERIFIED)) {
                throw new PoisonRecord("invalid proof: a Paystack webhook cannot claim to be our own verification");
            }
            return charge;
        }
        if (reconciliationSignature.matches(body, record.proof(Proof.RECONCILIATION_SIGNATURE))) {
            PaystackCharge charge = PaystackCharge.fromWebhook(body);
            if (!charge.event().equals(PaystackCharge.TRANSACTION_VERIFIED)) {
                throw new PoisonRecord(
                        "invalid proof: a reconciliation signature covers only " + PaystackCharge.TRANSACTION_VERIFIED);
            }
            return charge;
        }
        throw new PoisonRecord("no valid proof: neither Paystack's signature nor the reconciliation signature"
                + " verifies over the record");
    }

    private BatchOutcome applyInTransaction(List<ConsumedRecord> records) {
        BatchOutcome outcome = new BatchOutcome();
        Map<ConsumedRecord, PaystackCharge> facts = new LinkedHashMap<>();
        Map<ProcessedMessages.Key, List<LedgerEvent>> processed = new LinkedHashMap<>();
        ProcessedMessages.fresh(jdbc, records, outcome, this::proven, PaystackCharge::messageId)
            .forEach((record, charge) -> {
                if (charge.isSuccessfulCharge() || charge.isVerifiedReversal()) {
                    facts.put(record, charge);
                }
                else {
                    processed.put(key(record, charge), List.of()); // other events move no
                                                                   // money
                }
            });

        Map<String, Deposit> deposits = lockDeposits(facts.values().stream().map(PaystackCharge::reference).toList());
        LedgerBatch ledger = new LedgerBatch(jdbc, clock.instant());
        Set<UUID> wallets = new HashSet<>();
        deposits.values().forEach(d -> wallets.add(d.walletId));
        if (!wallets.isEmpty()) {
            wallets.add(LedgerBatch.PAYSTACK_CLEARING);
            ledger.lock(wallets);
        }

        for (Map.Entry<ConsumedRecord, PaystackCharge> each : facts.entrySet()) {
            PaystackCharge charge = each.getValue();
            Deposit deposit = deposits.get(charge.reference());
            List<LedgerEvent> events = new ArrayList<>();
            if (deposit == null) {
                recordException(charge, "unknown reference", each.getKey());
            }
            else if (charge.isVerifiedReversal()) {
                reverse(deposit, charge, each.getKey(), ledger, events);
            }
            else {
                credit(deposit, charge, each.getKey(), ledger, events);
            }
            processed.put(key(each.getKey(), charge), events);
            outcome.events.addAll(events);
        }

        ledger.flush();
        updateDeposits(deposits.values().stream().filter(d -> d.changed).toList(), ledger);
        ProcessedMessages.record(jdbc, processed);
        return outcome;
    }

    private void credit(Deposit deposit, PaystackCharge charge, ConsumedRecord record, LedgerBatch ledger,
            List<LedgerEvent> events) {
        switch (deposit.status) {
            case "success", "review" -> {
                // Already credited, or waiting for a person: a repeated event changes
                // nothing.
            }
            case "reversed" -> recordException(charge,
                    "Paystack reported this payment reversed; a later success" + " does not credit it", record);
            default -> {
                // pending, and also failed or abandoned: a success that arrives late is
                // money that arrived.
                LedgerBatch.Account wallet = walletOf(deposit, ledger);
                String mismatch = mismatch(deposit, charge);
                if (mismatch == null) {
                    events.add(ledger.creditDeposit(wallet, deposit.reference, deposit.amount));
                    deposit.settle("success", null, charge.paystackId());
                }
                else {
                    events.add(ledger.noteWithoutMovement(wallet, LedgerEvent.Type.DepositFlaggedForReview,
                            charge.amountMinor(), deposit.reference, null, mismatch));
                    deposit.settle("review", mismatch, charge.paystackId());
                    recordException(charge, mismatch, record);
                }
            }
        }
    }

    private void reverse(Deposit deposit, PaystackCharge charge, ConsumedRecord record, LedgerBatch ledger,
            List<LedgerEvent> events) {
        switch (deposit.status) {
            case "reversed" -> {
                // told before
            }
            case "success", "review" -> recordException(charge,
                    "Paystack reports a payment reversed that was" + " already " + deposit.status + "; nothing moved",
                    record);
            default -> {
                String why = "Paystack reports the payment reversed";
                events.add(ledger.noteWithoutMovement(walletOf(deposit, ledger), LedgerEvent.Type.DepositReversed,
                        charge.amountMinor(), deposit.reference, null, why));
                deposit.settle("reversed", why, charge.paystackId());
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

    private static ProcessedMessages.Key key(ConsumedRecord record, PaystackCharge charge) {
        return new ProcessedMessages.Key(record.position(), charge.messageId());
    }

    private static @Nullable String mismatch(Deposit deposit, PaystackCharge charge) {
        if (charge.amountMinor() != deposit.amount) {
            return "amount paid " + charge.amountMinor() + " differs from deposit amount " + deposit.amount;
        }
        if (!charge.currency().equals(deposit.currency)) {
            return "currency paid " + charge.currency() + " differs from deposit currency " + deposit.currency;
        }
        return null;
    }

    private Map<String, Deposit> lockDeposits(List<String> references) {
        Map<String, Deposit> deposits = new HashMap<>();
        if (references.isEmpty()) {
            return deposits;
        }
        jdbc.sql("""
                select reference, wallet_id, amount, currency, status from deposits
                where reference = any(?::text[]) order by reference for no key update""")
            .param(references.stream().distinct().toArray(String[]::new))
            .query((rs, n) -> new Deposit(rs.getString("reference"), rs.getObject("wallet_id", UUID.class),
                    rs.getLong("amount"), rs.getString("currency").trim(), rs.getString("status")))
            .list()
            .forEach(d -> deposits.put(d.reference, d));
        return deposits;
    }

    private void updateDeposits(List<Deposit> changed, LedgerBatch ledger) {
        if (changed.isEmpty()) {
            return;
        }
        jdbc.sql("""
                update deposits d set status = v.status, review_reason = v.reason, paystack_id = v.paystack_id,
                    settled_at = ?
                from unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) as v(reference, status, reason, paystack_id)
                where d.reference = v.reference""")
            .params(OffsetDateTime.ofInstant(ledger.now(), ZoneOffset.UTC),
                    changed.stream().map(d -> d.reference).toArray(String[]::new),
                    changed.stream().map(d -> d.status).toArray(String[]::new),
                    changed.stream().map(d -> d.reviewReason).toArray(String[]::new),
                    changed.stream().mapToLong(d -> d.paystackId).toArray())
            .update();
    }

    private void recordException(PaystackCharge charge, String reason, ConsumedRecord record) {
        jdbc.sql("""
                insert into payment_exceptions (reference, paystack_id, reason, body)
                values (?, ?, ?, ?)""")
            .params(charge.reference(), charge.paystackId(), reason, record.value())
            .update();
    }

    /** A deposit row, locked for this transaction. */
    private static final class Deposit {

        final String reference;

        final UUID walletId;

        final long amount;

        final String currency;

        String status;

        @Nullable String reviewReason;

        long paystackId;

        boolean changed;

        Deposit(String reference, UUID walletId, long amount, String currency, String status) {
            this.reference = reference;
            this.walletId = walletId;
            this.amount = amount;
            this.currency = currency;
            this.status = status;
        }

        void settle(String newStatus, @Nullable String reason, long paystackTransactionId) {
            status = newStatus;
            reviewReason = reason;
            paystackId = paystackTransactionId;
            changed = true;
        }

    }

}
