package dev.walletpipeline.api.ops;

import dev.walletpipeline.api.paystack.PaystackVerifier;
import dev.walletpipeline.api.problem.WalletProblem;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operators' decisions: closing what needs nothing more (a dead letter, a payment
 * exception or an over-refund, with a note), linking a payment exception to a deposit,
 * rejecting a deposit in review, and crediting one with what Paystack confirms, by a
 * second operator's approval above the threshold. Each is one transaction: the change, if
 * any, and its row in the trail, before and after. Only what still waits in a queue can
 * be decided, and only once. Money still moves only in ledger-worker: a credit is
 * Paystack's signed confirmation, which this service asks webhook-ingest for and cannot
 * make itself.
 */
@Component
class OpsDecisions {

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final OperatorDesk desk;

    private final OperatorActions actions;

    private final PaystackVerifier paystack;

    private final OpsSettings settings;

    private final DeadLetterReplay replay;

    OpsDecisions(JdbcClient jdbc, TransactionTemplate transaction, OperatorDesk desk, OperatorActions actions,
            PaystackVerifier paystack, OpsSettings settings, DeadLetterReplay replay) {
        this.replay = replay;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.desk = desk;
        this.actions = actions;
        this.paystack = paystack;
        this.settings = settings;
    }

    /**
     * A deposit in review credited with what Paystack says was paid, asked afresh. The
     * decision is recorded with that amount; above the second-approval threshold it waits
     * for another operator ({@link #approve}), else webhook-ingest is asked at once to
     * confirm it with Paystack and publish the signed confirmation that ledger-worker
     * credits, once. Asked again while the deposit is still in review, a decision already
     * taken is confirmed again (after a failure on the way) rather than taken twice.
     */
    OperatorActions.Action creditDeposit(UUID operator, String reference, String reason) {
        OperatorActions.Action decided = actions.decisionAbout("deposit", reference).orElse(null);
        if (decided != null) {
            if (!decided.decision().equals("credit") || !inReview(reference)) {
                throw new OperatorActions.AlreadyDecided("deposit", reference);
            }
            if (settings.needsSecondApproval(amountOf(decided)) && actions.approvalOf(decided.id()).isEmpty()) {
                throw new AwaitingApproval(decided);
            }
            confirm(decided);
            return decided;
        }
        OperatorDesk.QueueItem item = waiting(List.of(Queue.DEPOSITS_IN_REVIEW), reference, "deposits");
        PaystackVerifier.Payment paid = paystack.paymentAsPaid(reference);
        String currency = String.valueOf(item.details().get("currency"));
        if (!paid.status().equals("success") || paid.amount() <= 0) {
            throw new PaymentNotConfirmed("Paystack reports this payment " + paid.status() + "; there is nothing to"
                    + " credit (reject it instead)");
        }
        if (!paid.currency().equals(currency)) {
            throw new PaymentNotConfirmed("Paystack reports " + paid.currency() + " paid to a deposit opened in "
                    + currency + "; a wallet is credited only in its own currency (reject it instead)");
        }
        boolean secondOperator = settings.needsSecondApproval(paid.amount());
        OperatorActions.Action decision = transaction.execute(status -> {
            waiting(List.of(Queue.DEPOSITS_IN_REVIEW), reference, "deposits");
            return actions.record(operator, "deposit", reference, "credit", reason, item.details(),
                    Map.of("status", secondOperator ? "awaiting_approval" : "crediting", "amount", paid.amount(),
                            "currency", paid.currency()),
                    null, paid.amount());
        });
        if (!secondOperator) {
            confirm(decision);
        }
        return decision;
    }

