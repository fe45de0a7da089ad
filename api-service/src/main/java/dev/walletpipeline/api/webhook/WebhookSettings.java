package dev.walletpipeline.api.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of webhook endpoints, under {@code wallet.webhooks}.
 *
 * @param localTargetsAllowed {@code http} and loopback targets, for the local run only
 * @param maxEndpointsPerUser endpoints a person may have at once
 * @param rotationOverlap how long the previous secret still signs after a rotation
 */
@ConfigurationProperties("wallet.webhooks")
record WebhookSettings(boolean localTargetsAllowed, int maxEndpointsPerUser, Duration rotationOverlap) {
}
