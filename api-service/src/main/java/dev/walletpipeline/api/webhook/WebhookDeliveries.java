package dev.walletpipeline.api.webhook;

import dev.walletpipeline.api.request.Cursors;
import dev.walletpipeline.api.problem.WalletProblem;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The delivery log webhook-dispatcher keeps, read by the endpoints' owner, who may also
 * make a delivery due again: a resend keeps its webhook-id, so a receiver that already
 * has it can tell.
 */
@Repository
class WebhookDeliveries {

    record WebhookAttempt(int attempt, Instant attemptedAt, @Nullable Integer httpStatus, int latencyMs,
            @Nullable String response, @Nullable String error) {
    }

    record WebhookDelivery(UUID id, UUID endpointId, String messageId, String eventType, String status,
            int attemptsMade, @Nullable Instant nextAttemptAt, Instant createdAt, @Nullable Instant deliveredAt,
            List<WebhookAttempt> attempts) {
    }

    record WebhookDeliveryPage(List<WebhookDelivery> items, @Nullable String nextCursor) {
    }

    record Filter(@Nullable UUID endpointId, @Nullable String status, @Nullable Instant since) {
    }

    private final JdbcClient jdbc;

    WebhookDeliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The owner's deliveries, newest first, keyset-paged over (created_at, id). */
    WebhookDeliveryPage page(UUID userId, Filter filter, int limit, @Nullable String cursor) {
        Object[] after = cursor == null || cursor.isBlank() ? null : parse(cursor);
        List<WebhookDelivery> rows = jdbc.sql("""
                select d.id, d.endpoint_id, d.message_id, d.event_type, d.status, d.attempts,
                       case when d.status = 'pending' and d.next_attempt_at <> 'infinity' then d.next_attempt_at end
                           as next_attempt_at,
                       d.created_at, d.delivered_at
                from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
                where e.user_id = ?
                  and (?::uuid is null or d.endpoint_id = ?::uuid)
                  and (?::text is null or d.status = ?::text)
                  and (?::timestamptz is null or d.created_at >= ?::timestamptz)
                  and (?::timestamptz is null or (d.created_at, d.id) < (?::timestamptz, ?::uuid))
                order by d.created_at desc, d.id desc
                limit ?""")
            .params(userId, filter.endpointId(), filter.endpointId(), filter.status(), filter.status(),
                    time(filter.since()), time(filter.since()), after == null ? null : after[0],
                    after == null ? null : after[0], after == null ? null : after[1], limit + 1)
            .query((rs, n) -> new WebhookDelivery(rs.getObject("id", UUID.class),
                    rs.getObject("endpoint_id", UUID.class), rs.getString("message_id"), rs.getString("event_type"),
                    rs.getString("status"), rs.getInt("attempts"), WebhookEndpoints.instant(rs, "next_attempt_at"),
                    WebhookEndpoints.instant(rs, "created_at"), WebhookEndpoints.instant(rs, "delivered_at"),
                    List.of()))
            .list();
        Cursors.Page<WebhookDelivery> page = Cursors.Page.of(rows, limit,
                last -> Cursors.of(last.createdAt(), last.id()));
        Map<UUID, List<WebhookAttempt>> attempts = attemptsOf(page.items().stream().map(WebhookDelivery::id).toList());
        List<WebhookDelivery> items = page.items()
            .stream()
            .map(d -> new WebhookDelivery(d.id(), d.endpointId(), d.messageId(), d.eventType(), d.status(),
                    d.attemptsMade(), d.nextAttemptAt(), d.createdAt(), d.deliveredAt(),
                    attempts.getOrDefault(d.id(), List.of())))
            .toList();
        return new WebhookDeliveryPage(items, page.nextCursor());
    }

    private Map<UUID, List<WebhookAttempt>> attemptsOf(List<UUID> deliveries) {
        if (deliveries.isEmpty()) {
            return Map.of();
        }
        record Row(UUID delivery, WebhookAttempt attempt) {
        }
        return jdbc.sql("""
                select delivery_id, attempt, attempted_at, http_status, latency_ms, response, error
                from webhook_attempts where delivery_id = any(?::uuid[]) order by delivery_id, attempt""")
            .param(deliveries.stream().map(UUID::toString).toArray(String[]::new))
            .query((rs, n) -> new Row(rs.getObject("delivery_id", UUID.class),
                    new WebhookAttempt(rs.getInt("attempt"), WebhookEndpoints.instant(rs, "attempted_at"),
                            (Integer) rs.getObject("http_status"), rs.getInt("latency_ms"), rs.getString("response"),
                            rs.getString("error"))))
            .list()
            .stream()
            .collect(Collectors.groupingBy(Row::delivery, Collectors.mapping(Row::attempt, Collectors.toList())));
    }

    /**
     * Puts one of the owner's deliveries back in its queue, with a fresh retry schedule,
     * whatever it came to before: due now when nothing of its wallet is pending before
     * it.
     */
    @Transactional
    void resend(UUID userId, UUID deliveryId) {
        UUID endpoint = jdbc.sql("""
                update webhook_deliveries d set status = 'pending', attempts = 0, next_attempt_at = 'infinity',
                       leased_until = null
                from webhook_endpoints e
                where d.id = ? and e.id = d.endpoint_id and e.user_id = ? and e.deleted_at is null
                returning d.endpoint_id""")
            .params(deliveryId, userId)
            .query(UUID.class)
            .optional()
            .orElseThrow(() -> WalletProblem.notFound("webhook delivery"));
        headsDue(jdbc, endpoint, null);
        jdbc.sql("update webhook_deliveries set next_attempt_at = now() where id = ? and wallet_id is null")
            .param(deliveryId)
            .update();
    }

    /**
     * Puts every failed delivery of the endpoint since then back in its queue.
     * @return how many
     */
    @Transactional
    int recover(UUID endpointId, Instant since) {
        int resent = jdbc.sql("""
                update webhook_deliveries
                set status = 'pending', attempts = 0, leased_until = null,
                    next_attempt_at = case when wallet_id is null then now() else 'infinity' end
                where endpoint_id = ? and status = 'failed' and created_at >= ?""")
            .params(endpointId, time(since))
            .update();
        headsDue(jdbc, endpointId, null);
        return resent;
    }

    /**
     * Makes due the head of each of an endpoint's queues (of one wallet, when named): the
     * schema's {@code webhook_queue_heads_due}, which webhook-dispatcher calls too.
     */
    static void headsDue(JdbcClient jdbc, UUID endpointId, @Nullable UUID walletId) {
        jdbc.sql("select webhook_queue_heads_due(?, ?)").params(endpointId, walletId).query(Integer.class).single();
    }

    private static @Nullable OffsetDateTime time(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Object[] parse(String cursor) {
        return Cursors.read(cursor, 2,
                parts -> new Object[] { OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1]) });
    }

}
