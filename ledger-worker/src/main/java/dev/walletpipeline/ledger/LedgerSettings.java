package dev.walletpipeline.ledger;

import dev.walletpipeline.contracts.PaystackKeys;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of ledger-worker, under {@code wallet.ledger}. The Kafka client settings that
 * decide correctness (isolation level, transactions, offset reset) are stated in
 * application.yml.
 *
 * @param bootstrapServers the brokers
 * @param healthTimeout how long the readiness check waits for the broker
 * @param retryBackoffInitial first wait before a failed batch is read again
 * @param retryBackoffMax longest wait between attempts
 * @param faultInjection crashes on purpose, for the fault tests only; all off by default
 * @param paystackSecretKey verifies Paystack's signature forwarded with each webhook
 * record
 * @param reconciliationKey verifies the signature of facts webhook-ingest verified with
 * Paystack
 * @param instanceId this instance's id, part of its transactional id: unique across
 * instances
 * @param transfersInOneHop post a transfer between two wallets of one partition in one
 * posting, both legs at once; off only to measure what it saves
 */
@ConfigurationProperties("wallet.ledger")
public record LedgerSettings(String bootstrapServers, Duration healthTimeout, Duration retryBackoffInitial,
        Duration retryBackoffMax, FaultInjection faultInjection, String paystackSecretKey, String reconciliationKey,
        String instanceId, boolean transfersInOneHop) {

    public LedgerSettings {
        // ledger-worker never calls Paystack; it verifies Paystack's signature on every
        // deposit.
        PaystackKeys.requireUsable(paystackSecretKey, null);
    }

    /**
     * @param haltAfterDatabaseCommit end the process (as SIGKILL would) right after the
     * first batch that posted money commits its database transaction and before its Kafka
     * transaction commits: the window exactly-once has to survive
     * @param haltAfterCreditLegSent end the process right after the first Kafka
     * transaction that sent a transfer's credit leg has committed: the sender is debited,
     * the recipient not yet credited, and the money is in transit
     */
    public record FaultInjection(boolean haltAfterDatabaseCommit, boolean haltAfterCreditLegSent) {
    }
}
