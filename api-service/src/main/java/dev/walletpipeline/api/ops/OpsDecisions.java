package dev.walletpipeline.api.ops;

import dev.walletpipeline.api.problem.WalletProblem;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The decisions that move no money: closing what needs nothing more (a dead letter, a
 * payment exception or an over-refund, with a note), linking a payment exception to a
 * deposit, and rejecting a deposit in review. Each is one transaction: the change, if
 * any, and its row in the trail, before and after. Only what still waits in a queue can
 * be decided, and only once.
 */
@Component
class OpsDecisions {

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final OperatorDesk desk;

    private final OperatorActions actions;

    OpsDecisions(JdbcClient jdbc, TransactionTemplate transaction, OperatorDesk desk, OperatorActions actions) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.desk = desk;
        this.actions = actions;
    }

    OperatorActions.Action closeDeadLetter(UUID operator, String id, String reason) {
        return transaction.execute(status -> {
            OperatorDesk.QueueItem item = waiting(List.of(Queue.DEAD_LETTERS), id, "dead_letters");
            return actions.record(operator, "dead_letter", id, "closed", reason, item.details(),
                    Map.of("status", "closed"), null, null);
        });
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
