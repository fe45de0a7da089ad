package dev.walletpipeline.ledger.posting.refunds;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.states.DepositStatus;
import dev.walletpipeline.ledger.posting.BatchWrite;
import dev.walletpipeline.ledger.posting.LedgerBatch;
import dev.walletpipeline.ledger.posting.LockedRows;
import dev.walletpipeline.ledger.posting.deposits.DepositPosting;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Money taken back from a credited deposit, posted by the writer of its wallet: Paystack
 * refunds (partial ones add up, never past the deposit) and disputes (the amount is held
 * when the dispute opens and released or charged back when it is resolved). Each refund
 * and each dispute is recognised by Paystack's id, so a repeated event changes nothing.
 * What cannot be applied (a deposit never credited, a currency or amount that does not
 * fit) is recorded for a person and moves nothing. One instance per batch: it holds the
 * batch's refund and dispute rows.
 */
public final class RefundsAndDisputes {

    private final Map<String, Long> refundedByDeposit = new HashMap<>();

    private final Map<String, Refund> refunds = new LinkedHashMap<>();

    private final Map<String, Dispute> disputes = new HashMap<>();

    /**
     * The refunds and disputes already recorded for these deposits; the disputes locked:
     * only this partition's owner writes them, the lock guards a fenced predecessor.
     */
    public static RefundsAndDisputes load(JdbcClient jdbc, Collection<String> references) {
        RefundsAndDisputes batch = new RefundsAndDisputes();
        if (references.isEmpty()) {
            return batch;
        }
        String[] refs = references.stream().distinct().toArray(String[]::new);
        jdbc.sql("""
                select deposit_reference, refund_id, amount from refunds where deposit_reference = any(?::text[])""")
            .param(refs)
            .query((rs, n) -> {
                batch.refunds.put(key(rs.getString(1), rs.getString(2)),
                        new Refund(rs.getString(1), rs.getString(2), null, rs.getLong(3), false));
                batch.refundedByDeposit.merge(rs.getString(1), rs.getLong(3), Long::sum);
                return null;
            })
            .list();
        batch.disputes.putAll(LockedRows.byKey(jdbc, """
                select id, deposit_reference, wallet_id, amount, status from disputes
                where deposit_reference = any(?::text[]) order by id for no key update""", references,
                (rs, n) -> new Dispute(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getLong(4),
                        rs.getString(5)),
                d -> d.id));
        return batch;
    }

    /**
     * Posts a refund or a dispute event about a deposit; answers why nothing moved (to be
     * recorded for a person), or null.
     */
    public @Nullable String post(DepositPosting.Deposit deposit, PaystackEvent fact, LedgerBatch.Account wallet,
            int partition, LedgerBatch ledger, List<LedgerEvent> events) {
        if (deposit.status() != DepositStatus.SUCCESS) {
            return fact.event() + " for a deposit that is " + deposit.status().wire() + ", not credited; nothing moved";
        }
        if (!fact.currency().equals(deposit.currency)) {
            return fact.event() + " in " + fact.currency() + " for a deposit in " + deposit.currency
                    + "; nothing moved";
        }
        String subject = Objects.requireNonNull(fact.subjectId());
        return fact.isRefund() ? refund(deposit, fact, subject, wallet, partition, ledger, events)
                : dispute(deposit, fact, subject, wallet, partition, ledger, events);
    }

    private @Nullable String refund(DepositPosting.Deposit deposit, PaystackEvent fact, String refundId,
            LedgerBatch.Account wallet, int partition, LedgerBatch ledger, List<LedgerEvent> events) {
        if (refunds.containsKey(key(deposit.reference, refundId))) {
            return null; // told before
        }
        long refunded = refundedByDeposit.getOrDefault(deposit.reference, 0L);
        // Exact: both are at most PaystackEvent.AMOUNT_MAX, and an overflow would throw,
        // not wrap round to a small sum that passes.
        if (fact.amountMinor() <= 0 || Math.addExact(refunded, fact.amountMinor()) > deposit.amount) {
            return "refund " + refundId + " of " + fact.amountMinor() + " would take back more than the deposit of "
                    + deposit.amount + " (" + refunded + " refunded before); nothing moved";
        }
        events.add(ledger.refund(wallet, partition, deposit.reference, refundId, fact.amountMinor()));
        refunds.put(key(deposit.reference, refundId),
                new Refund(deposit.reference, refundId, deposit.walletId, fact.amountMinor(), true));
        refundedByDeposit.merge(deposit.reference, fact.amountMinor(), Long::sum);
        return null;
    }

