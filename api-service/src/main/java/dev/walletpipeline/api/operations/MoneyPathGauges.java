package dev.walletpipeline.api.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What operators alert on and no counter can tell: money waiting. Counted in the database
 * every {@code wallet.api.gauges-every} (15 s), with the partial indexes on pending rows,
 * never by a scrape; -1 when the database cannot be read (the readiness check says why).
 *
 * <ul>
 * <li>{@code wallet_deposits_waiting{state="review"}}: deposits a person must look at;
 * <li>{@code wallet_deposits_waiting{state="reconciliation"}}: deposits still pending
 * after the reconciliation delay (their webhook never came, and Verify has not settled
 * them yet);
 * <li>{@code wallet_transfers_pending_over_minute}: transfers accepted more than a minute
 * ago and not yet final;
 * <li>{@code wallet_withdrawals_unfinished_over_hour}: withdrawals accepted more than an
 * hour ago and not yet paid out or returned.
 * </ul>
 */
@Component
class MoneyPathGauges {

    private final JdbcClient jdbc;

    private final Duration reconcileAfter;

    /** Review, reconciliation, transfers, withdrawals; -1 until first read. */
    private volatile long[] counts = { -1, -1, -1, -1 };

    MoneyPathGauges(JdbcClient jdbc, MeterRegistry meters,
            @Value("${wallet.paystack.reconcile-after}") Duration reconcileAfter) {
        this.jdbc = jdbc;
        this.reconcileAfter = reconcileAfter;
        Gauge.builder("wallet.deposits.waiting", this, g -> g.counts[0])
            .tag("state", "review")
            .description("deposits waiting for a person")
            .register(meters);
        Gauge.builder("wallet.deposits.waiting", this, g -> g.counts[1])
            .tag("state", "reconciliation")
            .description("deposits pending past the reconciliation delay")
            .register(meters);
        Gauge.builder("wallet.transfers.pending.over.minute", this, g -> g.counts[2])
            .description("transfers accepted more than a minute ago and not yet final")
            .register(meters);
        Gauge.builder("wallet.withdrawals.unfinished.over.hour", this, g -> g.counts[3])
            .description("withdrawals accepted more than an hour ago that Paystack has not paid out or returned")
            .register(meters);
    }

    /**
     * One statement on a schedule of its own, however often the metrics are scraped: a
     * scrape only reads what the last count found.
     */
    @Scheduled(fixedDelayString = "${wallet.api.gauges-every:15s}", initialDelay = 0)
    void count() {
        try {
            counts = jdbc.sql("""
                    select (select count(*) from deposits where status = 'review'),
                        (select count(*) from deposits
                            where status = 'pending' and created_at < now() - make_interval(secs => :reconcileAfter)),
                        (select count(*) from transfers
                            where status = 'pending' and created_at < now() - interval '1 minute'),
                        (select count(*) from withdrawals
                            where status in ('pending', 'processing') and created_at < now() - interval '1 hour')""")
                .param("reconcileAfter", reconcileAfter.toSeconds())
                .query((rs, n) -> new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4) })
                .single();
        }
        catch (RuntimeException e) {
            counts = new long[] { -1, -1, -1, -1 };
        }
    }

}
