package dev.walletpipeline.api.outbox;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How the relay's Debezium engine reads the request tables: the connector's properties.
 */
final class DebeziumSettings {

    /**
     * The publication of the request tables and the heartbeat (created by the
     * migrations).
     */
    static final String PUBLICATION = "wallet_requests";

    /** The request tables and the heartbeat's, as Debezium names them. */
    private static final String TABLES = Stream.concat(Command.REQUEST_TABLES.stream().sorted(), Stream.of("cdc_beats"))
        .map(table -> "public." + table)
        .collect(Collectors.joining(","));

    /**
     * The heartbeat is an insert, which the publication carries; the statement that
     * inserts a beat deletes the one before, so the table keeps one row.
     */
    private static final String HEARTBEAT = "with gone as (delete from cdc_beats) insert into cdc_beats (beat_at) values (now())";

    private DebeziumSettings() {
    }

    /**
     * @param kafkaSecurity this service's Kafka credentials: Debezium's offset store
     * connects as this service too
     * @param slotGeneration the slot's generation ({@link ReplicationSlot#ensure}): one
     * set of offsets each
     */
    static Properties of(OutboxSettings settings, Map<String, String> kafkaSecurity, long slotGeneration) {
        URI database = URI.create(settings.databaseUrl().substring("jdbc:".length()));
        Properties props = new Properties();
        props.setProperty("name", slotGeneration == 1 ? "wallet-outbox" : "wallet-outbox-" + slotGeneration);
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        props.setProperty("offset.storage.topic", settings.offsetsTopic());
        props.setProperty("offset.storage.partitions", "1");
        props.setProperty("offset.storage.replication.factor", "1");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("bootstrap.servers", settings.bootstrapServers());
        kafkaSecurity.forEach(props::setProperty);
        props.setProperty("database.hostname", database.getHost());
        props.setProperty("database.port", Integer.toString(database.getPort() < 0 ? 5432 : database.getPort()));
        props.setProperty("database.dbname", database.getPath().substring(1));
        props.setProperty("database.user", settings.cdcUser());
        props.setProperty("database.password", settings.cdcPassword());
        props.setProperty("topic.prefix", "wallet");
        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", settings.slotName());
        props.setProperty("publication.name", PUBLICATION);
        props.setProperty("publication.autocreate.mode", "disabled");
        props.setProperty("table.include.list", TABLES);
        // Rows committed before the slot existed are not ours to send; the slot is
        // created first.
        props.setProperty("snapshot.mode", "no_data");
        // Only inserted rows are commands (the publication carries nothing else; this
        // says so again).
        props.setProperty("skipped.operations", "u,d,t");
        props.setProperty("poll.interval.ms", Long.toString(settings.pollInterval().toMillis()));
        props.setProperty("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
        props.setProperty("heartbeat.action.query", HEARTBEAT);
        return props;
    }

}
