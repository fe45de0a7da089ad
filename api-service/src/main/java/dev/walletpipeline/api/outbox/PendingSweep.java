package dev.walletpipeline.api.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A transfer never stays pending for ever: transfers and withdrawals still pending
 * {@code resendAfter} after they were recorded (never streamed, because the slot was lost
 * and made anew past them, or their command lost after streaming) are sent again from
 * their rows, each once per {@code resendAfter}, at most {@link #SWEEP_COMMANDS_MAX} of
 * each kind a sweep. ledger-worker dedupes by request id, so a command sent twice moves
 * money once. Run by the relay only, on its election thread.
 */
final class PendingSweep {

    private static final Logger log = LoggerFactory.getLogger(PendingSweep.class);

    /** The most requests of each kind one sweep sends again. */
    private static final int SWEEP_COMMANDS_MAX = 500;

    private final OutboxSettings settings;

    private final JdbcClient jdbc;

    private final MeterRegistry meters;

    /** Requests this sweep sent again, by id, with when (nanoTime). */
    private final Map<UUID, Long> resentAt = new HashMap<>();

    PendingSweep(OutboxSettings settings, JdbcClient jdbc, MeterRegistry meters) {
        this.settings = settings;
        this.jdbc = jdbc;
        this.meters = meters;
    }

    void sweep(CommandSender sender) throws InterruptedException {
        long seconds = settings.resendAfter().toSeconds();
        List<Command> transfers = jdbc.sql("""
                select t.id, t.from_wallet_id, t.to_wallet_id, t.amount, t.currency, t.created_at
                from transfers t
                where t.status = 'pending' and t.created_at < now() - make_interval(secs => ?)
                order by t.created_at limit ?""")
            .param(seconds)
            .param(SWEEP_COMMANDS_MAX)
            .query((rs, n) -> Command.transfer(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                    rs.getObject(3, UUID.class), rs.getLong(4), rs.getString(5).trim(),
                    rs.getObject(6, OffsetDateTime.class).toInstant()))
            .list();
        List<Command> withdrawals = jdbc.sql("""
                select w.id, w.wallet_id, w.amount, w.currency, w.created_at from withdrawals w
                where w.status = 'pending' and w.created_at < now() - make_interval(secs => ?)
                order by w.created_at limit ?""")
            .param(seconds)
            .param(SWEEP_COMMANDS_MAX)
            .query((rs, n) -> Command.withdrawal(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                    rs.getLong(3), rs.getString(4).trim(), rs.getObject(5, OffsetDateTime.class).toInstant()))
            .list();
        // Once per resendAfter each: a worker that is merely behind is not flooded.
        long now = System.nanoTime();
        resentAt.values().removeIf(at -> now - at > settings.resendAfter().toNanos());
        resend(sender, transfers.stream().filter(c -> !resentAt.containsKey(c.id())).toList(), "pending_transfer", now);
        resend(sender, withdrawals.stream().filter(c -> !resentAt.containsKey(c.id())).toList(), "pending_withdrawal",
                now);
    }

    private void resend(CommandSender sender, List<Command> due, String kind, long now) throws InterruptedException {
        if (due.isEmpty()) {
            return;
        }
        sender.sendAll(due);
        due.forEach(c -> resentAt.put(c.id(), now));
        meters.counter("wallet.outbox.resent", "kind", kind).increment(due.size());
        log.info("sweep sent {} wallet command(s) again ({})", due.size(), kind);
    }

}
