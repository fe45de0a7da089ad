package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.PaystackCharge;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies a batch of {@code paystack.events} records in one database transaction. A successful
 * charge credits its deposit only when reference, amount and currency match a deposit we opened;
 * a deposit is credited at most once however often Paystack tells us; a mismatch goes to review
 * and credits nothing; an unknown reference is recorded for a person and credits nothing.
 */
@Component
class DepositPosting {

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;

    DepositPosting(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = Clock.systemUTC();
    }

    /** The wallets whose deposits these records name (the clearing account emits no events). */
    Set<UUID> walletsOf(List<ConsumedRecord> records) {
        List<String> references = new ArrayList<>();
        for (ConsumedRecord record : records) {
            if (record.value() != null) {
                try {
                    references.add(PaystackCharge.fromWebhook(record.value()).reference());
                } catch (PaystackCharge.Unreadable unreadable) {
                    // goes to the dead-letter topic in apply()
                }
            }
        }
        if (references.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("select distinct wallet_id from deposits where reference = any(?::text[])")
                .param(references.toArray(String[]::new)).query(UUID.class).list());
    }

    BatchOutcome apply(List<ConsumedRecord> records) {
        BatchOutcome outcome = transaction.execute(status -> applyInTransaction(records));
        if (outcome == null) {
            throw new IllegalStateException("the deposit transaction returned nothing");
        }
        return outcome;
    }

    private BatchOutcome applyInTransaction(List<ConsumedRecord> records) {
        BatchOutcome outcome = new BatchOutcome();
        Map<ConsumedRecord, PaystackCharge> charges = new LinkedHashMap<>();
        Map<ConsumedRecord.Position, List<LedgerEvent>> processed = new LinkedHashMap<>();
        ProcessedMessages.fresh(jdbc, records, outcome, PaystackCharge::fromWebhook).forEach((record, charge) -> {
            if (charge.isSuccessfulCharge()) {
                charges.put(record, charge);
            } else {
                processed.put(record.position(), List.of()); // other events move no money
            }
        });

        Map<String, Deposit> deposits = lockDeposits(charges.values().stream().map(PaystackCharge::reference).toList());
        LedgerBatch ledger = new LedgerBatch(jdbc, clock.instant());
        Set<UUID> wallets = new HashSet<>();
        deposits.values().forEach(d -> wallets.add(d.walletId));
        if (!wallets.isEmpty()) {
            wallets.add(LedgerBatch.PAYSTACK_CLEARING);
            ledger.lock(wallets);
        }

        for (Map.Entry<ConsumedRecord, PaystackCharge> each : charges.entrySet()) {
            PaystackCharge charge = each.getValue();
            Deposit deposit = deposits.get(charge.reference());
            List<LedgerEvent> events = new ArrayList<>();
            if (deposit == null) {
                recordException(charge, "unknown reference", each.getKey());
            } else if (deposit.status.equals("success") || deposit.status.equals("review")) {
                // Already credited, or waiting for a person: a repeated event changes nothing.
            } else {
                LedgerBatch.Account wallet = ledger.account(deposit.walletId);
                if (wallet == null) {
                    throw new IllegalStateException("deposit " + deposit.reference + " names a missing wallet");
                }
                String mismatch = mismatch(deposit, charge);
                if (mismatch == null) {
                    events.add(ledger.creditDeposit(wallet, deposit.reference, deposit.amount));
                    deposit.settle("success", null, charge.paystackId());
                } else {
                    events.add(ledger.noteWithoutMovement(wallet, LedgerEvent.Type.DepositFlaggedForReview,
                            charge.amountMinor(), deposit.reference, null, mismatch));
                    deposit.settle("review", mismatch, charge.paystackId());
                    recordException(charge, mismatch, each.getKey());
                }
            }
            processed.put(each.getKey().position(), events);
            outcome.events.addAll(events);
        }

        ledger.flush();
        updateDeposits(deposits.values().stream().filter(d -> d.changed).toList(), ledger);
        ProcessedMessages.record(jdbc, processed);
        return outcome;
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
                values (?, ?, ?, ?::jsonb)""")
                .params(charge.reference(), charge.paystackId(), reason,
                        new String(record.value() == null ? new byte[0] : record.value(),
                                java.nio.charset.StandardCharsets.UTF_8))
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
