package dev.walletpipeline.api.ops;

import dev.walletpipeline.api.request.Cursors;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the desk reads: each queue's size and age, and its items oldest first, a page at a
 * time. Bytes a record carried (a dead letter's key and payload, an exception's body) are
 * shown as base64 and as text decoded with every malformed sequence replaced, never as
 * markup: a dead letter holds hostile bytes by definition.
 */
@Component
class OperatorDesk {

    /** Bytes of a record shown in a queue's page; an item by itself shows them all. */
    static final int BYTES_IN_A_PAGE_MAX = 4096;

    private final JdbcClient jdbc;

    private final Duration verifyAfter;

    OperatorDesk(JdbcClient jdbc, @Value("${wallet.withdrawals.verify-after}") Duration verifyAfter) {
        this.jdbc = jdbc;
        this.verifyAfter = verifyAfter;
    }

    /**
     * One queue's size and the age of its oldest item; for dead letters also per topic.
     */
    record QueueSummary(String name, long count, @Nullable OffsetDateTime oldestAt, @Nullable Long oldestAgeSeconds,
            @Nullable Map<String, Long> byTopic) {
    }

    record QueueItem(String id, OffsetDateTime since, Map<String, @Nullable Object> details) {
    }

    record QueuePage(String queue, long count, List<QueueItem> items, @Nullable String nextCursor) {
    }

    /**
     * Bytes shown safely: their length, base64, and UTF-8 text with malformed sequences
     * replaced (U+FFFD).
     */
    record Bytes(int length, String base64, String text, boolean validUtf8, boolean truncated) {

        static Bytes of(byte[] all, int shownMax) {
            byte[] shown = all.length > shownMax ? Arrays.copyOf(all, shownMax) : all;
            boolean valid;
            try {
                StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(all));
                valid = true;
            }
            catch (CharacterCodingException e) {
                valid = false;
            }
            return new Bytes(all.length, Base64.getEncoder().encodeToString(shown),
                    new String(shown, StandardCharsets.UTF_8), valid, shown.length < all.length);
        }
    }

    List<QueueSummary> summaries() {
        Instant now = Instant.now();
        return Arrays.stream(Queue.values()).map(queue -> summary(queue, now)).toList();
    }

    private QueueSummary summary(Queue queue, Instant now) {
        record Size(long count, @Nullable OffsetDateTime oldest) {
        }
        Size size = jdbc.sql("select count(*) as n, min(since) as oldest from (" + queue.rows() + ") q")
            .params(parameters())
            .query((rs, n) -> new Size(rs.getLong("n"), rs.getObject("oldest", OffsetDateTime.class)))
            .single();
        Map<String, Long> byTopic = null;
        if (queue == Queue.DEAD_LETTERS) {
            byTopic = new LinkedHashMap<>();
            Map<String, Long> counts = byTopic;
            jdbc.sql("select topic, count(*) as n from (" + queue.rows() + ") q group by topic order by topic")
                .params(parameters())
                .query((rs, n) -> counts.put(rs.getString("topic"), rs.getLong("n")))
                .list();
        }
        OffsetDateTime oldest = size.oldest();
        return new QueueSummary(queue.wire(), size.count(),
                oldest == null ? null : oldest.withOffsetSameInstant(ZoneOffset.UTC),
                oldest == null ? null : Math.max(0, Duration.between(oldest.toInstant(), now).toSeconds()), byTopic);
    }

    /**
     * A page of a queue, oldest first, after {@code cursor}; dead letters of one topic
     * when {@code topic} is named.
     */
    QueuePage page(Queue queue, int limit, @Nullable String cursor, @Nullable String topic) {
        Map<String, Object> parameters = new HashMap<>(parameters());
        StringBuilder sql = new StringBuilder("select * from (").append(queue.rows()).append(") q where true");
        if (topic != null) {
            sql.append(" and q.topic = :topic");
            parameters.put("topic", topic);
        }
        String counted = sql.toString();
        if (cursor != null && !cursor.isBlank()) {
            Cursors.read(cursor, 2, parts -> {
                parameters.put("after_since", OffsetDateTime.parse(parts[0]));
                parameters.put("after_id", parts[1]);
                return parts;
            });
            sql.append(" and (q.since, q.id) > (:after_since, :after_id)");
        }
        sql.append(" order by q.since, q.id limit :limit");
        parameters.put("limit", limit + 1);
        List<QueueItem> items = jdbc.sql(sql.toString())
            .params(parameters)
            .query((rs, n) -> item(rs, BYTES_IN_A_PAGE_MAX))
            .list();
        long count = jdbc.sql("select count(*) from (" + counted + ") c").params(parameters).query(Long.class).single();
        Cursors.Page<QueueItem> page = Cursors.Page.of(items, limit, last -> Cursors.of(last.since(), last.id()));
        return new QueuePage(queue.wire(), count, page.items(), page.nextCursor());
    }

    /** One item of a queue with every byte it holds, while it is in the queue. */
    Optional<QueueItem> item(Queue queue, String id) {
        Map<String, Object> parameters = new HashMap<>(parameters());
        parameters.put("id", id);
        return jdbc.sql("select * from (" + queue.rows() + ") q where q.id = :id")
            .params(parameters)
            .query((rs, n) -> item(rs, Integer.MAX_VALUE))
            .optional();
    }

    private Map<String, Object> parameters() {
        return Map.of("over_refund", Queue.OVER_REFUND_REASON, "verify_after", verifyAfter.toSeconds());
    }

    private static QueueItem item(ResultSet rs, int bytesShownMax) throws SQLException {
        ResultSetMetaData columns = rs.getMetaData();
        Map<String, @Nullable Object> details = new LinkedHashMap<>();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
            String name = columns.getColumnLabel(i);
            if (name.equals("id") || name.equals("since")) {
                continue;
            }
            details.put(name, value(rs, i, columns.getColumnTypeName(i), bytesShownMax));
        }
        return new QueueItem(rs.getString("id"),
                rs.getObject("since", OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC), details);
    }

    private static @Nullable Object value(ResultSet rs, int column, String type, int bytesShownMax)
            throws SQLException {
        return switch (type) {
            case "bytea" -> {
                byte[] bytes = rs.getBytes(column);
                yield bytes == null ? null : Bytes.of(bytes, bytesShownMax);
            }
            case "timestamptz" -> {
                OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
                yield at == null ? null : at.withOffsetSameInstant(ZoneOffset.UTC);
            }
            case "bpchar" -> {
                String text = rs.getString(column);
                yield text == null ? null : text.strip();
            }
            default -> rs.getObject(column);
        };
    }

}
