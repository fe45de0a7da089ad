package dev.walletpipeline.api.ops;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The queues of the operator's desk: each is what the pipeline set aside for a person and
 * no operator has yet decided. An item's {@code since} is when it was set aside; the
 * oldest is served first.
 */
enum Queue {

    /**
     * Deposits whose Paystack amount or currency differed from what was opened: nothing
     * was credited.
     */
    DEPOSITS_IN_REVIEW("deposit", """
            select d.reference as id, coalesce(d.settled_at, d.created_at) as since,
                   d.reference, w.number as wallet_number, d.amount, d.currency, d.review_reason, d.paystack_id,
                   d.created_at as opened_at
            from deposits d join wallets w on w.id = d.wallet_id
            where d.status = 'review'"""),

    /**
     * Paystack events about nothing we issued, or that moved no money for a reason of
     * their own; not those about a deposit in review, nor refunds over their deposit
     * (each has its queue), nor one an operator closed or linked.
     */
    PAYMENT_EXCEPTIONS("payment_exception", """
            select e.id::text as id, e.recorded_at as since, e.reference, e.paystack_id, e.reason, e.body
            from payment_exceptions e
            where e.reason !~ :over_refund
              and not exists (select 1 from deposits d where d.reference = e.reference and d.status = 'review')
              and not exists (select 1 from operator_actions a
                              where a.subject_kind = 'payment_exception' and a.subject_id = e.id::text)"""),

    /**
     * Records ledger-worker could never apply, with the reason and the original bytes;
     * not one an operator replayed or closed.
     */
    DEAD_LETTERS("dead_letter", """
            select l.id::text as id, l.recorded_at as since, l.topic, l.kafka_partition, l.kafka_offset,
                   l.reason, l.record_key, l.payload, l.record_headers is not null as replayable
            from dead_letters l
            where not exists (select 1 from operator_actions a
                              where a.subject_kind = 'dead_letter' and a.subject_id = l.id::text)"""),

    /**
     * Refunds Paystack reported that would take back more than their deposit: nothing
     * moved.
     */
    OVER_REFUNDS("payment_exception", """
            select e.id::text as id, e.recorded_at as since, e.reference, e.paystack_id, e.reason, e.body
            from payment_exceptions e
            where e.reason ~ :over_refund
              and not exists (select 1 from operator_actions a
                              where a.subject_kind = 'payment_exception' and a.subject_id = e.id::text)"""),

    /**
     * Withdrawals sent to Paystack whose outcome has not come past the time they are
     * verified after ({@code wallet.withdrawals.verify-after}).
     */
    STUCK_WITHDRAWALS("withdrawal", """
            select x.id::text as id, x.sent_at as since, w.number as wallet_number, x.amount, x.currency,
                   x.transfer_code, x.verified_at, x.created_at as requested_at
            from withdrawals x join wallets w on w.id = x.wallet_id
            where x.status = 'processing' and x.sent_at < now() - make_interval(secs => :verify_after)"""),

    /** Transfers still pending a minute after the API accepted them. */
    PENDING_TRANSFERS("transfer", """
            select t.id::text as id, t.created_at as since, f.number as from_wallet_number,
                   r.number as to_wallet_number, t.amount, t.debited_at is not null as debited, t.batch_id
            from transfers t join wallets f on f.id = t.from_wallet_id join wallets r on r.id = t.to_wallet_id
            where t.status = 'pending' and t.created_at < now() - interval '1 minute'""");

    /**
     * How ledger-worker words a refund that would pass its deposit (RefundsAndDisputes),
     * as a regular expression: the queries' {@code :over_refund}.
     */
    static final String OVER_REFUND_REASON = "^refund .* would take back more than the deposit";

    private final String subjectKind;

    private final String rows;

    Queue(String subjectKind, String rows) {
        this.subjectKind = subjectKind;
        this.rows = rows;
    }

    /** The queue's name in the API. */
    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Queue> of(String wire) {
        return Arrays.stream(values()).filter(queue -> queue.wire().equals(wire)).findFirst();
    }

    /** What an operator's action on one of its items names as its subject. */
    String subjectKind() {
        return subjectKind;
    }

    /**
     * The queue's items: at least {@code id} (text) and {@code since}, then its own
     * columns. Named parameters: {@code :over_refund} ({@link #OVER_REFUND_REASON}) and
     * {@code :verify_after} (seconds).
     */
    String rows() {
        return rows;
    }

}
