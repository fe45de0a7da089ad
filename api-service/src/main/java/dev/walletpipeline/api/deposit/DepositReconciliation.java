package dev.walletpipeline.api.deposit;

import dev.walletpipeline.api.paystack.PaystackSettings;
import dev.walletpipeline.api.paystack.PaystackVerifier;
import dev.walletpipeline.contracts.states.DepositStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Asks about deposits still pending after a while. The question goes to webhook-ingest,
 * which asks Paystack's Verify Transaction itself and publishes a {@code success} or
 * {@code reversed} payment onto {@code paystack.events} with its reconciliation
 * signature, so the one crediting path (ledger-worker's, with its proof, amount, currency
 * and once-only checks) decides; this service cannot forge that fact. {@code abandoned}
 * and {@code failed} end the deposit here (nothing moves); a reference Paystack never
 * heard of is failed once it is old enough. Safe on every instance.
 */
@Component
class DepositReconciliation {

    private static final Logger log = LoggerFactory.getLogger(DepositReconciliation.class);

    private final Deposits deposits;

    private final PaystackSettings settings;

    private final MeterRegistry meters;

    private final PaystackVerifier verifier;

    DepositReconciliation(Deposits deposits, PaystackSettings settings, PaystackVerifier verifier,
            MeterRegistry meters) {
        this.deposits = deposits;
        this.settings = settings;
        this.verifier = verifier;
        this.meters = meters;
    }

    @Scheduled(fixedDelayString = "${wallet.paystack.reconcile-every}",
            initialDelayString = "${wallet.paystack.reconcile-every}")
    void reconcile() {
        for (Deposits.Deposit deposit : deposits.pendingOlderThan(settings.reconcileAfter(), 100)) {
            try {
                reconcile(deposit);
            }
            catch (RuntimeException e) {
                log.warn("reconciling deposit {} failed: {}", deposit.reference(), e.getMessage());
            }
        }
    }

    private void reconcile(Deposits.Deposit deposit) {
        String status = verifier.payment(deposit.reference());
        switch (status) {
            case "unknown" -> {
                if (deposit.createdAt().isBefore(Instant.now().minus(settings.giveUpAfter()))) {
                    deposits.end(deposit.reference(), DepositStatus.FAILED);
                    count("unknown_to_paystack");
                }
            }
            // Published by webhook-ingest; ledger-worker credits (or marks reversed) from
            // there.
            case "success", "reversed" -> count(status);
            // Paystack's status, which names ours here
            case "abandoned", "failed" -> {
                deposits.end(deposit.reference(), DepositStatus.of(status));
                count(status);
            }
            // ongoing, pending, processing, queued: ask again later
            default -> count("still_" + status);
        }
    }

    private void count(String outcome) {
        meters.counter("wallet.deposits.reconciled", "outcome", outcome).increment();
    }

}
