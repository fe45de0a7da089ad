package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Re-publishes ledger events, with their original ids and sequence numbers, for a
 * consumer that joined late or lost its state: {@code bin/replay-ledger-events all} or a
 * list of wallet ids. The events come from {@code processed_messages}, where each batch
 * stored exactly what it emitted, in the same database transaction as its ledger entries.
 * Consumers that dedupe by sequence (or event id) see nothing new where they already were
 * up to date.
 */
@Component
@ConditionalOnProperty("wallet.replay.wallets")
class LedgerReplay implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(LedgerReplay.class);

    private static final int CHUNK = 1000;

    private final JdbcClient jdbc;

    private final KafkaTemplate<String, byte[]> kafka;

    private final String wallets;

    LedgerReplay(JdbcClient jdbc, KafkaTemplate<String, byte[]> kafka,
            @Value("${wallet.replay.wallets}") String wallets) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.wallets = wallets.trim();
    }

    @Override
    public void run(ApplicationArguments args) {
        boolean all = wallets.equalsIgnoreCase("all");
        String[] ids = all ? new String[0] : Arrays.stream(wallets.split(",")).map(String::trim).toArray(String[]::new);
        List<LedgerEvent> events = jdbc.sql("""
                select e::text from processed_messages p, jsonb_array_elements(p.emitted) e
                where ? or (e->>'wallet_id') = any(?::text[])
                order by e->>'wallet_id', (e->>'sequence')::bigint""")
            .params(all, ids)
            .query((rs, n) -> LedgerEvent.fromJson(rs.getString(1).getBytes(StandardCharsets.UTF_8)))
            .list();
        for (int from = 0; from < events.size(); from += CHUNK) {
            List<LedgerEvent> chunk = new ArrayList<>(events.subList(from, Math.min(events.size(), from + CHUNK)));
            kafka.executeInTransaction(operations -> {
                LedgerEvents.emit(operations, chunk);
                return null;
            });
        }
        log.info("replayed {} ledger events for {}", events.size(), all ? "all wallets" : wallets);
        System.out.println("replayed " + events.size() + " ledger events");
    }

}
