package dev.walletpipeline.api.transfer;

import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.api.wallet.WalletFunds;
import dev.walletpipeline.contracts.TransferRequested;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
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

    /**
     * The most requests one transaction decides: at about 0.3 ms each, a turn holds its
     * wallet's lock for some 10 ms at most, about what 64 requests queued one by one
     * waited for it before turns were grouped.
     */
    private static final int GROUP_SIZE_MAX = 32;

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final GroupCommit<UUID, Addressed, Transfer> turns;

    private final DistributionSummary groupSizes;

    Transfers(JdbcClient jdbc, TransactionTemplate transaction, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.groupSizes = DistributionSummary.builder("wallet.transfer.group.size")
            .description("transfer requests of one wallet decided in one transaction")
            .register(meters);
        this.turns = new GroupCommit<>(GROUP_SIZE_MAX, this::turn);
        Gauge.builder("wallet.transfer.waiting", turns, GroupCommit::waiting)
            .description("transfer requests waiting on this instance for their wallet's turn")
            .register(meters);
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

    /** A request whose recipient exists and is not its sender. */
    private record Addressed(Request request, UUID to) {
    }

    /** What a turn decided for one request: accepted (pending), or refused. */
    private record Decision(@Nullable Transfer accepted, @Nullable WalletProblem refused) {
    }

    /** A statement failed: the group's transaction rolled back and recorded nothing. */
    private static final class StatementFailed extends RuntimeException {

        StatementFailed(DataAccessException cause) {
            super(cause);
        }

        DataAccessException failure() {
            return (DataAccessException) getCause();
        }

    }

    /**
     * Accepts the transfer or refuses it. Requests from one wallet take turns under an
     * advisory lock on that wallet, so the available balance cannot be promised twice; a
     * turn decides every request of the wallet that waited for it on this instance (see
     * {@link GroupCommit}).
     */
    Transfer request(Request request) {
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
        return turns.submit(request.fromWalletId(), new Addressed(request, to));
    }

    /**
     * One turn of a wallet: its requests decided in one transaction, answered only once
     * it committed. When one request's statement fails, the transaction rolled back and
     * recorded nothing, so each request is then decided again alone and the failure stays
     * with the request that caused it.
     */
    private void turn(UUID wallet, List<GroupCommit.Member<Addressed, Transfer>> group) {
        groupSizes.record(group.size());
        List<Decision> decisions;
        try {
            decisions = decideInOneTransaction(wallet, group.stream().map(GroupCommit.Member::request).toList());
        }
        catch (StatementFailed failed) {
            if (group.size() == 1) {
                throw failed.failure();
            }
            for (GroupCommit.Member<Addressed, Transfer> member : group) {
                try {
                    answer(member, decideInOneTransaction(wallet, List.of(member.request())).get(0));
                }
                catch (StatementFailed alone) {
                    member.fail(alone.failure());
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            answer(group.get(i), decisions.get(i));
        }
    }

    private static void answer(GroupCommit.Member<Addressed, Transfer> member, Decision decision) {
        if (decision.accepted() != null) {
            member.answer(decision.accepted());
        }
        else {
            member.fail(Objects.requireNonNull(decision.refused()));
        }
    }

    /**
     * One transaction under the sender's lock, held from its first statement to the
     * commit: a hot wallet goes as fast as that stretch is short, so what does not need
     * the lock (the recipient) was read before it. Retried when a deadlock or lock
     * time-out rolled it back.
     */
    private List<Decision> decideInOneTransaction(UUID wallet, List<Addressed> requests) {
        for (int attempt = 1;; attempt++) {
            try {
                List<Decision> decisions = transaction.execute(status -> {
                    try {
                        WalletFunds.lock(jdbc, wallet);
                        return requests.stream().map(this::decide).toList();
                    }
                    catch (PessimisticLockingFailureException contention) {
                        throw contention;
                    }
                    catch (DataAccessException failure) {
                        throw new StatementFailed(failure);
                    }
                });
                return Objects.requireNonNull(decisions, "the transfer transaction returned nothing");
            }
            catch (PessimisticLockingFailureException contention) {
                // rolled back: nothing was recorded
                if (attempt == 3) {
                    throw new WalletProblem(WalletProblem.Kind.UNAVAILABLE, "busy",
                            "the wallet is busy; retry with the same Idempotency-Key");
                }
            }
        }
    }

    /**
     * Decides one request under its wallet's lock, after the requests of its turn before
     * it: their inserts are this transaction's, so each statement's snapshot counts them.
     * One statement checks the available balance and, when it suffices, inserts the
     * transfer and its outbox row (the inserts of a WITH run whether or not the final
     * SELECT reads them); a refused request inserts nothing, so the turn goes on.
     */
    private Decision decide(Addressed addressed) {
        Request request = addressed.request();
        try {
            if (request.idempotencyKey() != null) {
                Optional<UUID> earlier = IdempotencyKeys.earlier(jdbc, "transfers", "from_wallet_id",
                        request.fromWalletId(), request.idempotencyKey(), request.hash());
                if (earlier.isPresent()) {
                    return new Decision(find(earlier.get()).orElseThrow(), null);
                }
            }
            UUID id = UUID.randomUUID();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // what
                                                                        // timestamptz
                                                                        // keeps
            TransferRequested command = new TransferRequested(TransferRequested.VERSION, id, request.fromWalletId(),
                    addressed.to(), request.amount(), CURRENCY, now);
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
                .param("to", addressed.to())
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
            return new Decision(new Transfer(id, request.fromWalletId(), request.fromWalletNumber(), addressed.to(),
                    request.toWalletNumber(), request.amount(), CURRENCY, "pending", null, now, null), null);
        }
        catch (WalletProblem refused) {
            return new Decision(null, refused);
        }
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
