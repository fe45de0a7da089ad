package dev.walletpipeline.api.transfer;

import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.api.wallet.WalletFunds;
import dev.walletpipeline.contracts.OrderedIds;
import dev.walletpipeline.contracts.states.TransferStatus;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records transfer intents, each row its own command, and reads them back. Never touches
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

    /**
     * The most transfer requests waiting on an instance for their turn, and the longest
     * one waits: beyond either, the request is refused (503 busy) before it is decided.
     */
    private static final int WAITING_REQUESTS_MAX = 10_000;

    private static final Duration WAIT_FOR_TURN_MAX = Duration.ofSeconds(10);

    /**
     * Turns that run at once when they group across wallets: each takes the wallets whose
     * id hashes to it, so two turns never want one wallet's lock, and the database works
     * on a few connections, not one.
     */
    private static final int LANES = 4;

    private final boolean acrossWallets;

    /** How many times a transaction rolled back by contention is tried before busy. */
    static final int CONTENTION_ATTEMPTS_MAX = 3;

    /**
     * How many times a turn decides its requests against the wallet's figures before it
     * gives up (busy): each pass after the first runs only when the figures changed under
     * the one before.
     */
    private static final int FUNDS_PASSES_MAX = 5;

    /** Recipients by wallet number: at most this many, then forgotten all at once. */
    private static final int RECIPIENTS_KEPT = 100_000;

    private final ConcurrentMap<String, UUID> recipients = new ConcurrentHashMap<>();

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final GroupCommit<UUID, Addressed, Transfer> turns;

    private final DistributionSummary groupSizes;

    Transfers(JdbcClient jdbc, TransactionTemplate transaction, MeterRegistry meters, TransferSettings settings) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.acrossWallets = settings.groupAcrossWallets();
        this.groupSizes = DistributionSummary.builder("wallet.transfer.group.size")
            .description("transfer requests decided in one transaction")
            .register(meters);
        this.turns = new GroupCommit<>(GROUP_SIZE_MAX, WAITING_REQUESTS_MAX, WAIT_FOR_TURN_MAX, Transfers::busy,
                this::turn);
        Gauge.builder("wallet.transfer.waiting", turns, GroupCommit::waiting)
            .description("transfer requests waiting on this instance for their turn")
            .register(meters);
    }

    record Transfer(UUID id, UUID fromWalletId, String fromWalletNumber, UUID toWalletId, String toWalletNumber,
            long amount, String currency, TransferStatus status, @Nullable String reason, Instant createdAt,
            @Nullable Instant completedAt) {
    }

    /**
     * The request as the client sent it; its hash decides whether an Idempotency-Key was
     * reused honestly.
     */
    record Request(UUID fromWalletId, String fromWalletNumber, String toWalletNumber, long amount,
            @Nullable String idempotencyKey) {

        byte[] hash() {
            return requestHash(toWalletNumber, amount);
        }
    }

    /**
     * What a request to send this amount to this wallet hashes to: a single transfer and
     * a bulk item asking the same hash the same.
     */
    static byte[] requestHash(String toWalletNumber, long amount) {
        return Secrets.sha256(toWalletNumber + "|" + amount);
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
        UUID to = recipient(request.toWalletNumber());
        if (to.equals(request.fromWalletId())) {
            throw new WalletProblem(WalletProblem.Kind.REFUSED, "self_transfer",
                    "a wallet cannot send money to itself");
        }
        UUID lane = acrossWallets ? new UUID(0, Math.floorMod(request.fromWalletId().hashCode(), LANES))
                : request.fromWalletId();
        return turns.submit(lane, new Addressed(request, to));
    }

    /**
     * The customer wallet with this number. Found ones are kept: a wallet's number and
     * kind never change and wallets are never deleted (one that is closed is refused by
     * ledger-worker). A number not found is asked again next time.
     */
    private UUID recipient(String number) {
        UUID known = recipients.get(number);
        if (known != null) {
            return known;
        }
        UUID found = jdbc.sql("select id from wallets where number = ? and kind = 'customer'")
            .param(number)
            .query(UUID.class)
            .optional()
            .orElseThrow(() -> new WalletProblem(WalletProblem.Kind.REFUSED, "recipient_not_found",
                    "no wallet has the number " + number));
        if (recipients.size() >= RECIPIENTS_KEPT) {
            recipients.clear();
        }
        recipients.put(number, found);
        return found;
    }

    /**
     * One turn: its requests (of one wallet, or of the wallets of one lane) decided in
     * one transaction, answered only once it committed. When one request's statement
     * fails, the transaction rolled back and recorded nothing, so each request is then
     * decided again alone and the failure stays with the request that caused it.
     */
    private void turn(UUID lane, List<GroupCommit.Member<Addressed, Transfer>> group) {
        groupSizes.record(group.size());
        Map<UUID, List<Addressed>> byWallet = new LinkedHashMap<>();
        group.forEach(m -> byWallet.computeIfAbsent(m.request().request().fromWalletId(), w -> new ArrayList<>())
            .add(m.request()));
        Map<UUID, List<Decision>> decisions;
        try {
            decisions = decideInOneTransaction(byWallet);
        }
        catch (StatementFailed failed) {
            if (group.size() == 1) {
                throw failed.failure();
            }
            for (GroupCommit.Member<Addressed, Transfer> member : group) {
                UUID wallet = member.request().request().fromWalletId();
                try {
                    answer(member,
                            decideInOneTransaction(Map.of(wallet, List.of(member.request()))).get(wallet).get(0));
                }
                catch (StatementFailed alone) {
                    member.fail(alone.failure());
                }
            }
            return;
        }
        Map<UUID, Integer> next = new HashMap<>();
        for (GroupCommit.Member<Addressed, Transfer> member : group) {
            UUID wallet = member.request().request().fromWalletId();
            answer(member, decisions.get(wallet).get(next.merge(wallet, 1, Integer::sum) - 1));
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
     * One transaction under the senders' locks, held from its first statement to the
     * commit, taken in wallet order (no two turns wait for each other): a hot wallet goes
     * as fast as that stretch is short, so what does not need the locks (the recipients)
     * was read before. Each wallet's requests are decided on their own. Retried when a
     * deadlock or lock time-out rolled it back.
     */
    private Map<UUID, List<Decision>> decideInOneTransaction(Map<UUID, List<Addressed>> requests) {
        return retriedOnContention(transaction, () -> {
            try {
                WalletFunds.lock(jdbc, requests.keySet());
                Map<UUID, List<Decision>> decided = new HashMap<>();
                requests.forEach((wallet, its) -> decided.put(wallet, decideUnderLock(wallet, its)));
                return decided;
            }
            catch (PessimisticLockingFailureException contention) {
                throw contention;
            }
            catch (DataAccessException failure) {
                throw new StatementFailed(failure);
            }
        }, Transfers::busy);
    }

    /**
     * {@code work} in one transaction, run again when a deadlock or a lock time-out
     * rolled it back (nothing was recorded then), at most
     * {@link #CONTENTION_ATTEMPTS_MAX} times in all; then the problem {@code busy} gives.
     */
    static <T> T retriedOnContention(TransactionTemplate transaction, Supplier<T> work, Supplier<WalletProblem> busy) {
        for (int attempt = 1;; attempt++) {
            try {
                return Objects.requireNonNull(transaction.execute(status -> work.get()),
                        "the transaction returned nothing");
            }
            catch (PessimisticLockingFailureException contention) {
                if (attempt == CONTENTION_ATTEMPTS_MAX) {
                    throw busy.get();
                }
            }
        }
    }

    /** A transfer accepted in this turn, not yet recorded, and the request it answers. */
    private record Accepted(Transfer transfer, Request request) {
    }

    /** What the sending wallet has, as one statement's snapshot saw it. */
    private record Funds(long available, long balance) {
    }

    /**
     * Decides the requests one after another, each against what the ones before it left
     * available, and records those accepted with one statement. That statement inserts
     * them only if the wallet's available balance, read in the same snapshot, covers them
     * all; the first pass assumes it does (so a lone request costs one statement, as it
     * always did), and when it does not, the requests are decided again against the
     * figures the statement answered.
     */
    private List<Decision> decideUnderLock(UUID wallet, List<Addressed> requests) {
        // what timestamptz keeps
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<String, IdempotencyKeys.Recorded> earlier = IdempotencyKeys.recorded(jdbc, "transfers", "from_wallet_id",
                wallet, requests.stream().map(a -> a.request().idempotencyKey()).filter(Objects::nonNull).toList());
        @Nullable Funds funds = null;
        for (int pass = 1;; pass++) {
            Map<String, IdempotencyKeys.Recorded> keys = new HashMap<>(earlier);
            Map<UUID, Accepted> accepted = new LinkedHashMap<>();
            long available = funds == null ? Long.MAX_VALUE : funds.available();
            List<Decision> decisions = new ArrayList<>();
            for (Addressed addressed : requests) {
                Request request = addressed.request();
                String key = request.idempotencyKey();
                try {
                    IdempotencyKeys.Recorded before = key == null ? null : keys.get(key);
                    if (before != null) {
                        UUID id = before.sameAs(request.hash());
                        Accepted inThisTurn = accepted.get(id);
                        decisions.add(new Decision(inThisTurn != null ? inThisTurn.transfer() : find(id).orElseThrow(),
                                null));
                        continue;
                    }
                    if (funds != null && funds.balance() < 0) {
                        throw WalletProblem.inDebt(funds.balance());
                    }
                    if (request.amount() > available) {
                        throw new WalletProblem(WalletProblem.Kind.REFUSED, "insufficient_funds",
                                "the amount exceeds the available balance of " + available);
                    }
                    Transfer transfer = new Transfer(OrderedIds.next(), wallet, request.fromWalletNumber(),
                            addressed.to(), request.toWalletNumber(), request.amount(), CURRENCY,
                            TransferStatus.PENDING, null, now, null);
                    available -= request.amount();
                    accepted.put(transfer.id(), new Accepted(transfer, request));
                    if (key != null) {
                        keys.put(key, new IdempotencyKeys.Recorded(transfer.id(), request.hash()));
                    }
                    decisions.add(new Decision(transfer, null));
                }
                catch (WalletProblem refused) {
                    decisions.add(new Decision(null, refused));
                }
            }
            if (accepted.isEmpty()) {
                return decisions;
            }
            Funds seen = record(wallet, List.copyOf(accepted.values()), now);
            if (seen == null) {
                return decisions;
            }
            if (pass == FUNDS_PASSES_MAX) {
                // the wallet's figures changed under every pass (refunds or chargebacks
                // posting): nothing was recorded
                throw busy();
            }
            funds = seen;
        }
    }

    /**
     * Inserts the accepted transfers, in arrival order, if the wallet's available balance
     * covers them all. Each inserted row is its transfer's command (the relay streams
     * it).
     * @return null when they were recorded, else the figures that refused them
     */
    private @Nullable Funds record(UUID wallet, List<Accepted> accepted, Instant now) {
        List<Transfer> transfers = accepted.stream().map(Accepted::transfer).toList();
        long total = transfers.stream().mapToLong(Transfer::amount).sum();
        Object[] answer = jdbc.sql("with " + WalletFunds.AVAILABLE + """
                ,
                requested as (
                    select * from unnest(cast(:ids as uuid[]), cast(:tos as uuid[]), cast(:amounts as bigint[]),
                                         cast(:keys as text[]), cast(:hashes as text[]))
                        with ordinality as r(id, to_wallet_id, amount, idempotency_key, request_hash, n)),
                transfer as (
                    insert into transfers (id, from_wallet_id, to_wallet_id, amount, idempotency_key, request_hash,
                        created_at)
                    select r.id, :from, r.to_wallet_id, r.amount, r.idempotency_key, decode(r.request_hash, 'hex'), :now
                    from requested r, available
                    where available.amount >= :total and available.balance >= 0
                    order by r.n
                    returning id)
                select amount, balance, (select count(*) from transfer) from available""")
            .param("from", wallet)
            .param("ids", transfers.stream().map(Transfer::id).toArray(UUID[]::new))
            .param("tos", transfers.stream().map(Transfer::toWalletId).toArray(UUID[]::new))
            .param("amounts", transfers.stream().mapToLong(Transfer::amount).toArray())
            .param("keys", accepted.stream().map(a -> a.request().idempotencyKey()).toArray(String[]::new))
            .param("hashes",
                    accepted.stream().map(a -> HexFormat.of().formatHex(a.request().hash())).toArray(String[]::new))
            .param("total", total)
            .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .query((rs, n) -> new Object[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) })
            .single();
        long inserted = (Long) answer[2];
        if (inserted == transfers.size()) {
            return null;
        }
        if (inserted != 0) {
            throw new IllegalStateException("recorded " + inserted + " of " + transfers.size() + " transfers");
        }
        return new Funds((Long) answer[0], (Long) answer[1]);
    }

    private static WalletProblem busy() {
        return new WalletProblem(WalletProblem.Kind.UNAVAILABLE, "busy",
                "the wallet is busy; retry with the same Idempotency-Key");
    }

    /**
     * The columns {@link #row} reads, from a transfer and its two wallets; a query adds
     * its own {@code where}.
     */
    static final String SELECT = """
            select t.id, t.from_wallet_id, f.number as from_number, t.to_wallet_id, r.number as to_number,
                   t.amount, t.currency, t.status, t.reason, t.created_at, t.completed_at, t.idempotency_key
            from transfers t join wallets f on f.id = t.from_wallet_id join wallets r on r.id = t.to_wallet_id
            """;

    static Transfer row(ResultSet rs) throws SQLException {
        return new Transfer(rs.getObject("id", UUID.class), rs.getObject("from_wallet_id", UUID.class),
                rs.getString("from_number"), rs.getObject("to_wallet_id", UUID.class), rs.getString("to_number"),
                rs.getLong("amount"), rs.getString("currency").trim(), TransferStatus.of(rs.getString("status")),
                rs.getString("reason"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                Optional.ofNullable(rs.getObject("completed_at", OffsetDateTime.class))
                    .map(OffsetDateTime::toInstant)
                    .orElse(null));
    }

    Optional<Transfer> find(UUID id) {
        return jdbc.sql(SELECT + "where t.id = ?").param(id).query((rs, n) -> row(rs)).optional();
    }

}
