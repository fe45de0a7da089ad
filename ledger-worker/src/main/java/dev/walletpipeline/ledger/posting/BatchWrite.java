package dev.walletpipeline.ledger.posting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The writes of one batch (entries, balances, transfers, deposits, processed records)
 * sent as one statement: each is a data-modifying WITH query, which PostgreSQL runs
 * whether or not the statement reads it. One round trip instead of one per table: under
 * load each round trip waits for the database to be scheduled, and per-batch costs are
 * what grow when more consumers share the same records.
 */
public final class BatchWrite {

    private final List<String> writes = new ArrayList<>();

    private final List<Object> params = new ArrayList<>();

    /**
     * @param sql an INSERT or UPDATE with positional parameters
     * @param values its parameters, in order
     */
    public void add(String sql, Object... values) {
        writes.add(sql);
        params.addAll(Arrays.asList(values));
    }

    void execute(JdbcClient jdbc) {
        if (writes.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("with ");
        for (int i = 0; i < writes.size(); i++) {
            sql.append(i == 0 ? "" : ",\n").append("write").append(i).append(" as (").append(writes.get(i)).append(')');
        }
        sql.append("\nselect 1");
        jdbc.sql(sql.toString()).params(params.toArray()).query((rs, n) -> 1).list();
    }

}
