package dev.walletpipeline.api.wallet;

import dev.walletpipeline.api.request.Cursors;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A wallet's posted entries read by time: its balance as of a moment, and a period's
 * statement. A wallet's entries in time order are its entries in sequence order
 * (ledger-worker never posts an entry earlier than the one before it), so the balance at
 * an instant is the balance its last entry at or before that instant left, and a period's
 * opening balance plus what came in less what went out is its closing balance. Every
 * query here reads {@code ledger_entries_by_wallet_time}; the sums read it alone.
 */
@Repository
class WalletLedger {

    static final int LIMIT_MAX = 500;

    /** Rows fetched at a time while a statement streams. */
    private static final int STREAM_FETCH = 1_000;

    private final JdbcClient jdbc;

    private final JdbcClient streaming;

    private final TransactionTemplate readOnly;

    WalletLedger(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        JdbcTemplate fetching = new JdbcTemplate(Objects.requireNonNull(template.getDataSource()));
        fetching.setFetchSize(STREAM_FETCH);
        this.streaming = JdbcClient.create(fetching);
        this.readOnly = new TransactionTemplate(Objects.requireNonNull(transaction.getTransactionManager()));
        this.readOnly.setReadOnly(true);
    }

    /**
     * The entry a balance rests on.
     *
     * @param sequence the wallet's event sequence number of the entry
     * @param eventId the id of the ledger event that announced it
     * @param postedAt when it was posted
     */
    record PostedEntry(long sequence, UUID eventId, Instant postedAt) {
    }

    /**
     * The balance the last entry at or before {@code at} left, with that entry; empty
     * when the wallet had none yet (its balance was 0).
     */
    Optional<Posted> balanceAt(UUID wallet, Instant at) {
        // Entries are timed to the microsecond: at or before at is before the next one.
        return lastBefore(wallet, at.truncatedTo(ChronoUnit.MICROS).plusNanos(1_000));
    }

    /** A balance and the entry that left it. */
    record Posted(long balance, PostedEntry entry) {
    }

    /**
     * A period of a wallet's entries: from {@code start} (inclusive) to {@code end}
     * (exclusive), and no entry past {@code throughSequence}, so that pages of a period
     * that is still running all describe the same entries.
     */
    record Period(Instant start, Instant end, long throughSequence) {
    }

    /** What a period adds up to. */
    record Summary(long openingBalance, long closingBalance, long totalIn, long totalOut, long count) {
    }

    /**
     * The period from {@code start} to {@code end} as it stands now: the sequence of its
     * last entry so far.
     */
    Period period(UUID wallet, Instant start, Instant end) {
        long through = lastBefore(wallet, end).map(Posted::entry).map(PostedEntry::sequence).orElse(0L);
        return new Period(start, end, through);
    }

