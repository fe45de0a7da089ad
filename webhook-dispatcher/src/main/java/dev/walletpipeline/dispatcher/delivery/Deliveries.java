package dev.walletpipeline.dispatcher.delivery;

import dev.walletpipeline.contracts.OrderedIds;
import java.sql.Array;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The delivery log in PostgreSQL: what is to be sent, what was sent, every attempt. A
 * delivery is pending until an endpoint answers 2xx (delivered) or its last attempt fails
 * (failed); while a dispatcher sends it, it holds a lease, and any dispatcher may take a
 * delivery whose lease has run out, so a crash delays a delivery and loses none.
 */
@Repository
class Deliveries {

    /** A delivery to make: one ledger event for one endpoint. */
    record NewDelivery(UUID endpointId, String messageId, String eventType, @Nullable UUID walletId,
            @Nullable Long walletSequence, String body) {
    }

    /** A delivery taken to send now, with what signing and sending it needs. */
    record Claimed(UUID id, UUID endpointId, @Nullable UUID walletId, String messageId, String body, int attempts,
            String url, List<byte[]> secrets) {
    }

    /**
     * What an attempt came to.
     *
     * @param httpStatus the answer's status, or null when there was none
     * @param response the answer's first KB, if any
     * @param error why there was no answer (time-out, refused, target refused)
     * @param retryAfter the wait a 429 or 503 asked for
     */
    record Attempt(Claimed delivery, Instant at, @Nullable Integer httpStatus, int latencyMs, @Nullable String response,
            @Nullable String error, @Nullable Duration retryAfter) {

        boolean delivered() {
            return httpStatus != null && httpStatus >= 200 && httpStatus < 300;
        }

        boolean gone() {
            return httpStatus != null && httpStatus == 410;
        }

    }

    /**
     * An endpoint an event's wallet owner registered, with its event filter: it wants the
     * events of its types that happened once it existed.
     */
    record Subscription(UUID walletId, UUID endpointId, @Nullable List<String> eventTypes, Instant createdAt) {

        boolean wants(String eventType, Instant occurredAt) {
            return (eventTypes == null || eventTypes.contains(eventType)) && !occurredAt.isBefore(createdAt);
        }

    }

    /** One wallet's queue at one endpoint. */
    record Queue(UUID endpointId, UUID walletId) {
    }

    private final JdbcClient jdbc;

    Deliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The enabled endpoints of these wallets' owners. */
    List<Subscription> subscriptions(Collection<UUID> walletIds) {
        return jdbc.sql("""
                select w.id as wallet_id, e.id as endpoint_id, e.event_types, e.created_at
                from wallets w join webhook_endpoints e on e.user_id = w.user_id
                where w.id = any(?::uuid[]) and e.enabled and e.deleted_at is null""")
            .param(walletIds.stream().map(UUID::toString).distinct().toArray(String[]::new))
            .query((rs, n) -> {
                Array types = rs.getArray("event_types");
                return new Subscription(rs.getObject("wallet_id", UUID.class), rs.getObject("endpoint_id", UUID.class),
                        types == null ? null : List.of((String[]) types.getArray()),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant());
            })
            .list();
    }

    /** Which of these transfers each wallet sent: the wallet ids of their senders. */
    Map<UUID, UUID> sendersOf(Collection<UUID> transferIds) {
        Map<UUID, UUID> senders = new HashMap<>();
        if (transferIds.isEmpty()) {
            return senders;
        }
        jdbc.sql("select id, from_wallet_id from transfers where id = any(?::uuid[])")
            .param(transferIds.stream().map(UUID::toString).distinct().toArray(String[]::new))
            .query((rs, n) -> senders.put(rs.getObject("id", UUID.class), rs.getObject("from_wallet_id", UUID.class)))
            .list();
        return senders;
    }

