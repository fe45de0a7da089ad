package dev.walletpipeline.api.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the outbox relay, under {@code wallet.outbox}.
 *
 * @param enabled whether this instance takes part in electing the relay
 * @param databaseUrl the JDBC URL of the wallet database
 * @param cdcUser a role with REPLICATION and SELECT on the outbox
 * @param cdcPassword its password
 * @param slotName the logical replication slot
 * @param capture what the relay streams: the request rows themselves, or outbox rows
 * written beside them
 * @param bootstrapServers the brokers commands go to, and where offsets are kept
 * @param offsetsTopic the compacted topic holding the relay's offsets
 * @param pollInterval how often Debezium polls for changes; its latency floor
 * @param heartbeatInterval how often the slot is moved on, even on a quiet database
 * @param electionInterval how often a standby instance tries to become the relay
 * @param resendAfter how old an unpublished outbox row, or a transfer still pending after
 * its row was published, must be before the relay's sweep sends its command (again)
 * @param sweepEvery how often the relay sweeps
 */
@ConfigurationProperties("wallet.outbox")
record OutboxSettings(boolean enabled, String databaseUrl, String cdcUser, String cdcPassword, String slotName,
        Capture capture, String bootstrapServers, String offsetsTopic, Duration pollInterval,
        Duration heartbeatInterval, Duration electionInterval, Duration resendAfter, Duration sweepEvery) {

    /**
     * Where commands come from, with the publication (created by the migrations) and the
     * tables Debezium reads.
     */
    enum Capture {

        /**
         * Each transfer, bulk batch and withdrawal row is its command: nothing written
         * beside it, nothing deleted after.
         */
        REQUEST_ROWS("wallet_requests", "public.transfers,public.transfer_batches,public.withdrawals,public.cdc_beats",
                "with gone as (delete from cdc_beats) insert into cdc_beats (beat_at) values (now())"),

        /** An outbox row written beside each request, deleted once it is sent. */
        OUTBOX_TABLE("wallet_outbox", "public.outbox,public.cdc_heartbeat",
                "update cdc_heartbeat set beat_at = now() where id = 1");

        final String publication;

        final String tables;

        final String heartbeat;

        Capture(String publication, String tables, String heartbeat) {
            this.publication = publication;
            this.tables = tables;
            this.heartbeat = heartbeat;
        }

    }

}
