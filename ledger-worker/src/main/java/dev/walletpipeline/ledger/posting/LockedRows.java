package dev.walletpipeline.ledger.posting;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * How every flow reads the rows a batch will write: one statement for all of them, each
 * row locked {@code for no key update} until the batch's transaction ends, in key order
 * (two batches that want some of the same rows never wait for each other in a circle).
 * The lock guards against a fenced predecessor still writing: only a partition's owner
 * writes its rows.
 */
public final class LockedRows {

    private LockedRows() {
    }

    /**
     * The rows whose keys are given, by key.
     * @param select the statement, with one array parameter ({@code = any(?::uuid[])}),
     * ending in its {@code order by} and lock clause
     * @param keys the keys, repeated or not; none reads nothing
     */
    public static <K, R> Map<K, R> byKey(JdbcClient jdbc, String select, Collection<?> keys, RowMapper<R> row,
            Function<R, K> keyOf) {
        Map<K, R> rows = new HashMap<>();
        if (keys.isEmpty()) {
            return rows;
        }
        jdbc.sql(select)
            .param(keys.stream().map(Object::toString).distinct().toArray(String[]::new))
            .query(row)
            .list()
            .forEach(r -> rows.putIfAbsent(keyOf.apply(r), r));
        return rows;
    }

}
