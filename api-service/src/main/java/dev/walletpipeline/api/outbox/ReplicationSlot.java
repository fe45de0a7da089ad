package dev.walletpipeline.api.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logical replication slot the relay reads, and its generation: a slot lost and made
 * anew counts a new generation, under which Debezium keeps fresh offsets (the old ones
 * point before the new slot, and Debezium refuses them). Rows committed while no slot
 * existed are sent by the sweep ({@link PendingSweep}).
 */
final class ReplicationSlot {

    private static final Logger log = LoggerFactory.getLogger(ReplicationSlot.class);

    private ReplicationSlot() {
    }

    /**
     * Creates the slot if it is missing, and then counts a new slot generation.
     * @return the generation Debezium's offsets belong to
     */
    static long ensure(OutboxSettings settings) throws SQLException {
        try (Connection cdc = DriverManager.getConnection(settings.databaseUrl(), settings.cdcUser(),
                settings.cdcPassword()); Statement sql = cdc.createStatement()) {
            boolean exists;
            try (ResultSet rs = sql
                .executeQuery("select 1 from pg_replication_slots where slot_name = '" + settings.slotName() + "'")) {
                exists = rs.next();
            }
            if (!exists) {
                try {
                    sql.execute("select pg_create_logical_replication_slot('" + settings.slotName() + "', 'pgoutput')");
                    sql.executeUpdate("update cdc_heartbeat set slot_generation = slot_generation + 1 where id = 1");
                    log.warn("created replication slot {}: rows committed while it was missing are sent by the sweep",
                            settings.slotName());
                }
                catch (SQLException alreadyCreatedByAnotherInstance) {
                    log.info("replication slot {} was created concurrently", settings.slotName());
                }
            }
            try (ResultSet rs = sql.executeQuery("select slot_generation from cdc_heartbeat where id = 1")) {
                return rs.next() ? rs.getLong(1) : 1;
            }
        }
    }

}
