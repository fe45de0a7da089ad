package dev.walletpipeline.api.wallet;

import dev.walletpipeline.api.request.Cursors;
import dev.walletpipeline.api.problem.WalletProblem;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A wallet's money movements, newest first: its deposits, the transfers it sent (whatever
 * their status), the transfers it received (once completed), refunds, each dispute's hold
 * and its end (released, or charged back), its withdrawals (whatever their status, the
 * counterparty being the bank account) and the return of those Paystack failed or
 * reversed. Paged by a keyset cursor over (created_at, id), so rows arriving while a
 * client pages never cause duplicates or gaps.
 */
@Repository
class WalletHistory {

    static final int LIMIT_MAX = 100;

    /** One page, newest first; every branch reads by an index on its wallet column. */
    static final String PAGE = """
            select * from (
                select d.reference as id, 'deposit' as type, d.amount, d.status, d.reference,
                       null::text as counterparty, d.created_at
                from deposits d where d.wallet_id = :wallet
                union all
                select t.id::text, 'transfer_out', t.amount, t.status, t.id::text, w.number, t.created_at
                from transfers t join wallets w on w.id = t.to_wallet_id where t.from_wallet_id = :wallet
                union all
                select t.id::text, 'transfer_in', t.amount, t.status, t.id::text, w.number, t.created_at
                from transfers t join wallets w on w.id = t.from_wallet_id
                where t.to_wallet_id = :wallet and t.status = 'completed'
                union all
                select 'refund:' || r.deposit_reference || ':' || r.refund_id, 'refund', r.amount, 'completed',
                       r.deposit_reference, null, r.created_at
                from refunds r where r.wallet_id = :wallet
                union all
                select 'dispute:' || d.id, 'chargeback_hold', d.amount, 'completed', d.deposit_reference, null,
                       d.created_at
                from disputes d where d.wallet_id = :wallet and d.held
                union all
                select 'dispute:' || d.id || ':' || d.status,
                       case d.status when 'released' then 'chargeback_released' else 'chargeback' end, d.amount,
                       'completed', d.deposit_reference, null, d.resolved_at
                from disputes d where d.wallet_id = :wallet and d.held and d.status <> 'held'
                union all
                select x.id::text, 'withdrawal', x.amount, x.status, x.id::text, a.account_number, x.created_at
                from withdrawals x join withdrawal_accounts a on a.id = x.account_id where x.wallet_id = :wallet
                union all
                select x.id::text || ':returned', 'withdrawal_returned', x.amount, 'completed', x.id::text,
                       a.account_number, x.completed_at
                from withdrawals x join withdrawal_accounts a on a.id = x.account_id
                where x.wallet_id = :wallet and x.status in ('failed', 'reversed') and x.debited_at is not null
            ) movements
            where (cast(:afterTime as timestamptz) is null or (created_at, id) < (:afterTime, :afterId))
              and (cast(:type as text) is null or type = :type)
              and (cast(:from as timestamptz) is null or created_at >= :from)
              and (cast(:to as timestamptz) is null or created_at < :to)
              and (cast(:minAmount as bigint) is null or amount >= :minAmount)
              and (cast(:maxAmount as bigint) is null or amount <= :maxAmount)
              and (cast(:reference as text) is null or reference = :reference)
            order by created_at desc, id desc
            limit :limit""";

    private final JdbcClient jdbc;

    WalletHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Item(String id, String type, long amount, String status, String reference,
            @Nullable String counterpartyWalletNumber, OffsetDateTime createdAt) {
    }

    record Page(List<Item> transactions, @Nullable String nextCursor) {
    }

    /** The kinds of movement, as {@code type} names them. */
    static final Set<String> TYPES = Set.of("deposit", "transfer_out", "transfer_in", "refund", "chargeback_hold",
            "chargeback_released", "chargeback", "withdrawal", "withdrawal_returned");

    /**
     * What a page is narrowed to; each part null when not asked for.
     *
     * @param from movements at or after this instant
     * @param to movements before this instant
     * @param reference a transfer id, a withdrawal id or a Paystack reference
     */
    record Filter(@Nullable String type, java.time.@Nullable Instant from, java.time.@Nullable Instant to,
            @Nullable Long minAmount, @Nullable Long maxAmount, @Nullable String reference) {

        static Filter of(@Nullable String type, java.time.@Nullable Instant from, java.time.@Nullable Instant to,
                @Nullable Long minAmount, @Nullable Long maxAmount, @Nullable String reference) {
            if (type != null && !TYPES.contains(type)) {
                throw WalletProblem.invalid("type", "invalid_type",
                        "type must be one of " + String.join(", ", new TreeSet<>(TYPES)));
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw WalletProblem.invalid("to", "invalid_date_range", "to must be after from");
            }
            if (minAmount != null && maxAmount != null && minAmount > maxAmount) {
                throw WalletProblem.invalid("max_amount", "invalid_amount_range",
                        "max_amount must be at least min_amount");
            }
            if (reference != null && (reference.isBlank() || reference.length() > 200)) {
                throw WalletProblem.invalid("reference", "invalid_reference",
                        "reference must be 1 to 200 characters: a transfer id, a withdrawal id or a Paystack reference");
            }
            return new Filter(type, from, to, minAmount, maxAmount, reference);
        }

    }

    Page page(UUID walletId, int limit, @Nullable String cursor, Filter filter) {
        if (limit < 1 || limit > LIMIT_MAX) {
            throw WalletProblem.invalid("limit", "limit must be between 1 and " + LIMIT_MAX);
        }
        Cursor after = cursor == null || cursor.isBlank() ? null : Cursor.parse(cursor);
        List<Item> items = jdbc.sql(PAGE)
            .param("wallet", walletId)
            .param("afterTime", after == null ? null : after.createdAt())
            .param("afterId", after == null ? "" : after.id())
            .param("limit", limit + 1)
            .param("type", filter.type())
            .param("from", filter.from() == null ? null : OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC))
            .param("to", filter.to() == null ? null : OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC))
            .param("minAmount", filter.minAmount())
            .param("maxAmount", filter.maxAmount())
            .param("reference", filter.reference())
            .query((rs, n) -> new Item(rs.getString("id"), rs.getString("type"), rs.getLong("amount"),
                    rs.getString("status"), rs.getString("reference"), rs.getString("counterparty"),
                    rs.getObject("created_at", OffsetDateTime.class)))
            .list();
        Cursors.Page<Item> page = Cursors.Page.of(items, limit,
                last -> new Cursor(last.createdAt(), last.id()).encode());
        return new Page(page.items(), page.nextCursor());
    }

    /** Where the previous page ended. Opaque to clients. */
    record Cursor(OffsetDateTime createdAt, String id) {

        String encode() {
            return Cursors.of(createdAt, id);
        }

        static Cursor parse(String cursor) {
            return Cursors.read(cursor, 2, parts -> new Cursor(OffsetDateTime.parse(parts[0]), parts[1]));
        }
    }

}
