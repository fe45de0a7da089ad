package dev.walletpipeline.api.transfer;

import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.api.wallet.WalletFunds;
import dev.walletpipeline.contracts.TransferRequested;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records transfer intents with their outbox rows, and reads them back. Never touches
 * balances.
 */
@Repository
class Transfers {

    /** The one currency wallets hold today; the schema's default for transfers too. */
    private static final String CURRENCY = "NGN";

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    Transfers(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    record Transfer(UUID id, UUID fromWalletId, String fromWalletNumber, UUID toWalletId, String toWalletNumber,
            long amount, String currency, String status, @Nullable String reason, Instant createdAt,
            @Nullable Instant completedAt) {
    }

    /**
     * The request as the client sent it; its hash decides whether an Idempotency-Key was
     * reused honestly.
     */
    record Request(UUID fromWalletId, String fromWalletNumber, String toWalletNumber, long amount,
            @Nullable String idempotencyKey) {

        byte[] hash() {
            return Secrets.sha256(toWalletNumber + "|" + amount);
        }
    }

    /**
     * Accepts the transfer or refuses it. Requests from one wallet are serialised by an
     * advisory lock on that wallet: the available balance cannot be promised twice.
     */
    Transfer request(Request request) {
        for (int attempt = 1;; attempt++) {
            try {
                return requestOnce(request);
            }
            catch (org.springframework.dao.PessimisticLockingFailureException contention) {
                // a deadlock or lock time-out rolled the whole attempt back: nothing was
                // recorded
                if (attempt == 3) {
                    throw new WalletProblem(WalletProblem.Kind.UNAVAILABLE, "busy",
                            "the wallet is busy; retry with the same Idempotency-Key");
                }
            }
        }
    }

    /**
     * One transaction. The sender's lock is held from its statement to the commit, so a
     * hot wallet goes as fast as that stretch is short: what does not need the lock (the
     * recipient) is read before it, and under it one statement checks the available
     * balance and, when it suffices, inserts the transfer and its outbox row (the inserts
     * of a WITH run whether or not the final SELECT reads them).
     */
    private Transfer requestOnce(Request request) {
        Transfer accepted = transaction.execute(status -> {
            UUID to = jdbc.sql("select id from wallets where number = ? and kind = 'customer'")
                .param(request.toWalletNumber())
                .query(UUID.class)
                .optional()
                .orElseThrow(() -> new WalletProblem(WalletProblem.Kind.REFUSED, "recipient_not_found",
                        "no wallet has the number " + request.toWalletNumber()));
            if (to.equals(request.fromWalletId())) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "self_transfer",
                        "a wallet cannot send money to itself");
            }
            WalletFunds.lock(jdbc, request.fromWalletId());
            if (request.idempotencyKey() != null) {
                Optional<UUID> earlier = IdempotencyKeys.earlier(jdbc, "transfers", "from_wallet_id",
                        request.fromWalletId(), request.idempotencyKey(), request.hash());
                if (earlier.isPresent()) {
                    return find(earlier.get()).orElseThrow();
                }
            }
            UUID id = UUID.randomUUID();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // what
                                                                        // timestamptz
                                                                        // keeps
            TransferRequested command = new TransferRequested(TransferRequested.VERSION, id, request.fromWalletId(), to,
                    request.amount(), CURRENCY, now);
            // What is available comes from this statement's snapshot, taken after the
            // lock.
            long[] funds = jdbc.sql("with " + WalletFunds.AVAILABLE + """
                    ,
                    transfer as (
                        insert into transfers (id, from_wallet_id, to_wallet_id, amount, idempotency_key, request_hash,
                            created_at)
                        select :id, :from, :to, :amount, :key, :hash, :now from available
                        where amount >= :amount and balance >= 0
                        returning id),
                    outbox as (
                        insert into outbox (id, aggregatetype, aggregateid, type, payload, created_at)
                        select transfer.id, 'transfer', :fromText, :type, cast(:payload as jsonb), :now from transfer)
                    select amount, balance from available""")
                .param("from", request.fromWalletId())
                .param("id", id)
                .param("to", to)
                .param("amount", request.amount())
                .param("key", request.idempotencyKey(), java.sql.Types.VARCHAR)
                .param("hash", request.hash())
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .param("fromText", request.fromWalletId().toString())
                .param("type", TransferRequested.TYPE)
                .param("payload", command.toJson())
                .query((rs, n) -> new long[] { rs.getLong(1), rs.getLong(2) })
                .single();
            long available = funds[0];
            if (funds[1] < 0) {
                throw WalletProblem.inDebt(funds[1]);
            }
            if (request.amount() > available) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "insufficient_funds",
                        "the amount exceeds the available balance of " + available);
            }
            return new Transfer(id, request.fromWalletId(), request.fromWalletNumber(), to, request.toWalletNumber(),
                    request.amount(), CURRENCY, "pending", null, now, null);
        });
        if (accepted == null) {
            throw new IllegalStateException("the transfer transaction returned nothing");
        }
        return accepted;
    }

    Optional<Transfer> find(UUID id) {
        return jdbc.sql("""
                select t.id, t.from_wallet_id, f.number as from_number, t.to_wallet_id, r.number as to_number,
                       t.amount, t.currency, t.status, t.reason, t.created_at, t.completed_at
                from transfers t join wallets f on f.id = t.from_wallet_id join wallets r on r.id = t.to_wallet_id
                where t.id = ?""")
            .param(id)
            .query((rs, n) -> new Transfer(rs.getObject("id", UUID.class), rs.getObject("from_wallet_id", UUID.class),
                    rs.getString("from_number"), rs.getObject("to_wallet_id", UUID.class), rs.getString("to_number"),
                    rs.getLong("amount"), rs.getString("currency").trim(), rs.getString("status"),
                    rs.getString("reason"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                    Optional.ofNullable(rs.getObject("completed_at", OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant)
                        .orElse(null)))
            .optional();
    }

}