    /**
     * Adds deliveries, each to the end of its queue: due now when its queue was empty,
     * waiting otherwise. One already there for the same endpoint and message (an event
     * read again after a crash) is left as it is.
     * @return the queues a new delivery waits in: after the transaction,
     * {@link #headsDue} makes due any whose head was delivered meanwhile
     */
    List<Queue> add(List<NewDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        int n = deliveries.size();
        String[] ids = new String[n];
        String[] endpoints = new String[n];
        String[] messages = new String[n];
        String[] types = new String[n];
        String[] wallets = new String[n];
        Long[] sequences = new Long[n];
        String[] bodies = new String[n];
        Boolean[] firstOfQueue = new Boolean[n];
        Set<Queue> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            NewDelivery d = deliveries.get(i);
            ids[i] = OrderedIds.next().toString();
            endpoints[i] = d.endpointId().toString();
            messages[i] = d.messageId();
            types[i] = d.eventType();
            wallets[i] = d.walletId() == null ? null : d.walletId().toString();
            sequences[i] = d.walletSequence();
            bodies[i] = d.body();
            firstOfQueue[i] = d.walletId() == null || seen.add(new Queue(d.endpointId(), d.walletId()));
        }
        // In the order given: a wallet's deliveries to one endpoint are made in its
        // sequence, and only the first of them can be a queue's head.
        return jdbc
            .sql("""
                    insert into webhook_deliveries
                        (id, endpoint_id, message_id, event_type, wallet_id, wallet_sequence, body, next_attempt_at)
                    select n.id, n.endpoint_id, n.message_id, n.event_type, n.wallet_id, n.wallet_sequence, n.body,
                           case when n.first and not exists (
                                    select 1 from webhook_deliveries p
                                    where p.status = 'pending' and p.endpoint_id = n.endpoint_id and p.wallet_id = n.wallet_id)
                                then now() else 'infinity' end
                    from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::uuid[], ?::bigint[], ?::text[], ?::boolean[])
                         as n(id, endpoint_id, message_id, event_type, wallet_id, wallet_sequence, body, first)
                    on conflict (endpoint_id, message_id) do nothing
                    returning endpoint_id, wallet_id, next_attempt_at = 'infinity' as waiting""")
            .params(ids, endpoints, messages, types, wallets, sequences, bodies, firstOfQueue)
            .query((rs, row) -> rs.getBoolean("waiting")
                    ? new Queue(rs.getObject("endpoint_id", UUID.class), rs.getObject("wallet_id", UUID.class)) : null)
            .list()
            .stream()
            .filter(Objects::nonNull)
            .distinct()
            .toList();
    }

    /**
     * Makes due the waiting deliveries at the head of these queues (none pending before
     * them); with no queues named, of every queue of every enabled endpoint.
     */
    int headsDue(Collection<Queue> queues) {
        if (queues.isEmpty()) {
            return jdbc.sql("select webhook_queue_heads_due(null, null)").query(Integer.class).single();
        }
        return jdbc
            .sql("select coalesce(sum(webhook_queue_heads_due(q.e, q.w)), 0)::integer"
                    + " from unnest(?::uuid[], ?::uuid[]) as q(e, w)")
            .params(queues.stream().map(q -> q.endpointId().toString()).toArray(String[]::new),
                    queues.stream().map(q -> q.walletId().toString()).toArray(String[]::new))
            .query(Integer.class)
            .single();
    }

    /**
     * Takes deliveries due now, at most {@code perEndpoint} of one endpoint less what
     * this instance already has in flight there, and only the first pending one of each
     * wallet per endpoint, so that a wallet's deliveries leave in its order.
     */
    @Transactional
    List<Claimed> claim(int limit, int perEndpoint, Map<UUID, Integer> inFlight, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        List<String> busyIds = new ArrayList<>();
        List<Integer> busyLeft = new ArrayList<>();
        inFlight.forEach((endpoint, count) -> {
            busyIds.add(endpoint.toString());
            busyLeft.add(Math.max(0, perEndpoint - count));
        });
        return jdbc
            .sql("""
                    with due as (
                        select d.id, d.endpoint_id,
                               row_number() over (partition by d.endpoint_id order by d.next_attempt_at, d.id) as n
                        from webhook_deliveries d
                        join webhook_endpoints e on e.id = d.endpoint_id and e.enabled and e.deleted_at is null
                        where d.status = 'pending' and d.next_attempt_at <= now()
                          and (d.leased_until is null or d.leased_until < now())
                          and (d.wallet_id is null or not exists (
                              select 1 from webhook_deliveries before
                              where before.status = 'pending' and before.endpoint_id = d.endpoint_id
                                and before.wallet_id = d.wallet_id and before.wallet_sequence < d.wallet_sequence))
                        order by d.next_attempt_at
                        limit ?
                    ), taken as (
                        select due.id from due
                        left join unnest(?::uuid[], ?::int[]) as busy(endpoint_id, room) on busy.endpoint_id = due.endpoint_id
                        where due.n <= coalesce(busy.room, ?)
                        order by due.id
                        limit ?
                    )
                    update webhook_deliveries d set leased_until = now() + ?::interval
                    from taken, webhook_endpoints e
                    where d.id = taken.id and e.id = d.endpoint_id and d.status = 'pending'
                      and (d.leased_until is null or d.leased_until < now())
                    returning d.id, d.endpoint_id, d.wallet_id, d.message_id, d.body, d.attempts, e.url, e.secret,
                              e.previous_secret,
                              e.previous_secret_until > now() as previous_still_signs""")
            .params(limit * 4, busyIds.toArray(String[]::new), busyLeft.toArray(Integer[]::new), perEndpoint, limit,
                    lease.toMillis() + " milliseconds")
            .query((rs, n) -> {
                List<byte[]> secrets = new ArrayList<>(2);
                secrets.add(rs.getBytes("secret"));
                if (rs.getBoolean("previous_still_signs")) {
                    secrets.add(rs.getBytes("previous_secret"));
                }
                return new Claimed(rs.getObject("id", UUID.class), rs.getObject("endpoint_id", UUID.class),
                        rs.getObject("wallet_id", UUID.class), rs.getString("message_id"), rs.getString("body"),
                        rs.getInt("attempts"), rs.getString("url"), List.copyOf(secrets));
            })
            .list();
    }

    /**
     * Records attempts, all in one transaction: the attempt itself, the delivery's new
     * state, and the endpoint's health.
     * @param nextAttemptAt for each failed attempt, when to try again, or null to give up
     */
    @Transactional
    void record(List<Attempt> attempts, Map<UUID, @Nullable Instant> nextAttemptAt, Duration disableAfterFailingFor) {
        if (attempts.isEmpty()) {
            return;
        }
        int n = attempts.size();
        String[] ids = new String[n];
        Integer[] numbers = new Integer[n];
        String[] times = new String[n];
        Integer[] statuses = new Integer[n];
        Integer[] latencies = new Integer[n];
        String[] responses = new String[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            Attempt a = attempts.get(i);
            ids[i] = a.delivery().id().toString();
            numbers[i] = a.delivery().attempts() + 1;
            times[i] = a.at().toString();
            statuses[i] = a.httpStatus();
            latencies[i] = a.latencyMs();
            responses[i] = a.response();
            errors[i] = a.error();
        }
        jdbc.sql(
                """
                        insert into webhook_attempts (delivery_id, attempt, attempted_at, http_status, latency_ms, response, error)
                        select * from unnest(?::uuid[], ?::int[], ?::timestamptz[], ?::int[], ?::int[], ?::text[], ?::text[])
                        on conflict do nothing""")
            .params(ids, numbers, times, statuses, latencies, responses, errors)
            .update();
        List<String> delivered = new ArrayList<>();
        List<String> deliveredEndpoints = new ArrayList<>();
        List<Integer> deliveredStatus = new ArrayList<>();
        for (Attempt a : attempts) {
            if (a.delivered()) {
                delivered.add(a.delivery().id().toString());
                deliveredEndpoints.add(a.delivery().endpointId().toString());
                deliveredStatus.add(a.httpStatus());
                continue;
            }
            Instant next = nextAttemptAt.get(a.delivery().id());
            jdbc.sql("""
                    update webhook_deliveries set attempts = attempts + 1, leased_until = null, last_http_status = ?,
                           last_error = ?, status = case when ? then 'failed' else 'pending' end,
                           next_attempt_at = coalesce(?, next_attempt_at)
                    where id = ?""")
                .params(a.httpStatus(), a.error(), next == null, next == null ? null : next.atOffset(ZoneOffset.UTC),
                        a.delivery().id())
                .update();
            if (a.gone()) {
                disable(a.delivery().endpointId(), "the endpoint answered 410 Gone at " + a.at());
                continue;
            }
            jdbc.sql("update webhook_endpoints set failing_since = ? where id = ? and failing_since is null")
                .params(a.at().atOffset(ZoneOffset.UTC), a.delivery().endpointId())
                .update();
            String failingSince = jdbc.sql("""
                    select failing_since::text from webhook_endpoints
                    where id = ? and enabled and failing_since < now() - ?::interval""")
                .params(a.delivery().endpointId(), disableAfterFailingFor.toMillis() + " milliseconds")
                .query(String.class)
                .optional()
                .orElse(null);
            if (failingSince != null) {
                disable(a.delivery().endpointId(), "every attempt failed since " + failingSince + "; the last: "
                        + (a.error() != null ? a.error() : "HTTP " + a.httpStatus()));
            }
        }
        if (!delivered.isEmpty()) {
            jdbc.sql(
                    """
                            update webhook_deliveries d set status = 'delivered', attempts = d.attempts + 1, leased_until = null,
                                   last_http_status = done.http_status, last_error = null, delivered_at = now()
                            from unnest(?::uuid[], ?::int[]) as done(id, http_status)
                            where d.id = done.id""")
                .params(delivered.toArray(String[]::new), deliveredStatus.toArray(Integer[]::new))
                .update();
            jdbc.sql("""
                    update webhook_endpoints set failing_since = null
                    where id = any(?::uuid[]) and failing_since is not null""")
                .param(deliveredEndpoints.stream().distinct().toArray(String[]::new))
                .update();
        }
        // The queues whose head is done (delivered or given up): the next one is due.
        Set<Queue> moved = new HashSet<>();
        for (Attempt a : attempts) {
            if (a.delivery().walletId() != null && (a.delivered() || nextAttemptAt.get(a.delivery().id()) == null)) {
                moved.add(new Queue(a.delivery().endpointId(), a.delivery().walletId()));
            }
        }
        if (!moved.isEmpty()) {
            headsDue(moved);
        }
    }

    /**
     * Disables an endpoint; its pending deliveries stop being due until its owner enables
     * it again.
     */
    void disable(UUID endpointId, String reason) {
        jdbc.sql("update webhook_endpoints set enabled = false, disabled_reason = ? where id = ? and enabled")
            .params(reason, endpointId)
            .update();
        jdbc.sql(
                "update webhook_deliveries set next_attempt_at = 'infinity' where endpoint_id = ? and status = 'pending'")
            .param(endpointId)
            .update();
    }

    /**
     * How far behind deliveries are: the age of the oldest not yet delivered to an
     * enabled endpoint (an endpoint that keeps failing keeps it old), and how long the
     * longest-due one has waited to be sent (this dispatcher's own backlog).
     */
    record Backlog(Duration oldestUndelivered, Duration longestDue) {
    }

    Backlog backlog() {
        return jdbc.sql("""
                select coalesce(extract(epoch from now() - min(d.created_at)), 0)::float8 as undelivered,
                       coalesce(extract(epoch from now() - min(d.next_attempt_at)
                                filter (where d.next_attempt_at <= now())), 0)::float8 as due
                from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
                where d.status = 'pending' and e.enabled and e.deleted_at is null""")
            .query((rs, n) -> new Backlog(Duration.ofMillis((long) (rs.getDouble("undelivered") * 1000)),
                    Duration.ofMillis((long) (rs.getDouble("due") * 1000))))
            .single();
    }

}
