package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.ledger.posting.poison.Failures;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;

/**
 * The records whose effects are committed in the database, with the events each produced,
 * by position and by what the record means (its message id: the transfer, or the Paystack
 * event and reference). A record found here at the same position with the same meaning
 * was processed before, and its Kafka transaction may or may not have committed: its
 * events are emitted again with the same ids, and nothing else happens. A record at a
 * known position that means something else (the topic was recreated and offsets start
 * again) is new.
 */
final class ProcessedMessages {

    private static final TypeReference<List<LedgerEvent>> EVENTS = new TypeReference<>() {
    };

    /**
     * Rows written before message ids were kept carry this one; they match any meaning.
     */
    private static final String UNKNOWN_MEANING = "";

    private ProcessedMessages() {
    }

    /** A processed record: where it was, and what it meant. */
    record Key(ConsumedRecord.Position position, String messageId) {
    }

    /**
     * The records of a batch that still need processing, parsed. Records without a body,
     * or that {@code parse} refuses (unreadable, unproven), go to the dead-letter topic
     * with the reason; records processed before only have their stored events re-emitted
     * (into {@code outcome}), and are handed to {@code redelivered} with those events.
     */
    static <T> Map<ConsumedRecord, T> fresh(JdbcClient jdbc, List<ConsumedRecord> records, BatchOutcome outcome,
            Function<ConsumedRecord, T> parse, Function<T, String> meaning,
            BiConsumer<T, List<LedgerEvent>> redelivered) {
        Map<ConsumedRecord, T> parsed = readable(records, outcome, parse);
        Map<ConsumedRecord.Position, Map<String, List<LedgerEvent>>> seen = find(jdbc, List.copyOf(parsed.keySet()));
        Map<ConsumedRecord, T> fresh = new LinkedHashMap<>();
        parsed.forEach((record, value) -> {
            List<LedgerEvent> earlier = earlier(seen.get(record.position()), meaning.apply(value));
            if (earlier != null) {
                outcome.events.addAll(earlier);
                redelivered.accept(value, earlier);
            }
            else {
                fresh.put(record, value);
            }
        });
        return fresh;
    }

    /**
     * The records {@code parse} accepts, parsed; the others (no body, unreadable,
     * unproven) go to the dead-letter topic with the reason.
     */
    static <T> Map<ConsumedRecord, T> readable(List<ConsumedRecord> records, BatchOutcome outcome,
            Function<ConsumedRecord, T> parse) {
        Map<ConsumedRecord, T> parsed = new LinkedHashMap<>();
        for (ConsumedRecord record : records) {
            if (record.value() == null) {
                outcome.deadLetters.add(new BatchOutcome.DeadLetter(record, "record has no body"));
                continue;
            }
            try {
                parsed.put(record, parse.apply(record));
            }
            catch (RuntimeException refused) {
                outcome.deadLetters.add(new BatchOutcome.DeadLetter(record, Failures.refusal(refused)));
            }
        }
        return parsed;
    }

    private static @Nullable List<LedgerEvent> earlier(@Nullable Map<String, List<LedgerEvent>> atPosition,
            String messageId) {
        if (atPosition == null) {
            return null;
        }
        List<LedgerEvent> same = atPosition.get(messageId);
        return same != null ? same : atPosition.get(UNKNOWN_MEANING);
    }

    private static Map<ConsumedRecord.Position, Map<String, List<LedgerEvent>>> find(JdbcClient jdbc,
            List<ConsumedRecord> records) {
        if (records.isEmpty()) {
            return Map.of();
        }
        Map<ConsumedRecord.Position, Map<String, List<LedgerEvent>>> found = new HashMap<>();
        jdbc.sql("""
                select topic, kafka_partition, kafka_offset, message_id, emitted::text as emitted
                from processed_messages
                where (topic, kafka_partition, kafka_offset) in (
                    select * from unnest(?::text[], ?::int[], ?::bigint[]))""")
            .params(records.stream().map(ConsumedRecord::topic).toArray(String[]::new),
                    records.stream().mapToInt(ConsumedRecord::partition).toArray(),
                    records.stream().mapToLong(ConsumedRecord::offset).toArray())
            .query((rs, n) -> {
                found
                    .computeIfAbsent(new ConsumedRecord.Position(rs.getString(1), rs.getInt(2), rs.getLong(3)),
                            position -> new HashMap<>())
                    .put(rs.getString(4), Json.MAPPER.readValue(rs.getString(5), EVENTS));
                return null;
            })
            .list();
        return found;
    }

    static void record(JdbcClient jdbc, Map<Key, List<LedgerEvent>> processed) {
        BatchWrite write = new BatchWrite();
        writeInto(write, processed);
        write.execute(jdbc);
    }

    /** Adds the processed records, with their events, to the batch's write. */
    static void writeInto(BatchWrite write, Map<Key, List<LedgerEvent>> processed) {
        if (processed.isEmpty()) {
            return;
        }
        List<Map.Entry<Key, List<LedgerEvent>>> rows = List.copyOf(processed.entrySet());
        write.add("""
                insert into processed_messages (topic, kafka_partition, kafka_offset, message_id, emitted)
                select t, p, o, m, e::jsonb
                from unnest(?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[]) as x(t, p, o, m, e)""",
                rows.stream().map(r -> r.getKey().position().topic()).toArray(String[]::new),
                rows.stream().mapToInt(r -> r.getKey().position().partition()).toArray(),
                rows.stream().mapToLong(r -> r.getKey().position().offset()).toArray(),
                rows.stream().map(r -> r.getKey().messageId()).toArray(String[]::new),
                rows.stream().map(r -> Json.MAPPER.writeValueAsString(r.getValue())).toArray(String[]::new));
    }

}