    /**
     * A second, different operator's approval of a decision that waits for one; then the
     * decision is carried out. An operator never approves their own (the database refuses
     * it too).
     */
    OperatorActions.Action approve(UUID approver, UUID decisionId, String reason) {
        OperatorActions.Action decision = actions.find(decisionId)
            .orElseThrow(() -> WalletProblem.notFound("operator action"));
        if (decision.approves() != null || !decision.decision().equals("credit")
                || !settings.needsSecondApproval(amountOf(decision))) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "nothing_to_approve",
                    "operator action " + decisionId + " does not wait for a second operator");
        }
        if (decision.operatorId().equals(approver)) {
            throw new WalletProblem(WalletProblem.Kind.FORBIDDEN, "second_operator_required",
                    "a decision that moves more than " + settings.secondApprovalAboveKobo()
                            + " kobo is approved by another operator, never by the one who made it");
        }
        if (!inReview(decision.subjectId())) {
            throw new OperatorActions.AlreadyDecided("deposit", decision.subjectId());
        }
        OperatorActions.Action approval = transaction.execute(status -> actions.record(approver, decision.subjectKind(),
                decision.subjectId(), "approved", reason, decision.after(),
                Map.of("status", "crediting", "approves", decision.id().toString()), decision.id(), decision.amount()));
        confirm(decision);
        return approval;
    }

    /**
     * A withdrawal Paystack has not confirmed, verified now: webhook-ingest asks Verify
     * Transfer and publishes what Paystack answers, and ledger-worker completes the
     * withdrawal or, when Paystack says it failed or was reversed, returns the money. The
     * trail keeps the question and Paystack's answer; it may be asked again.
     */
    OperatorActions.Action verifyWithdrawal(UUID operator, String id, String reason) {
        OperatorDesk.QueueItem item = waiting(List.of(Queue.STUCK_WITHDRAWALS), id, "withdrawals");
        String status = paystack.withdrawal(id);
        return transaction.execute(tx -> actions.record(operator, "withdrawal", id, "verified", reason, item.details(),
                Map.of("paystack_status", status.isEmpty() ? "none" : status), null, null));
    }

    /** The decisions that wait for a second operator. */
    List<OperatorActions.Action> awaitingApproval() {
        return actions.awaitingApproval(settings.secondApprovalAboveKobo());
    }

    /** webhook-ingest asked to confirm the credit with Paystack and publish it. */
    private void confirm(OperatorActions.Action credit) {
        if (!paystack.confirmOperatorCredit(credit.subjectId(), credit.id(), amountOf(credit))) {
            throw new PaymentNotConfirmed("Paystack no longer reports " + credit.amount() + " paid for "
                    + credit.subjectId() + "; nothing was credited");
        }
    }

    private static long amountOf(OperatorActions.Action action) {
        return action.amount() == null ? 0 : action.amount();
    }

    private boolean inReview(String reference) {
        return jdbc.sql("select exists (select 1 from deposits where reference = ? and status = 'review')")
            .param(reference)
            .query(Boolean.class)
            .single();
    }

    /** Paystack does not confirm what a credit needs. */
    static final class PaymentNotConfirmed extends WalletProblem {

        PaymentNotConfirmed(String detail) {
            super(Kind.REFUSED, "payment_not_confirmed", detail);
        }

    }

    /** A decision over the threshold, not yet approved by a second operator. */
    static final class AwaitingApproval extends WalletProblem {

        AwaitingApproval(OperatorActions.Action decision) {
            super(Kind.CONFLICT, "awaiting_approval", "operator action " + decision.id() + " credits "
                    + decision.amount() + " kobo and waits for a second operator's approval");
        }

    }

    OperatorActions.Action closeDeadLetter(UUID operator, String id, String reason) {
        return transaction.execute(status -> {
            OperatorDesk.QueueItem item = waiting(List.of(Queue.DEAD_LETTERS), id, "dead_letters");
            return actions.record(operator, "dead_letter", id, "closed", reason, item.details(),
                    Map.of("status", "closed"), null, null);
        });
    }

    /**
     * A dead letter sent again as it came, its cause fixed ({@link DeadLetterReplay}).
     * The record goes first, under the decision's id, then the decision is recorded: a
     * second operator replaying it at the same moment is refused there, and the record
     * sent twice changes nothing twice.
     */
    OperatorActions.Action replayDeadLetter(UUID operator, String id, String reason) {
        OperatorDesk.QueueItem item = waiting(List.of(Queue.DEAD_LETTERS), id, "dead_letters");
        DeadLetterReplay.Letter letter = replay.letter(id).orElseThrow(() -> WalletProblem.notFound("dead letter"));
        if (!letter.replayable()) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "cannot_replay", "dead letter " + id + " of "
                    + letter.topic() + " was kept without the headers it came with; close it instead");
        }
        UUID decision = UUID.randomUUID();
        replay.send(letter, decision);
        return transaction.execute(status -> actions.record(decision, operator, "dead_letter", id, "replayed", reason,
                item.details(), Map.of("status", "replayed", "topic", letter.topic(), "partition", letter.partition()),
                null, null));
    }

    OperatorActions.Action closePaymentException(UUID operator, String id, String reason) {
        return transaction.execute(status -> {
            OperatorDesk.QueueItem item = waiting(List.of(Queue.PAYMENT_EXCEPTIONS, Queue.OVER_REFUNDS), id,
                    "payment_exceptions");
            return actions.record(operator, "payment_exception", id, "closed", reason, item.details(),
                    Map.of("status", "closed"), null, null);
        });
    }

    OperatorActions.Action linkPaymentException(UUID operator, String id, String depositReference, String reason) {
        return transaction.execute(status -> {
            OperatorDesk.QueueItem item = waiting(List.of(Queue.PAYMENT_EXCEPTIONS, Queue.OVER_REFUNDS), id,
                    "payment_exceptions");
            boolean deposit = jdbc.sql("select exists (select 1 from deposits where reference = ?)")
                .param(depositReference)
                .query(Boolean.class)
                .single();
            if (!deposit) {
                throw WalletProblem.notFound("deposit " + depositReference);
            }
            return actions.record(operator, "payment_exception", id, "linked", reason, item.details(),
                    Map.of("status", "linked", "deposit_reference", depositReference), null, null);
        });
    }

    /**
     * A deposit in review rejected: it becomes {@code rejected} and is never credited
     * (ledger-worker credits no deposit in that status, whatever Paystack says later).
     */
    OperatorActions.Action rejectDeposit(UUID operator, String reference, String reason) {
        return transaction.execute(status -> {
            OperatorDesk.QueueItem item = waiting(List.of(Queue.DEPOSITS_IN_REVIEW), reference, "deposits");
            int rejected = jdbc.sql("update deposits set status = 'rejected' where reference = ? and status = 'review'")
                .param(reference)
                .update();
            if (rejected != 1) {
                throw new OperatorActions.AlreadyDecided("deposit", reference);
            }
            return actions.record(operator, "deposit", reference, "rejected", reason, item.details(),
                    Map.of("status", "rejected"), null, null);
        });
    }

    /**
     * The item, still waiting in one of these queues; 404 if the table has no such row,
     * 409 {@code already_decided} if it has one that waits no more.
     */
    private OperatorDesk.QueueItem waiting(List<Queue> queues, String id, String table) {
        for (Queue queue : queues) {
            var item = desk.item(queue, id);
            if (item.isPresent()) {
                return item.get();
            }
        }
        String key = table.equals("deposits") ? "reference" : "id::text";
        boolean exists = jdbc.sql("select exists (select 1 from " + table + " where " + key + " = ?)")
            .param(id)
            .query(Boolean.class)
            .single();
        if (!exists) {
            throw WalletProblem.notFound(queues.get(0).subjectKind().replace('_', ' '));
        }
        throw new OperatorActions.AlreadyDecided(queues.get(0).subjectKind(), id);
    }

}
