package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.LedgerEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/**
 * The records whose effects are committed in the database, with the events each produced. A
 * record found here was processed before, and its Kafka transaction may or may not have
 * committed: its events are emitted again with the same ids, and nothing else happens.
 */
final class ProcessedMessages {

    private static final TypeReference<List<LedgerEvent>> EVENTS = new TypeReference<>() {
    };

    private ProcessedMessages() {
    }

    static Map<ConsumedRecord.Position, List<LedgerEvent>> find(JdbcClient jdbc, List<ConsumedRecord> records) {
        if (records.isEmpty()) {
            return Map.of();
        }
        Map<ConsumedRecord.Position, List<LedgerEvent>> found = new HashMap<>();
        jdbc.sql("""
                select topic, kafka_partition, kafka_offset, emitted::text as emitted from processed_messages
                where (topic, kafka_partition, kafka_offset) in (
                    select * from unnest(?::text[], ?::int[], ?::bigint[]))""")
                .params(records.stream().map(ConsumedRecord::topic).toArray(String[]::new),
                        records.stream().mapToInt(ConsumedRecord::partition).toArray(),
                        records.stream().mapToLong(ConsumedRecord::offset).toArray())
                .query((rs, n) -> {
                    found.put(new ConsumedRecord.Position(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                            Json.MAPPER.readValue(rs.getString(4), EVENTS));
                    return null;
                })
                .list();
        return found;
    }

    /**
     * The records of a batch that still need processing, parsed. Records processed before only have
     * their stored events re-emitted (into {@code outcome}); records without a body or that do not
     * parse go to the dead-letter topic with the reason.
     */
    static <T> Map<ConsumedRecord, T> fresh(JdbcClient jdbc, List<ConsumedRecord> records, BatchOutcome outcome,
            java.util.function.Function<byte[], T> parse) {
        Map<ConsumedRecord.Position, List<LedgerEvent>> seen = find(jdbc, records);
        Map<ConsumedRecord, T> fresh = new java.util.LinkedHashMap<>();
        for (ConsumedRecord record : records) {
            List<LedgerEvent> earlier = seen.get(record.position());
            if (earlier != null) {
                outcome.events.addAll(earlier);
            } else if (record.value() == null) {
                outcome.deadLetters.add(new BatchOutcome.DeadLetter(record, "record has no body"));
            } else {
                try {
                    fresh.put(record, parse.apply(record.value()));
                } catch (RuntimeException unreadable) {
                    outcome.deadLetters.add(new BatchOutcome.DeadLetter(record, "unreadable: " + unreadable.getMessage()));
                }
            }
        }
        return fresh;
    }

    static void record(JdbcClient jdbc, Map<ConsumedRecord.Position, List<LedgerEvent>> processed) {
        if (processed.isEmpty()) {
            return;
        }
        List<Map.Entry<ConsumedRecord.Position, List<LedgerEvent>>> rows = List.copyOf(processed.entrySet());
        jdbc.sql("""
                insert into processed_messages (topic, kafka_partition, kafka_offset, emitted)
                select t, p, o, e::jsonb from unnest(?::text[], ?::int[], ?::bigint[], ?::text[]) as x(t, p, o, e)""")
                .params(rows.stream().map(r -> r.getKey().topic()).toArray(String[]::new),
                        rows.stream().mapToInt(r -> r.getKey().partition()).toArray(),
                        rows.stream().mapToLong(r -> r.getKey().offset()).toArray(),
                        rows.stream().map(r -> Json.MAPPER.writeValueAsString(r.getValue())).toArray(String[]::new))
                .update();
    }

}
