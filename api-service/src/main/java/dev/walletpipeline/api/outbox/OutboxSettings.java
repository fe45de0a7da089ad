package dev.walletpipeline.api.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the outbox relay, under {@code wallet.outbox}.
 *
 * @param enabled whether this instance takes part in electing the relay
 * @param databaseUrl the JDBC URL of the wallet database
 * @param cdcUser a role with REPLICATION and SELECT on the request tables
 * @param cdcPassword its password
 * @param slotName the logical replication slot
 * @param bootstrapServers the brokers commands go to, and where offsets are kept
 * @param offsetsTopic the compacted topic holding the relay's offsets
 * @param pollInterval how often Debezium polls for changes; its latency floor
 * @param heartbeatInterval how often the slot is moved on, even on a quiet database
 * @param electionInterval how often a standby instance tries to become the relay
 * @param resendAfter how old a transfer or withdrawal still pending must be before the
 * relay's sweep sends its command again
 * @param sweepEvery how often the relay sweeps
 */
@ConfigurationProperties("wallet.outbox")
record OutboxSettings(boolean enabled, String databaseUrl, String cdcUser, String cdcPassword, String slotName,
        String bootstrapServers, String offsetsTopic, Duration pollInterval, Duration heartbeatInterval,
        Duration electionInterval, Duration resendAfter, Duration sweepEvery) {
}
