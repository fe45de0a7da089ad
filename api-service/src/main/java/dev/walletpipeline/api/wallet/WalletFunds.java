package dev.walletpipeline.api.wallet;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How money is promised away from a wallet, for every kind of request that sends it
 * (transfers, withdrawals): one lock per wallet, and one definition of what is available.
 */
public final class WalletFunds {

    /**
     * A WITH query named {@code available} for the wallet {@code :from}: its balance, and
     * what is available of it (the balance minus transfers and withdrawals accepted and
     * not yet debited by ledger-worker, which debits a balance and marks its request
     * debited in one transaction, so each amount counts once).
     */
    public static final String AVAILABLE = """
            available as (
                select w.balance
                       - coalesce((select sum(t.amount) from transfers t
                                   where t.from_wallet_id = w.id and t.status = 'pending' and t.debited_at is null), 0)
                       - coalesce((select sum(x.amount) from withdrawals x
                                   where x.wallet_id = w.id and x.status = 'pending'), 0)
                       as amount,
                       w.balance
                from wallets w where w.id = :from)""";

    private WalletFunds() {
    }

    /**
     * A wallet's balance and what is available of it, read together.
     *
     * @param balance the posted balance
     * @param available the balance less what accepted requests promised away
     */
    public record Funds(long balance, long available) {
    }

    /** The wallet's funds now, by the one definition above. */
    public static Funds of(JdbcClient jdbc, UUID walletId) {
        return jdbc.sql("with " + AVAILABLE + " select balance, amount from available")
            .param("from", walletId)
            .query((rs, n) -> new Funds(rs.getLong(1), rs.getLong(2)))
            .single();
    }

    /**
     * Serialises requests that spend from one wallet until the transaction ends: the
     * available balance cannot be promised twice.
     */
    public static void lock(JdbcClient jdbc, UUID walletId) {
        lock(jdbc, List.of(walletId));
    }

    /**
     * The same for several wallets, in one statement, in wallet order: two transactions
     * that lock some of the same wallets never wait for each other in a circle. (A
     * subquery with ORDER BY is not flattened into the outer query, so the locks are
     * taken in its order.)
     */
    public static void lock(JdbcClient jdbc, Collection<UUID> walletIds) {
        if (walletIds.size() == 1) {
            jdbc.sql("select pg_advisory_xact_lock(hashtextextended(?::text, 7))")
                .param(walletIds.iterator().next())
                .query((rs, n) -> null)
                .list();
            return;
        }
        jdbc.sql("""
                select pg_advisory_xact_lock(hashtextextended(w::text, 7))
                from (select w from unnest(?::uuid[]) w order by w offset 0) sorted""")
            .param(walletIds.stream().map(UUID::toString).toArray(String[]::new))
            .query((rs, n) -> null)
            .list();
    }

}
