package dev.walletpipeline.api.outbox;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * (Postgres connector, pgoutput; {@link DebeziumSettings}): each inserted transfer, bulk
 * batch and withdrawal row is its own command ({@link Command#inserted}), read through
 * the publication {@value DebeziumSettings#PUBLICATION}, which carries inserts only.
 * Nothing is written beside a request and nothing is deleted after it is sent.
 * At-least-once: a batch is sent and acknowledged by Kafka, and only then are Debezium's
 * offsets committed; a crash in between sends some commands again, which ledger-worker's
 * dedupe by request id absorbs.
 *
 * <p>
 * A transfer never stays pending for ever: the relay also sweeps ({@link PendingSweep}).
 * A lost slot is created anew with the next generation ({@link ReplicationSlot}).
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

    /**
     * How long a command waits for its request to become visible (normally microseconds;
     * see {@link #awaitVisible}) before it is sent anyway.
     */
    private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(2);

    private final OutboxSettings settings;

    private final JdbcClient jdbc;

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

    private volatile @Nullable CommandSender sender;

    private final PendingSweep sweep;

    /**
     * The commit time (epoch millis) of the newest change this relay has streamed and had
     * acknowledged, heartbeats included; 0 before the first.
     */
    private volatile long newestStreamedCommit;

    OutboxRelay(OutboxSettings settings, JdbcClient jdbc, MeterRegistry meters, KafkaProperties kafka) {
        this.settings = settings;
        this.kafkaSecurity = security(kafka.buildAdminProperties());
        this.jdbc = jdbc;
        this.sweep = new PendingSweep(settings, jdbc, meters);
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
        ReplicationSlot.ensure(settings);
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
        long generation = ReplicationSlot.ensure(settings);
        sender = new CommandSender(settings.bootstrapServers(), kafkaSecurity);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> created = DebeziumEngine
            .create(ChangeEventFormat.of(Connect.class))
            .using(DebeziumSettings.of(settings, kafkaSecurity, generation))
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
        CommandSender kafka = sender;
        sender = null;
        if (kafka != null) {
            kafka.close();
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
        CommandSender kafka = sender;
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
        // On a failure nothing is committed: Debezium stops, the election loop notices
        // and
        // starts over from the offsets.
        kafka.sendAll(commands);
        published.increment(commands.size());
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

    /** On the relay only: {@link PendingSweep}. */
    private synchronized void sweep() {
        CommandSender kafka = sender;
        if (!running || leadership == null || kafka == null) {
            return;
        }
        try {
            sweep.sweep(kafka);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException e) {
            log.warn("outbox sweep failed; the next one tries again: {}", e.getMessage());
        }
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

}
