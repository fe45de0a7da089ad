package dev.walletpipeline.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of webhook-ingest, under {@code wallet.webhook}.
 *
 * @param paystackSecretKey the key Paystack signs webhooks with ({@code PAYSTACK_SECRET_KEY})
 * @param bodySizeMax larger bodies are refused with 413 before they are read in full
 * @param kafka where events go and how long a publish may take before Paystack is told to retry
 */
@ConfigurationProperties("wallet.webhook")
public record WebhookSettings(String paystackSecretKey, DataSize bodySizeMax, Kafka kafka) {

    public WebhookSettings {
        if (paystackSecretKey.isBlank()) {
            throw new IllegalArgumentException("wallet.webhook.paystack-secret-key must be set");
        }
    }

    /**
     * @param bootstrapServers the brokers
     * @param publishTimeout how long to wait for the broker's acknowledgement before answering 503
     * @param healthTimeout how long the readiness check waits for the broker
     */
    public record Kafka(String bootstrapServers, Duration publishTimeout, Duration healthTimeout) {
    }
}