    Summary summary(UUID wallet, Period period) {
        long opening = lastBefore(wallet, period.start()).map(Posted::balance).orElse(0L);
        // The last entry before the period's end, whether in the period or before it.
        long closing = period.throughSequence() == 0 ? 0
                : jdbc.sql("select balance_after from ledger_entries where wallet_id = ? and sequence = ?")
                    .param(wallet)
                    .param(period.throughSequence())
                    .query(Long.class)
                    .single();
        long[] sums = jdbc.sql("""
                select count(*), coalesce(sum(amount) filter (where amount > 0), 0),
                       coalesce(-sum(amount) filter (where amount < 0), 0)
                from ledger_entries
                where wallet_id = ? and created_at >= ? and created_at < ? and sequence <= ?""")
            .param(wallet)
            .param(OffsetDateTime.ofInstant(period.start(), ZoneOffset.UTC))
            .param(OffsetDateTime.ofInstant(period.end(), ZoneOffset.UTC))
            .param(period.throughSequence())
            .query((rs, n) -> new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) })
            .single();
        Summary summary = new Summary(opening, closing, sums[1], sums[2], sums[0]);
        if (summary.openingBalance() + summary.totalIn() - summary.totalOut() != summary.closingBalance()) {
            // The running balances and the amounts disagree: a ledger defect, never an
            // answer.
            throw new IllegalStateException("the statement of wallet " + wallet + " does not add up: " + summary);
        }
        return summary;
    }

    private Optional<Posted> lastBefore(UUID wallet, Instant instant) {
        return jdbc.sql("""
                select balance_after, sequence, event_id, created_at from ledger_entries
                where wallet_id = ? and created_at < ?
                order by created_at desc, sequence desc limit 1""")
            .param(wallet)
            .param(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC))
            .query((rs, n) -> new Posted(rs.getLong(1),
                    new PostedEntry(rs.getLong(2), rs.getObject(3, UUID.class),
                            rs.getObject(4, OffsetDateTime.class).toInstant())))
            .optional();
    }

    /**
     * One entry of a statement.
     *
     * @param amount signed: positive when money came in
     * @param reference the transfer id, the withdrawal id, or the Paystack reference of
     * the deposit it concerns
     * @param counterpartyWalletNumber the other wallet of a transfer
     */
    record Entry(long sequence, UUID eventId, Instant postedAt, String type, long amount, long balanceAfter,
            @Nullable String reference, @Nullable String counterpartyWalletNumber) {
    }

    private static final String ENTRIES = """
            select e.sequence, e.event_id, e.created_at, e.entry_type, e.amount, e.balance_after,
                   coalesce(e.transfer_id::text, e.withdrawal_id::text, e.deposit_reference) as reference,
                   c.number as counterparty
            from ledger_entries e left join wallets c on c.id = e.counterparty_wallet_id and c.kind = 'customer'
            where e.wallet_id = :wallet and e.created_at < :end and e.sequence <= :through
              and (e.created_at, e.sequence) > (:afterTime, :afterSequence)
            order by e.created_at, e.sequence
            """;

    /**
     * Entries of the period after {@code after} (or from its start), at most
     * {@code limit}.
     */
    List<Entry> entries(UUID wallet, Period period, @Nullable Cursor after, int limit) {
        return bound(jdbc.sql(ENTRIES + "limit :limit"), wallet, period, after).param("limit", limit)
            .query((rs, n) -> entry(rs))
            .list();
    }

    /** Every entry of the period, in order, read a thousand at a time. */
    void eachEntry(UUID wallet, Period period, Consumer<Entry> each) {
        readOnly.executeWithoutResult(status -> bound(streaming.sql(ENTRIES), wallet, period, null)
            .query((RowCallbackHandler) rs -> each.accept(entry(rs))));
    }

    private static JdbcClient.StatementSpec bound(JdbcClient.StatementSpec query, UUID wallet, Period period,
            @Nullable Cursor after) {
        // No cursor: (start, -1), which every entry from the start on is after.
        Instant afterTime = after != null ? after.postedAt() : period.start();
        return query.param("wallet", wallet)
            .param("end", OffsetDateTime.ofInstant(period.end(), ZoneOffset.UTC))
            .param("through", period.throughSequence())
            .param("afterTime", OffsetDateTime.ofInstant(afterTime, ZoneOffset.UTC))
            .param("afterSequence", after != null ? after.sequence() : -1L);
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong("sequence"), rs.getObject("event_id", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("entry_type"),
                rs.getLong("amount"), rs.getLong("balance_after"), rs.getString("reference"),
                rs.getString("counterparty"));
    }

    /**
     * Where a page of a statement ended, and the last sequence its period holds. Opaque
     * to clients.
     */
    record Cursor(Instant postedAt, long sequence, long throughSequence) {

        String encode() {
            return Cursors.of(postedAt, sequence, throughSequence);
        }

        static Cursor parse(String cursor) {
            return Cursors.read(cursor, 3,
                    parts -> new Cursor(Instant.parse(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        }

    }

}
