package dev.walletpipeline.dispatcher;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of webhook-dispatcher, under {@code wallet.webhooks}.
 *
 * @param localTargetsAllowed {@code http} and loopback targets, for the local run only
 * @param retrySchedule the wait before each attempt, counted from the one before; a
 * delivery whose last attempt failed is given up
 * @param disableAfterFailingFor an endpoint whose every attempt failed this long is
 * disabled
 * @param timeout an attempt's limit, from connecting to the answer's first KB
 * @param inFlight deliveries in flight from this instance
 * @param inFlightPerEndpoint of them, to one endpoint at most
 * @param lease how long a delivery being sent is held by the instance sending it
 * @param idlePoll how often the sender looks for due deliveries when nothing woke it
 */
@ConfigurationProperties("wallet.webhooks")
public record DispatcherSettings(boolean localTargetsAllowed, List<Duration> retrySchedule,
        Duration disableAfterFailingFor, Duration timeout, int inFlight, int inFlightPerEndpoint, Duration lease,
        Duration idlePoll) {

    public DispatcherSettings {
        if (retrySchedule.isEmpty()) {
            throw new IllegalArgumentException("wallet.webhooks.retry-schedule needs at least one attempt");
        }
        if (inFlightPerEndpoint < 1 || inFlight < inFlightPerEndpoint) {
            throw new IllegalArgumentException(
                    "wallet.webhooks.in-flight must be at least in-flight-per-endpoint (>= 1)");
        }
        if (lease.compareTo(timeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("wallet.webhooks.lease must be at least twice the timeout");
        }
        retrySchedule = List.copyOf(retrySchedule);
    }

}
