package dev.walletpipeline.api.webhook;

import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.OrderedIds;
import dev.walletpipeline.contracts.webhooks.WebhookEventType;
import dev.walletpipeline.contracts.webhooks.WebhookSignature;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A person's webhook endpoints in {@code webhook_endpoints}. Every read and change is
 * scoped to the owner: another user's endpoint is not found, never forbidden. A deleted
 * endpoint keeps its row (its deliveries refer to it) and receives nothing more.
 */
@Repository
class WebhookEndpoints {

    /** An endpoint as its owner sees it: never its secret. */
    record Endpoint(UUID id, String url, String description, @Nullable List<String> eventTypes, boolean enabled,
            @Nullable String disabledReason, @Nullable Instant failingSince, @Nullable Instant previousSecretUntil,
            Instant createdAt) {
    }

    private final JdbcClient jdbc;

    private final WebhookSettings settings;

    WebhookEndpoints(JdbcClient jdbc, WebhookSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /**
     * Registers an endpoint, at most {@link WebhookSettings#maxEndpointsPerUser} per
     * user: the user's row is locked while they are counted, so concurrent requests
     * cannot pass the limit together.
     */
    @Transactional
    Endpoint create(UUID userId, String url, String description, @Nullable List<String> eventTypes, byte[] secret) {
        jdbc.sql("select id from users where id = ? for update").param(userId).query(UUID.class).single();
        long active = jdbc.sql("select count(*) from webhook_endpoints where user_id = ? and deleted_at is null")
            .param(userId)
            .query(Long.class)
            .single();
        if (active >= settings.maxEndpointsPerUser()) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "webhook_endpoint_limit_reached",
                    "a user may have at most " + settings.maxEndpointsPerUser()
                            + " webhook endpoints; delete one first");
        }
        UUID id = OrderedIds.next();
        jdbc.sql("""
                insert into webhook_endpoints (id, user_id, url, description, event_types, secret)
                values (?, ?, ?, ?, ?::text[], ?)""")
            .params(id, userId, url, description, eventTypes == null ? null : eventTypes.toArray(String[]::new), secret)
            .update();
        return find(userId, id);
    }

    List<Endpoint> list(UUID userId) {
        return jdbc.sql(SELECT + " where user_id = ? and deleted_at is null order by created_at, id")
            .param(userId)
            .query(WebhookEndpoints::endpoint)
            .list();
    }

    Endpoint find(UUID userId, UUID id) {
        return jdbc.sql(SELECT + " where user_id = ? and id = ? and deleted_at is null")
            .params(userId, id)
            .query(WebhookEndpoints::endpoint)
            .optional()
            .orElseThrow(() -> WalletProblem.notFound("webhook endpoint"));
    }

    /**
     * Changes what is given. Enabling clears the reason it was disabled and the failure
     * clock, so that a recovered endpoint gets five days again.
     */
    @Transactional
    Endpoint update(UUID userId, UUID id, @Nullable String url, @Nullable String description,
            @Nullable List<String> eventTypes, boolean clearEventTypes, @Nullable Boolean enabled) {
        find(userId, id);
        jdbc.sql("""
                update webhook_endpoints set
                    url = coalesce(?::text, url),
                    description = coalesce(?::text, description),
                    event_types = case when ?::boolean then null else coalesce(?::text[], event_types) end,
                    enabled = coalesce(?::boolean, enabled),
                    disabled_reason = case when ?::boolean is null then disabled_reason when ?::boolean then null
                                           else 'disabled by its owner' end,
                    failing_since = case when ?::boolean then null else failing_since end
                where id = ? and user_id = ?""")
            .params(url, description, clearEventTypes, eventTypes == null ? null : eventTypes.toArray(String[]::new),
                    enabled, enabled, enabled, Boolean.TRUE.equals(enabled), id, userId)
            .update();
        if (enabled != null) {
            // A disabled endpoint's deliveries wait, not due (webhook-dispatcher);
            // enabled, they are due now. Disabled by its owner, they wait too.
            jdbc.sql("update webhook_deliveries set next_attempt_at = " + (enabled ? "now()" : "'infinity'")
                    + " where endpoint_id = ? and status = 'pending'")
                .param(id)
                .update();
        }
        return find(userId, id);
    }

    void delete(UUID userId, UUID id) {
        int deleted = jdbc
            .sql("update webhook_endpoints set deleted_at = now() where id = ? and user_id = ? and deleted_at is null")
            .params(id, userId)
            .update();
        if (deleted == 0) {
            throw WalletProblem.notFound("webhook endpoint");
        }
    }

    /**
     * A new secret; the one it replaces still signs every delivery for the rotation's
     * overlap. A rotation during an overlap ends the older secret at once.
     */
    @Transactional
    Endpoint rotate(UUID userId, UUID id, byte[] secret) {
        find(userId, id);
        jdbc.sql("""
                update webhook_endpoints set previous_secret = secret, secret = ?,
                       previous_secret_until = now() + ?::interval
                where id = ? and user_id = ?""")
            .params(secret, settings.rotationOverlap().toMillis() + " milliseconds", id, userId)
            .update();
        return find(userId, id);
    }

    /** A {@code webhook.test} delivery for the endpoint, due now. */
    @Transactional
    UUID test(UUID userId, UUID id) {
        Endpoint endpoint = find(userId, id);
        UUID deliveryId = OrderedIds.next();
        String messageId = "msg_" + OrderedIds.next();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpoint_id", endpoint.id());
        data.put("message", "a test event, sent because its owner asked for one");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", WebhookEventType.TEST.wireName());
        body.put("timestamp", Instant.now().toString());
        body.put("data", data);
        jdbc.sql("""
                insert into webhook_deliveries (id, endpoint_id, message_id, event_type, body)
                values (?, ?, ?, ?, ?)""")
            .params(deliveryId, id, messageId, WebhookEventType.TEST.wireName(), Json.MAPPER.writeValueAsString(body))
            .update();
        return deliveryId;
    }

    private static final String SELECT = """
            select id, url, description, event_types, enabled, disabled_reason, failing_since,
                   case when previous_secret_until > now() then previous_secret_until end as previous_secret_until,
                   created_at
            from webhook_endpoints""";

    private static Endpoint endpoint(ResultSet rs, int n) throws SQLException {
        Array types = rs.getArray("event_types");
        return new Endpoint(rs.getObject("id", UUID.class), rs.getString("url"), rs.getString("description"),
                types == null ? null : List.of((String[]) types.getArray()), rs.getBoolean("enabled"),
                rs.getString("disabled_reason"), instant(rs, "failing_since"), instant(rs, "previous_secret_until"),
                instant(rs, "created_at"));
    }

    static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    static byte[] newSecret() {
        return WebhookSignature.newSecret();
    }

}
