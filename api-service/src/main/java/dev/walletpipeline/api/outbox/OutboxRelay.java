package dev.walletpipeline.api.outbox;

import dev.walletpipeline.contracts.Topic;
import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Streams wallet commands to {@code wallet.transfer-commands} with Debezium embedded
 * (Postgres connector, pgoutput): each inserted transfer, bulk batch and withdrawal row
 * is its own command ({@link Command#inserted}), read through the publication
 * {@value #PUBLICATION}, which carries inserts only. Nothing is written beside a request
 * and nothing is deleted after it is sent. At-least-once: a batch is sent and
 * acknowledged by Kafka, and only then are Debezium's offsets committed; a crash in
 * between sends some commands again, which ledger-worker's dedupe by request id absorbs.
 *
 * <p>
 * A transfer never stays pending for ever. The relay sweeps: transfers and withdrawals
 * still pending {@code resendAfter} after they were recorded (never streamed, because the
 * slot was lost and made anew past them, or their command lost after streaming) are sent
 * again from their rows, each once per {@code resendAfter}. ledger-worker dedupes by
 * request id, so a command sent twice moves money once. A lost slot is created anew with
 * the next generation, under which Debezium keeps fresh offsets (the old ones point
 * before the new slot, and Debezium refuses them).
 *
 * <p>
 * Exactly one relay runs across all api-service instances: the one holding a
 * session-level advisory lock on a dedicated connection. The others try again every
 * election interval; when the holder dies, its session ends, the lock is free, and a
 * standby takes over.
 */
@Component
class OutboxRelay implements SmartLifecycle, InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private static final long ELECTION_LOCK = 0x5741_4C4C_4554L; // "WALLET"

    /** The most requests of each kind one sweep sends again. */
    private static final int SWEEP_COMMANDS_MAX = 500;

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

    /**
     * How long a command waits for its request to become visible (normally microseconds;
     * see {@link #awaitVisible}) before it is sent anyway.
     */
    private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(2);

    private final OutboxSettings settings;

    private final JdbcClient jdbc;

    private final MeterRegistry meters;

    private final Counter published;

    private final Timer relayed;

    /**
     * This service's Kafka credentials (SASL), for the relay's producer and Debezium's
     * offset store.
     */
    private final Map<String, String> kafkaSecurity;

    private @Nullable ScheduledExecutorService elections;

    private @Nullable ExecutorService engineThread;

    private volatile boolean running;

    private volatile @Nullable Connection leadership;

    private volatile @Nullable DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    private volatile @Nullable Future<?> engineRun;

    private volatile @Nullable KafkaProducer<String, String> producer;

    /**
     * The commit time (epoch millis) of the newest change this relay has streamed and had
     * acknowledged, heartbeats included; 0 before the first.
     */
    private volatile long newestStreamedCommit;

    /** Pending transfers this relay sent again, by id, with when (nanoTime). */
    private final Map<UUID, Long> resentAt = new HashMap<>();

    OutboxRelay(OutboxSettings settings, JdbcClient jdbc, MeterRegistry meters, KafkaProperties kafka) {
        this.settings = settings;
        this.kafkaSecurity = security(kafka.buildAdminProperties());
        this.jdbc = jdbc;
        this.meters = meters;
        this.published = meters.counter("wallet.outbox.published");
        this.relayed = Timer.builder("wallet.outbox.relay")
            .description("from the transfer's commit in PostgreSQL to its command acknowledged by Kafka")
            .publishPercentileHistogram()
            .register(meters);
        Gauge.builder("wallet.outbox.lag.seconds", this, OutboxRelay::lagSeconds)
            .description("how far the command stream is behind the database, in seconds")
            .register(meters);
        Gauge.builder("wallet.outbox.leader", this, relay -> relay.isLeader() ? 1 : 0).register(meters);
    }

    /**
     * Before the web server takes requests: the slot should exist so that committed rows
     * are streamed, not left to the sweep.
     */
    @Override
    public void afterPropertiesSet() throws SQLException {
        if (!settings.enabled()) {
            return;
        }
        ensureSlot();
    }

    /**
     * Creates the replication slot if it is missing, and then counts a new slot
     * generation. Returns the generation Debezium's offsets belong to.
     */
    private long ensureSlot() throws SQLException {
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

    @Override
    public void start() {
        if (!settings.enabled()) {
            return;
        }
        running = true;
        // Made afresh on every start: a test context may be stopped and started again.
        engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "outbox-relay"));
        elections = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "outbox-election"));
        elections.scheduleWithFixedDelay(this::elect, 0, settings.electionInterval().toMillis(), TimeUnit.MILLISECONDS);
        elections.scheduleWithFixedDelay(this::sweep, settings.sweepEvery().toMillis(),
                settings.sweepEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (elections != null) {
            elections.shutdownNow();
        }
        stepDown();
        if (engineThread != null) {
            engineThread.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    boolean isLeader() {
        return leadership != null;
    }

    private synchronized void elect() {
        if (!running) {
            return;
        }
        try {
            Connection held = leadership;
            if (held != null) {
                if (!held.isValid(2) || engineRun == null || engineRun.isDone()) {
                    log.warn("outbox relay lost its database session or its engine stopped; stepping down");
                    stepDown();
                }
                return;
            }
            Connection candidate = DriverManager.getConnection(settings.databaseUrl(), settings.cdcUser(),
                    settings.cdcPassword());
            boolean won;
            try (Statement sql = candidate.createStatement();
                    ResultSet rs = sql.executeQuery("select pg_try_advisory_lock(" + ELECTION_LOCK + ")")) {
                won = rs.next() && rs.getBoolean(1);
            }
            if (!won) {
                candidate.close();
                return;
            }
            leadership = candidate;
            startEngine();
            log.info("this instance is now the outbox relay");
        }
        catch (SQLException | RuntimeException e) {
            log.warn("outbox relay election failed: {}", e.getMessage());
            stepDown();
        }
    }

    private synchronized void startEngine() throws SQLException {
        long generation = ensureSlot();
        Map<String, Object> producerProps = new HashMap<>(kafkaSecurity);
        producerProps.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000));
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        DebeziumEngine<RecordChangeEvent<SourceRecord>> created = DebeziumEngine
            .create(ChangeEventFormat.of(Connect.class))
            .using(engineProperties(generation))
            .notifying(this::relay)
            .using((success, message, error) -> {
                if (!success) {
                    log.error("outbox relay engine stopped: {}", message, error);
                }
            })
            .build();
        engine = created;
        engineRun = Objects.requireNonNull(engineThread).submit(created);
    }

    private synchronized void stepDown() {
        DebeziumEngine<RecordChangeEvent<SourceRecord>> current = engine;
        engine = null;
        Future<?> run = engineRun;
        engineRun = null;
        if (current != null) {
            closeEngine(current, run);
        }
        if (run != null) {
            try {
                run.get(30, TimeUnit.SECONDS);
            }
            catch (Exception ignored) {
                run.cancel(true);
            }
        }
        KafkaProducer<String, String> kafka = producer;
        producer = null;
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(5));
        }
        Connection held = leadership;
        leadership = null;
        if (held != null) {
            try {
                held.close();
            }
            catch (SQLException ignored) {
                // the session is gone either way, and the lock with it
            }
        }
    }

    /**
     * Debezium refuses to close while its tasks are still starting ("may lead to leaked
     * resource"): keep asking until it agrees, so that no engine outlives this instance's
     * leadership and holds the replication slot against the next relay.
     */
    private static void closeEngine(DebeziumEngine<RecordChangeEvent<SourceRecord>> engine, @Nullable Future<?> run) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                engine.close();
                return;
            }
            catch (IllegalStateException stillStarting) {
                if (System.nanoTime() > deadline) {
                    log.error("the outbox engine would not close; it may hold the replication slot", stillStarting);
                    return;
                }
                awaitQuietly(run, 200);
            }
            catch (Exception e) {
                log.warn("closing the outbox engine failed", e);
                return;
            }
        }
    }

    private static void awaitQuietly(@Nullable Future<?> run, long millis) {
        if (run == null) {
            return;
        }
        try {
            run.get(millis, TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException | ExecutionException ignored) {
            // still running, or ended: either way, try closing again
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a batch, waits for Kafka, then lets Debezium commit the offsets. */
    private void relay(List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        KafkaProducer<String, String> kafka = producer;
        if (kafka == null) {
            throw new InterruptedException("the relay is stopping");
        }
        List<Command> commands = new ArrayList<>();
        // the commands' transactions' commit times
        List<Long> committedAt = new ArrayList<>();
        long newestChange = 0; // heartbeats included
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord record = event.record();
            Optional<Command> command = Command.inserted(record);
            command.ifPresent(commands::add);
            Long committed = Command.committedAt(record);
            if (committed != null) {
                newestChange = Math.max(newestChange, committed);
                if (command.isPresent()) {
                    committedAt.add(committed);
                }
            }
        }
        awaitVisible(commands.stream().map(Command::id).toList());
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (Command command : commands) {
            sends.add(kafka.send(command.toRecord()));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        }
        catch (ExecutionException | TimeoutException e) {
            // Nothing committed: Debezium stops, the election loop notices and starts
            // over from the offsets.
            throw new IllegalStateException("publishing transfer commands failed", e);
        }
        published.increment(sends.size());
        long now = System.currentTimeMillis();
        committedAt.forEach(at -> relayed.record(Math.max(0, now - at), TimeUnit.MILLISECONDS));
        if (newestChange > 0) {
            newestStreamedCommit = newestChange;
        }
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    /**
     * Returns once every request {@code ids} names (a transfer, a bulk transfer or a
     * withdrawal, never deleted) is visible to a new snapshot, or after
     * {@link #VISIBILITY_WAIT}. PostgreSQL writes a commit to the WAL, where Debezium
     * reads it, a moment before it marks the transaction committed for other sessions.
     * Measured on two busy cores: ledger-worker read a transfer 40 ms after its command
     * was sent and did not find it, so the command became a dead letter ("no such
     * transfer", 14 in one benchmark run) and the transfer waited for the sweep. A
     * command sent after this reads what it names.
     */
    void awaitVisible(List<UUID> ids) throws InterruptedException {
        if (ids.isEmpty()) {
            return;
        }
        String[] wanted = ids.stream().distinct().map(UUID::toString).toArray(String[]::new);
        long deadline = System.nanoTime() + VISIBILITY_WAIT.toNanos();
        int seen;
        while ((seen = visible(wanted)) < wanted.length) {
            if (System.nanoTime() > deadline) {
                log.warn("sending {} command(s) whose transfer or withdrawal is still not visible after {}",
                        wanted.length - seen, VISIBILITY_WAIT);
                return;
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    private int visible(String[] ids) {
        return jdbc.sql("""
                select (select count(*) from transfers where id = any(?::uuid[]))
                     + (select count(*) from transfer_batches where id = any(?::uuid[]))
                     + (select count(*) from withdrawals where id = any(?::uuid[]))""")
            .param(ids)
            .param(ids)
            .param(ids)
            .query(Integer.class)
            .single();
    }

    /**
     * On the relay only: sends again the commands of transfers and withdrawals still
     * pending long after they were recorded, at most a few hundred of each per sweep,
     * each once per {@code resendAfter}.
     */
    private synchronized void sweep() {
        KafkaProducer<String, String> kafka = producer;
        if (!running || leadership == null || kafka == null) {
            return;
        }
        try {
            long seconds = settings.resendAfter().toSeconds();
            List<Command> transfers = jdbc.sql("""
                    select t.id, t.from_wallet_id, t.to_wallet_id, t.amount, t.currency, t.created_at
                    from transfers t
                    where t.status = 'pending' and t.created_at < now() - make_interval(secs => ?)
                    order by t.created_at limit ?""")
                .param(seconds)
                .param(SWEEP_COMMANDS_MAX)
                .query((rs, n) -> Command.transfer(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getLong(4), rs.getString(5).trim(),
                        rs.getObject(6, OffsetDateTime.class).toInstant()))
                .list();
            List<Command> withdrawals = jdbc.sql("""
                    select w.id, w.wallet_id, w.amount, w.currency, w.created_at from withdrawals w
                    where w.status = 'pending' and w.created_at < now() - make_interval(secs => ?)
                    order by w.created_at limit ?""")
                .param(seconds)
                .param(SWEEP_COMMANDS_MAX)
                .query((rs, n) -> Command.withdrawal(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getLong(3), rs.getString(4).trim(), rs.getObject(5, OffsetDateTime.class).toInstant()))
                .list();
            // Once per resendAfter each: a worker that is merely behind is not flooded.
            long now = System.nanoTime();
            resentAt.values().removeIf(at -> now - at > settings.resendAfter().toNanos());
            List<Command> dueTransfers = transfers.stream().filter(c -> !resentAt.containsKey(c.id())).toList();
            List<Command> dueWithdrawals = withdrawals.stream().filter(c -> !resentAt.containsKey(c.id())).toList();
            send(kafka, dueTransfers, "pending_transfer");
            send(kafka, dueWithdrawals, "pending_withdrawal");
            dueTransfers.forEach(c -> resentAt.put(c.id(), now));
            dueWithdrawals.forEach(c -> resentAt.put(c.id(), now));
        }
        catch (RuntimeException e) {
            log.warn("outbox sweep failed; the next one tries again: {}", e.getMessage());
        }
    }

    /** Sends the commands, and waits until Kafka acknowledged every one. */
    private void send(KafkaProducer<String, String> kafka, List<Command> commands, String kind) {
        if (commands.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (Command command : commands) {
            sends.add(kafka.send(command.toRecord()));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resending", e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("resending wallet commands failed", e);
        }
        meters.counter("wallet.outbox.resent", "kind", kind).increment(commands.size());
        log.info("sweep sent {} wallet command(s) again ({})", commands.size(), kind);
    }

    private static Map<String, String> security(Map<String, Object> clientProperties) {
        Map<String, String> security = new HashMap<>();
        clientProperties.forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                security.put(key, String.valueOf(value));
            }
        });
        return Map.copyOf(security);
    }

    /**
     * How far the stream is behind the database: on the relay, the time since the newest
     * change it streamed was committed (heartbeats every {@code heartbeatInterval} keep
     * it that small while the database is quiet); elsewhere, the age of the newest
     * heartbeat, which grows when no relay runs.
     */
    private double lagSeconds() {
        try {
            long streamed = newestStreamedCommit;
            if (isLeader() && streamed > 0) {
                return Math.max(0, System.currentTimeMillis() - streamed) / 1000.0;
            }
            Double age = jdbc.sql("select extract(epoch from now() - max(beat_at)) from cdc_beats")
                .query(Double.class)
                .optional()
                .orElse(null);
            return age == null ? 0 : age;
        }
        catch (RuntimeException e) {
            return -1;
        }
    }

    private Properties engineProperties(long slotGeneration) {
        URI database = URI.create(settings.databaseUrl().substring("jdbc:".length()));
        Properties props = new Properties();
        // Offsets are stored under this name: one set per slot generation.
        props.setProperty("name", slotGeneration == 1 ? "wallet-outbox" : "wallet-outbox-" + slotGeneration);
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        props.setProperty("offset.storage.topic", settings.offsetsTopic());
        props.setProperty("offset.storage.partitions", "1");
        props.setProperty("offset.storage.replication.factor", "1");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("bootstrap.servers", settings.bootstrapServers());
        // Debezium's offset store connects as this service too
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
