package dev.walletpipeline.api.paystack;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Paystack client and of reconciliation, under {@code wallet.paystack}.
 * This service holds no Paystack key: its calls go through webhook-ingest's internal
 * listener, which adds the key (Paystack signs webhooks with the same key, so whoever
 * holds it can forge a payment).
 *
 * @param gatewayUrl webhook-ingest's internal listener
 * ({@code WEBHOOK_INGEST_INTERNAL_URL})
 * @param serviceToken the credential webhook-ingest's internal listener asks for
 * ({@code INTERNAL_SERVICE_TOKEN})
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long to wait for an answer; longer than webhook-ingest's own
 * wait for Paystack, so that its 504 arrives first
 * @param retries extra attempts after a failure that may be transient (connection
 * refused, 5xx but a time-out)
 * @param reconcileEvery how often pending deposits are checked with Verify Transaction
 * @param reconcileAfter how old a pending deposit must be before it is checked
 * @param giveUpAfter how old a deposit Paystack has never heard of must be before it is
 * failed
 */
@ConfigurationProperties("wallet.paystack")
public record PaystackSettings(String gatewayUrl, String serviceToken, Duration connectTimeout, Duration readTimeout,
        int retries, Duration reconcileEvery, Duration reconcileAfter, Duration giveUpAfter) {
}
