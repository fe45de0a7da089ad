package dev.walletpipeline.api.transfer;

import dev.walletpipeline.contracts.OrderedIds;
import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.wallet.WalletFunds;
import dev.walletpipeline.contracts.states.TransferStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk transfers: up to {@link #ITEMS_MAX} transfers from one wallet, recorded in one
 * transaction as transfer rows of one batch; the batch row is the whole batch's command.
 * Each item's {@code reference} is its idempotency key, in the same namespace as the
 * {@code Idempotency-Key} of single transfers. An atomic batch is accepted whole or not
 * at all, and ledger-worker debits it whole or rejects it whole; in any other batch each
 * item stands alone: an item the available balance does not cover is recorded rejected at
 * once, and the others go on.
 */
@Repository
class BulkTransfers {

    static final int ITEMS_MAX = 100;

    /** The longest item reference: it is an idempotency key. */
    static final int REFERENCE_CHARACTERS_MAX = IdempotencyKeys.KEY_CHARACTERS_MAX;

    private static final String CURRENCY = "NGN";

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    BulkTransfers(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** One item as the client sent it. */
    record Item(String walletNumber, long amount, String reference) {

        /** The same hash a single transfer of this amount to this wallet has. */
        byte[] hash() {
            return Transfers.requestHash(walletNumber, amount);
        }

    }

    record Request(UUID fromWalletId, String fromWalletNumber, boolean atomic, List<Item> items) {
    }

    /** A batch and its items in order, each a transfer. */
    record Batch(UUID id, boolean atomic, Instant createdAt, List<BatchItem> items) {

        long count(TransferStatus status) {
            return items.stream().filter(i -> i.transfer().status() == status).count();
        }

    }

    record BatchItem(String reference, Transfers.Transfer transfer) {
    }

    /** An item with its recipient found. */
    private record Addressed(Item item, UUID to) {
    }

    /**
     * Records the batch, or answers the batch these references already made.
     * @throws WalletProblem {@code recipient_not_found} or {@code self_transfer} naming
     * the item; {@code insufficient_funds} or {@code wallet_in_debt} for an atomic batch
     * the wallet cannot cover; {@code idempotency_conflict} when a reference was used by
     * another request
     */
    Batch request(Request request) {
        List<Addressed> items = addressed(request);
        return Transfers.retriedOnContention(transaction, () -> {
            WalletFunds.lock(jdbc, request.fromWalletId());
            return decideUnderLock(request, items);
        }, () -> new WalletProblem(WalletProblem.Kind.UNAVAILABLE, "busy",
                "the wallet is busy; retry with the same references"));
    }

    /** Every recipient, in one query, read before the wallet's lock is taken. */
    private List<Addressed> addressed(Request request) {
        Map<String, UUID> wallets = jdbc
            .sql("select number, id from wallets where number = any(?) and kind = 'customer'")
            .param(request.items().stream().map(Item::walletNumber).distinct().toArray(String[]::new))
            .query((rs, n) -> Map.entry(rs.getString(1), rs.getObject(2, UUID.class)))
            .list()
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        List<Addressed> addressed = new ArrayList<>();
        for (int i = 0; i < request.items().size(); i++) {
            Item item = request.items().get(i);
            UUID to = wallets.get(item.walletNumber());
            if (to == null) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "recipient_not_found",
                        "transfers[" + i + "]: no wallet has the number " + item.walletNumber());
            }
            if (to.equals(request.fromWalletId())) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "self_transfer",
                        "transfers[" + i + "]: a wallet cannot send money to itself");
            }
            addressed.add(new Addressed(item, to));
        }
        return addressed;
    }

    private Batch decideUnderLock(Request request, List<Addressed> items) {
        UUID wallet = request.fromWalletId();
        Optional<Batch> repeated = repeated(wallet, request.items());
        if (repeated.isPresent()) {
            return repeated.get();
        }
        WalletFunds.Funds funds = WalletFunds.of(jdbc, wallet);
        long available = funds.available();
        long balance = funds.balance();
        long total = items.stream().mapToLong(a -> a.item().amount()).sum();
        if (request.atomic() && balance < 0) {
            throw WalletProblem.inDebt(balance);
        }
        if (request.atomic() && total > available) {
            throw new WalletProblem(WalletProblem.Kind.REFUSED, "insufficient_funds",
                    "the batch's total of " + total + " exceeds the available balance of " + available);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID batchId = OrderedIds.next();
        List<BatchItem> decided = new ArrayList<>();
        for (Addressed addressed : items) {
            Item item = addressed.item();
            String refusal = balance < 0 ? "wallet_in_debt" : item.amount() > available ? "insufficient_funds" : null;
            if (refusal == null) {
                available -= item.amount();
            }
            decided.add(new BatchItem(item.reference(),
                    new Transfers.Transfer(OrderedIds.next(), wallet, request.fromWalletNumber(), addressed.to(),
                            item.walletNumber(), item.amount(), CURRENCY,
                            refusal == null ? TransferStatus.PENDING : TransferStatus.REJECTED, refusal, now,
                            refusal == null ? null : now)));
        }
        record(request, batchId, decided, now);
        return new Batch(batchId, request.atomic(), now, decided);
    }

    /**
     * The batch made earlier with exactly these references and items, or empty when none
     * of the references was used before.
     * @throws WalletProblem {@code idempotency_conflict} when some were, but not as this
     * batch
     */
    private Optional<Batch> repeated(UUID wallet, List<Item> items) {
        Map<String, IdempotencyKeys.Recorded> earlier = IdempotencyKeys.recorded(jdbc, "transfers", "from_wallet_id",
                wallet, items.stream().map(Item::reference).toList());
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        for (Item item : items) {
            IdempotencyKeys.Recorded recorded = earlier.get(item.reference());
            if (recorded != null) {
                recorded.sameAs(item.hash());
            }
        }
        Set<UUID> batches = earlier.size() < items.size() ? Set.of()
                : Set.copyOf(jdbc.sql("select coalesce(batch_id, id) from transfers where id = any(?)")
                    .param(earlier.values().stream().map(IdempotencyKeys.Recorded::id).toArray(UUID[]::new))
                    .query(UUID.class)
                    .list());
        Optional<Batch> batch = batches.size() == 1 ? find(batches.iterator().next()) : Optional.empty();
        if (batch.isEmpty() || batch.get().items().size() != items.size()) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "idempotency_conflict",
                    "some of these references were used before, by other requests: " + items.stream()
                        .map(Item::reference)
                        .filter(earlier::containsKey)
                        .limit(5)
                        .collect(Collectors.joining(", ")));
        }
        return batch;
    }

    /**
     * The batch row and its transfers. The batch row is the whole batch's command (the
     * relay streams it); its items are not commands of their own. A batch whose every
     * item was refused is a command all the same, in which ledger-worker finds nothing to
     * do.
     */
    private void record(Request request, UUID batchId, List<BatchItem> items, Instant now) {
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        List<Transfers.Transfer> rows = items.stream().map(BatchItem::transfer).toList();
        jdbc.sql("""
                with batch as (
                    insert into transfer_batches (id, from_wallet_id, atomic, item_count, created_at)
                    values (:batch, :from, :atomic, :count, :now) returning id),
                items as (
                    insert into transfers (id, from_wallet_id, to_wallet_id, amount, status, reason, idempotency_key,
                        request_hash, created_at, completed_at, batch_id, batch_item)
                    select r.id, :from, r.to_wallet_id, r.amount, r.status, r.reason, r.reference,
                           decode(r.request_hash, 'hex'), :now, case when r.status = 'rejected' then :now end,
                           (select id from batch), (r.n - 1)::smallint
                    from unnest(cast(:ids as uuid[]), cast(:tos as uuid[]), cast(:amounts as bigint[]),
                                cast(:statuses as text[]), cast(:reasons as text[]), cast(:references as text[]),
                                cast(:hashes as text[]))
                        with ordinality as r(id, to_wallet_id, amount, status, reason, reference, request_hash, n)
                    order by r.n
                    returning id)
                select count(*) from items""")
            .param("batch", batchId)
            .param("from", request.fromWalletId())
            .param("atomic", request.atomic())
            .param("count", items.size())
            .param("now", at)
            .param("ids", rows.stream().map(Transfers.Transfer::id).toArray(UUID[]::new))
            .param("tos", rows.stream().map(Transfers.Transfer::toWalletId).toArray(UUID[]::new))
            .param("amounts", rows.stream().mapToLong(Transfers.Transfer::amount).toArray())
            .param("statuses", rows.stream().map(t -> t.status().wire()).toArray(String[]::new))
            .param("reasons", rows.stream().map(Transfers.Transfer::reason).toArray(String[]::new))
            .param("references", items.stream().map(BatchItem::reference).toArray(String[]::new))
            .param("hashes",
                    items.stream()
                        .map(i -> HexFormat.of()
                            .formatHex(Transfers.requestHash(i.transfer().toWalletNumber(), i.transfer().amount())))
                        .toArray(String[]::new))
            .query(Long.class)
            .single();
    }

    /** A batch and its items as they stand now. */
    Optional<Batch> find(UUID id) {
        List<BatchItem> items = jdbc.sql(Transfers.SELECT + "where t.batch_id = ? order by t.batch_item")
            .param(id)
            .query((rs, n) -> new BatchItem(rs.getString("idempotency_key"), Transfers.row(rs)))
            .list();
        return jdbc.sql("select atomic, created_at from transfer_batches where id = ?")
            .param(id)
            .query((rs, n) -> new Batch(id, rs.getBoolean(1), rs.getObject(2, OffsetDateTime.class).toInstant(), items))
            .optional();
    }

    /** The sending wallet of a batch, for the caller's right to see it. */
    @Nullable UUID senderOf(UUID id) {
        return jdbc.sql("select from_wallet_id from transfer_batches where id = ?")
            .param(id)
            .query(UUID.class)
            .optional()
            .orElse(null);
    }

}
