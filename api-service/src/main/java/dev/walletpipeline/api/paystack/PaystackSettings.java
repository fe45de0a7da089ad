package dev.walletpipeline.api.paystack;

import dev.walletpipeline.contracts.PaystackKeys;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Paystack client and of reconciliation, under {@code wallet.paystack}.
 *
 * @param baseUrl Paystack's API, or the local stand-in
 * @param secretKey the secret key calls are made with ({@code PAYSTACK_SECRET_KEY})
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long to wait for an answer
 * @param retries extra attempts after a failure that may be transient (connection
 * refused, 5xx)
 * @param reconcileEvery how often pending deposits are checked with Verify Transaction
 * @param reconcileAfter how old a pending deposit must be before it is checked
 * @param giveUpAfter how old a deposit Paystack has never heard of must be before it is
 * failed
 * @param verifierUrl webhook-ingest, which asks Paystack's Verify Transaction for
 * reconciliation and alone may publish what it learns ({@code WEBHOOK_INGEST_URL})
 */
@ConfigurationProperties("wallet.paystack")
public record PaystackSettings(String baseUrl, String secretKey, Duration connectTimeout, Duration readTimeout,
        int retries, Duration reconcileEvery, Duration reconcileAfter, Duration giveUpAfter, String verifierUrl) {

    public PaystackSettings {
        PaystackKeys.requireUsable(secretKey, baseUrl);
    }
}