    private @Nullable String dispute(DepositPosting.Deposit deposit, PaystackEvent fact, String disputeId,
            LedgerBatch.Account wallet, int partition, LedgerBatch ledger, List<LedgerEvent> events) {
        Dispute dispute = disputes.get(disputeId);
        if (dispute != null && !dispute.depositReference.equals(deposit.reference)) {
            return "dispute " + disputeId + " was opened for deposit " + dispute.depositReference + "; nothing moved";
        }
        boolean resolving = fact.event().equals(PaystackEvent.DISPUTE_RESOLVE);
        if (resolving && !fact.customerWon() && !fact.merchantWon()) {
            return "dispute " + disputeId + " resolved as '" + fact.resolution()
                    + "', which says neither who won; the amount stays held";
        }
        if (dispute == null) {
            if (fact.amountMinor() <= 0 || fact.amountMinor() > deposit.amount) {
                return "dispute " + disputeId + " of " + fact.amountMinor() + " does not fit the deposit of "
                        + deposit.amount + "; nothing moved";
            }
            if (resolving && fact.merchantWon()) {
                // Resolved for us before we saw it open: nothing to hold or release.
                Dispute unheld = Dispute.opened(disputeId, deposit, fact.amountMinor(), "released");
                unheld.held = false;
                unheld.resolution = fact.resolution();
                disputes.put(disputeId, unheld);
                return null;
            }
            events.add(ledger.holdDispute(wallet, partition, deposit.reference, disputeId, fact.amountMinor()));
            dispute = Dispute.opened(disputeId, deposit, fact.amountMinor(), "held");
            disputes.put(disputeId, dispute);
        }
        if (!resolving || !dispute.status.equals("held")) {
            return null; // opened before, or resolved before
        }
        if (fact.customerWon()) {
            events.add(ledger.chargeBack(wallet, partition, deposit.reference, disputeId, dispute.amount));
            dispute.resolve("charged_back", fact.resolution());
        }
        else {
            events.add(ledger.releaseDispute(wallet, partition, deposit.reference, disputeId, dispute.amount));
            dispute.resolve("released", fact.resolution());
        }
        return null;
    }

    /** Adds the new refunds and the new or resolved disputes to the batch's write. */
    public void writeInto(BatchWrite write, LedgerBatch ledger) {
        OffsetDateTime now = OffsetDateTime.ofInstant(ledger.now(), ZoneOffset.UTC);
        List<Refund> added = refunds.values().stream().filter(r -> r.added).toList();
        if (!added.isEmpty()) {
            write
                .add("""
                        insert into refunds (deposit_reference, refund_id, wallet_id, amount, created_at)
                        select r, i, w::uuid, a, ? from unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) as x(r, i, w, a)""",
                        now, added.stream().map(Refund::depositReference).toArray(String[]::new),
                        added.stream().map(Refund::refundId).toArray(String[]::new),
                        added.stream().map(r -> Objects.requireNonNull(r.walletId()).toString()).toArray(String[]::new),
                        added.stream().mapToLong(Refund::amount).toArray());
        }
        List<Dispute> changed = new ArrayList<>(disputes.values().stream().filter(d -> d.changed).toList());
        if (!changed.isEmpty()) {
            write.add("""
                    insert into disputes (id, deposit_reference, wallet_id, amount, status, resolution, held,
                        created_at, resolved_at)
                    select i, r, w::uuid, a, s, res, h, ?, case when s <> 'held' then ?::timestamptz end
                    from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::boolean[])
                        as x(i, r, w, a, s, res, h)
                    on conflict (id) do update set status = excluded.status, resolution = excluded.resolution,
                        resolved_at = excluded.resolved_at""", now, now,
                    changed.stream().map(d -> d.id).toArray(String[]::new),
                    changed.stream().map(d -> d.depositReference).toArray(String[]::new),
                    changed.stream().map(d -> d.walletId.toString()).toArray(String[]::new),
                    changed.stream().mapToLong(d -> d.amount).toArray(),
                    changed.stream().map(d -> d.status).toArray(String[]::new),
                    changed.stream().map(d -> d.resolution).toArray(String[]::new),
                    changed.stream().map(d -> d.held).toArray(Boolean[]::new));
        }
    }

    private static String key(String reference, String refundId) {
        return reference + "\n" + refundId;
    }

    private record Refund(String depositReference, String refundId, @Nullable UUID walletId, long amount,
            boolean added) {
    }

    private static final class Dispute {

        final String id;

        final String depositReference;

        final UUID walletId;

        final long amount;

        String status;

        @Nullable String resolution;

        boolean held = true;

        boolean changed;

        Dispute(String id, String depositReference, UUID walletId, long amount, String status) {
            this.id = id;
            this.depositReference = depositReference;
            this.walletId = walletId;
            this.amount = amount;
            this.status = status;
        }

        static Dispute opened(String id, DepositPosting.Deposit deposit, long amount, String status) {
            Dispute dispute = new Dispute(id, deposit.reference, deposit.walletId, amount, status);
            dispute.changed = true;
            return dispute;
        }

        void resolve(String newStatus, @Nullable String how) {
            status = newStatus;
            resolution = how;
            changed = true;
        }

    }

}
