package dev.walletpipeline.webhook;

import dev.walletpipeline.contracts.PaystackKeys;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of webhook-ingest, under {@code wallet.webhook}.
 *
 * @param paystackSecretKey the key Paystack signs webhooks with
 * ({@code PAYSTACK_SECRET_KEY})
 * @param bodySizeMax larger bodies are refused with 413 before they are read in full
 * @param kafka where events go and how long a publish may take before Paystack is told to
 * retry
 * @param sources an optional allow-list of the addresses webhooks may come from
 * @param paystack where Paystack's API is, for Verify Transaction when a webhook never
 * came
 * @param reconciliationKey signs the payments this service verified with Paystack itself
 * ({@code RECONCILIATION_SIGNING_KEY}); ledger-worker holds the same key, no one else
 * @param internal the listener api-service calls: Paystack's API through this service,
 * and verification
 */
@ConfigurationProperties("wallet.webhook")
public record WebhookSettings(String paystackSecretKey, DataSize bodySizeMax, Kafka kafka, Sources sources,
        Paystack paystack, String reconciliationKey, Internal internal) {

    public WebhookSettings {
        PaystackKeys.requireUsable(paystackSecretKey, paystack.baseUrl());
    }

    /**
     * @param port the internal listener's port ({@code INTERNAL_PORT}); never publish it
     * @param serviceToken the credential api-service sends
     * ({@code INTERNAL_SERVICE_TOKEN})
     * @param bodySizeMax larger request bodies are refused with 413
     */
    public record Internal(int port, String serviceToken, DataSize bodySizeMax) {
    }

    /**
     * @param baseUrl Paystack's API, or the local stand-in
     * @param connectTimeout how long to wait for a connection
     * @param readTimeout how long to wait for an answer
     */
    public record Paystack(String baseUrl, Duration connectTimeout, Duration readTimeout) {
    }

    /**
     * @param bootstrapServers the brokers
     * @param publishTimeout how long to wait for the broker's acknowledgement before
     * answering 503
     * @param healthTimeout how long the readiness check waits for the broker
     */
    public record Kafka(String bootstrapServers, Duration publishTimeout, Duration healthTimeout) {
    }

    /**
     * Off while {@code allowed} is empty. The signature already proves a webhook is
     * Paystack's; this refuses anything else before it costs an HMAC.
     *
     * @param allowed addresses webhooks may come from (Paystack documents 52.31.139.75,
     * 52.49.173.169 and 52.214.14.220)
     * @param trustedProxyHeader when set (e.g. {@code X-Forwarded-For}), the client
     * address is the last entry of this header, as appended by our own proxy; never set
     * it without a proxy that overwrites or appends it, or any caller can claim any
     * address
     */
    public record Sources(List<String> allowed, @Nullable String trustedProxyHeader) {

        public Sources {
            allowed = allowed == null ? List.of() : List.copyOf(allowed);
        }
    }
}
