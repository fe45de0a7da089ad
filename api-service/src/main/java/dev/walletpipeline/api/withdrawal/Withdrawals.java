package dev.walletpipeline.api.withdrawal;

import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.api.wallet.WalletFunds;
import dev.walletpipeline.contracts.OrderedIds;
import dev.walletpipeline.contracts.states.WithdrawalStatus;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records withdrawal requests, each row its own command, and reads them back. Never
 * touches balances: the amount is held by being counted out of the available balance
 * until ledger-worker debits it.
 */
@Repository
class Withdrawals {

    private static final String CURRENCY = "NGN";

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final WithdrawalSettings settings;

    Withdrawals(JdbcClient jdbc, TransactionTemplate transaction, WithdrawalSettings settings) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.settings = settings;
    }

    record Withdrawal(UUID id, UUID walletId, UUID accountId, long amount, String currency, WithdrawalStatus status,
            @Nullable String reason, Instant createdAt, @Nullable Instant completedAt) {
    }

    record Request(UUID walletId, UUID accountId, String recipientCode, Instant accountUsableFrom, long amount,
            @Nullable String idempotencyKey) {

        byte[] hash() {
            return Secrets.sha256(accountId + "|" + amount);
        }
    }

    /**
     * Accepts the withdrawal or refuses it, in one transaction under the wallet's lock
     * (the one transfers take): limits, debt and the available balance are checked
     * against the same snapshot the insert is made in.
     */
    Withdrawal request(Request request) {
        Withdrawal accepted = transaction.execute(status -> {
            WalletFunds.lock(jdbc, request.walletId());
            if (request.idempotencyKey() != null) {
                Optional<UUID> earlier = IdempotencyKeys.earlier(jdbc, "withdrawals", "wallet_id", request.walletId(),
                        request.idempotencyKey(), request.hash());
                if (earlier.isPresent()) {
                    return find(earlier.get()).orElseThrow();
                }
            }
            if (request.amount() < settings.minimum() || request.amount() > settings.maximum()) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "withdrawal_limit_exceeded",
                        "a withdrawal must be between " + settings.minimum() + " and " + settings.maximum() + " kobo");
            }
            long today = jdbc
                .sql("""
                        select coalesce(sum(amount), 0) from withdrawals
                        where wallet_id = ? and status not in ('failed', 'reversed')
                          and created_at >= date_trunc('day', now() at time zone 'Africa/Lagos') at time zone 'Africa/Lagos'""")
                .param(request.walletId())
                .query(Long.class)
                .single();
            if (today + request.amount() > settings.dailyMaximum()) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "withdrawal_limit_exceeded",
                        "this wallet may withdraw " + settings.dailyMaximum() + " kobo a day; " + today
                                + " already withdrawn today");
            }
            UUID id = OrderedIds.next();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            if (request.accountUsableFrom().isAfter(now)) {
                // The database refuses the same (withdrawal_account_is_usable).
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "withdrawal_account_cooling_off",
                        "this account was saved recently and can be paid out to from " + request.accountUsableFrom());
            }
            long[] funds = jdbc.sql("with " + WalletFunds.AVAILABLE + """
                    ,
                    withdrawal as (
                        insert into withdrawals (id, wallet_id, account_id, recipient_code, amount, reference,
                            idempotency_key, request_hash, created_at)
                        select :id, :from, :account, :recipient, :amount, :reference, :key, :hash, :now from available
                        where amount >= :amount and balance >= 0
                        returning id)
                    select amount, balance from available""")
                .param("from", request.walletId())
                .param("id", id)
                .param("account", request.accountId())
                .param("recipient", request.recipientCode())
                .param("amount", request.amount())
                .param("reference", id.toString())
                .param("key", request.idempotencyKey(), Types.VARCHAR)
                .param("hash", request.hash())
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .query((rs, n) -> new long[] { rs.getLong(1), rs.getLong(2) })
                .single();
            if (funds[1] < 0) {
                throw WalletProblem.inDebt(funds[1]);
            }
            if (request.amount() > funds[0]) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "insufficient_funds",
                        "the amount exceeds the available balance of " + funds[0]);
            }
            return new Withdrawal(id, request.walletId(), request.accountId(), request.amount(), CURRENCY,
                    WithdrawalStatus.PENDING, null, now, null);
        });
        if (accepted == null) {
            throw new IllegalStateException("the withdrawal transaction returned nothing");
        }
        return accepted;
    }

    Optional<Withdrawal> find(UUID id) {
        return jdbc.sql("""
                select id, wallet_id, account_id, amount, currency, status, reason, created_at, completed_at
                from withdrawals where id = ?""")
            .param(id)
            .query((rs, n) -> new Withdrawal(rs.getObject("id", UUID.class), rs.getObject("wallet_id", UUID.class),
                    rs.getObject("account_id", UUID.class), rs.getLong("amount"), rs.getString("currency").trim(),
                    WithdrawalStatus.of(rs.getString("status")), rs.getString("reason"),
                    rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                    Optional.ofNullable(rs.getObject("completed_at", OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant)
                        .orElse(null)))
            .optional();
    }

}
