package dev.walletpipeline.api.operations;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What operators alert on and no counter can tell: money waiting. Read from the database
 * at each scrape, with the partial indexes on pending rows; -1 when the database cannot
 * be read (the readiness check says why).
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

    MoneyPathGauges(JdbcClient jdbc, MeterRegistry meters,
            @Value("${wallet.paystack.reconcile-after}") Duration reconcileAfter) {
        this.jdbc = jdbc;
        this.reconcileAfter = reconcileAfter;
        Gauge
            .builder("wallet.deposits.waiting", this,
                    g -> g.count("select count(*) from deposits where status = 'review'"))
            .tag("state", "review")
            .description("deposits waiting for a person")
            .register(meters);
        Gauge.builder("wallet.deposits.waiting", this, g -> g.count(
                "select count(*) from deposits where status = 'pending' and created_at < now() - make_interval(secs => "
                        + g.reconcileAfter.toSeconds() + ")"))
            .tag("state", "reconciliation")
            .description("deposits pending past the reconciliation delay")
            .register(meters);
        Gauge.builder("wallet.transfers.pending.over.minute", this, g -> g.count(
                "select count(*) from transfers where status = 'pending' and created_at < now() - interval '1 minute'"))
            .description("transfers accepted more than a minute ago and not yet final")
            .register(meters);
        Gauge.builder("wallet.withdrawals.unfinished.over.hour", this, g -> g.count("""
                select count(*) from withdrawals
                where status in ('pending', 'processing') and created_at < now() - interval '1 hour'"""))
            .description("withdrawals accepted more than an hour ago that Paystack has not paid out or returned")
            .register(meters);
    }

    private double count(String sql) {
        try {
            return jdbc.sql(sql).query(Long.class).single();
        }
        catch (RuntimeException e) {
            return -1;
        }
    }

}
