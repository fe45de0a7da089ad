package dev.walletpipeline.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of api-service, under {@code wallet.api}.
 *
 * @param bootstrapServers the brokers the transfer outbox is streamed to
 * @param healthTimeout how long the readiness check waits for the broker
 */
@ConfigurationProperties("wallet.api")
public record ApiSettings(String bootstrapServers, Duration healthTimeout) {
}
