package dev.walletpipeline.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server from zonky's embedded binaries: its own {@code postgres}
 * process, with a data directory kept across restarts and crash-safe settings (zonky's
 * defaults turn fsync off). On first start it creates the database {@code wallet} and the
 * roles the services log in with, from {@code bootstrap/postgres-init.sql}.
 *
 * <p>
 * In containers ({@link Containers}) it is Testcontainers' {@link PostgreSQLContainer} on
 * the {@code postgres} image, with the same settings and the same bootstrap.
 */
public final class PostgresServer {

    public static final String DATABASE = "wallet";

    /**
     * Role, password: the schema owner that runs the migrations, and the two service
     * roles.
     */
    public static final String OWNER = "wallet_owner";

    public static final String API = "wallet_api";

    public static final String WORKER = "wallet_worker";

    public static final String CDC = "wallet_cdc";

    /** webhook-dispatcher's role. */
    public static final String WEBHOOKS = "wallet_webhooks";

    /**
     * The server's settings, either way it runs. zonky turns the first three off for
     * speed; acknowledged commits were lost on SIGKILL.
     */
    private static final Map<String, String> SETTINGS = settings("fsync", "on", "synchronous_commit", "on",
            "full_page_writes", "on", "wal_level", "logical", "max_replication_slots", "8", "max_wal_senders", "8",
            "max_connections", "200", "shared_buffers", "128MB",
            // Time per statement, for the benchmark and for anyone asking where the
            // database's time goes (create extension pg_stat_statements, as postgres).
            "shared_preload_libraries", "pg_stat_statements");

    /** The superuser's password, a local one either way. */
    private static final String SUPERUSER_PASSWORD = "postgres";

    private final Path home;

    private final int port;

    private final boolean inContainer;

    private @Nullable EmbeddedPostgres postgres;

    /**
     * The server's container, kept when killed so that it can start again on its data.
     */
    private @Nullable PostgreSQLContainer container;

    PostgresServer(Path home, int port, boolean inContainer) {
        this.home = home;
        this.port = port;
        this.inContainer = inContainer;
    }

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    /**
     * The local password of each role is its name (bootstrap/postgres-init.sql): local
     * use only.
     */
    public static String passwordOf(String role) {
        return role;
    }

    public Connection connect(String role) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), role, passwordOf(role));
    }

    synchronized void start() {
        if (inContainer) {
            startContainer();
            bootstrap();
            return;
        }
        try {
            Files.createDirectories(home.resolve("work"));
            awaitOldServerGone();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(home.resolve("data"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(home.resolve("work").toFile())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setRegisterShutdownHook(false)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(home.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(home.resolve("postgres.log").toFile()));
            SETTINGS.forEach(builder::setServerConfig);
            postgres = builder.start();
            bootstrap();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new container initialises its cluster; a killed one starts again on it. */
    private void startContainer() {
        PostgreSQLContainer server = container;
        if (server == null) {
            List<String> command = new ArrayList<>(List.of("postgres"));
            SETTINGS.forEach((name, value) -> command.addAll(List.of("-c", name + "=" + value)));
            server = new PostgreSQLContainer(Containers.POSTGRES_IMAGE).withDatabaseName("postgres")
                .withUsername("postgres")
                .withPassword(SUPERUSER_PASSWORD)
                .withSharedMemorySize(256L * 1024 * 1024);
            server.setExposedPorts(new ArrayList<>());
            Containers.ownedByThisJvm(server);
            Containers.publishOnLoopback(server, port, 5432);
            server.withCommand(command.toArray(String[]::new)).start();
            container = server;
            return;
        }
        if (!Containers.isRunning(server)) {
            Containers.startAgain(server);
        }
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try (Connection ready = connectAsSuperuser()) {
                return;
            }
            catch (SQLException notYet) {
                if (Instant.now().isAfter(deadline) || !Containers.isRunning(server)) {
                    throw new IllegalStateException(
                            "PostgreSQL did not start again; see docker logs " + server.getContainerId(), notYet);
                }
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
        }
    }

    private Connection connectAsSuperuser() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres",
                SUPERUSER_PASSWORD);
    }

    /**
     * The postmaster and every backend frozen (SIGSTOP) for this long, then let go on
     * (SIGCONT): queries hang rather than fail, past any client's time-out.
     */
    public void pause(Duration pause) {
        PostgreSQLContainer inside;
        synchronized (this) {
            inside = container;
        }
        if (inside != null) {
            Containers.pause(inside, pause);
            return;
        }
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(postmaster -> ChildJvm.pause(postmaster, pause));
    }

    /** Whether the server's container is paused right now (never, outside containers). */
    synchronized boolean isPausedInContainer() {
        return container != null && Containers.isPaused(container);
    }

    /** SIGKILL of the postmaster, as a crash would; its children end with it. */
    public synchronized void kill() {
        if (container != null) {
            Containers.kill(container);
            return;
        }
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(ChildJvm::kill);
        awaitOldServerGone();
        releaseDirectoryLock();
        postgres = null;
    }

    /**
     * zonky holds a file lock on the data directory for as long as its handle lives;
     * after a crash that handle must let go, or the restart in this JVM fails with
     * OverlappingFileLockException.
     */
    private void releaseDirectoryLock() {
        EmbeddedPostgres crashed = postgres;
        if (crashed == null) {
            return;
        }
        try {
            // its pg_ctl stop finds no server; the point is the lock it releases
            crashed.close();
        }
        catch (IOException | RuntimeException expected) {
            // the server is already gone
        }
        for (String field : new String[] { "lock", "lockStream" }) {
            try {
                Field handle = EmbeddedPostgres.class.getDeclaredField(field);
                handle.setAccessible(true);
                Object value = handle.get(crashed);
                if (value instanceof FileLock lock && lock.isValid()) {
                    lock.release();
                }
                else if (value instanceof Closeable closeable) {
                    closeable.close();
                }
            }
            catch (ReflectiveOperationException | IOException | RuntimeException ignored) {
                // best effort: a fresh JVM has no such lock anyway
            }
        }
    }

    /** A clean shutdown; a container is removed with its data. */
    public synchronized void stop() {
        if (container != null) {
            container.stop();
            container = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            }
            catch (IOException e) {
                kill();
            }
            postgres = null;
        }
    }

    public synchronized void restart() {
        kill();
        start();
    }

    private Optional<Long> postmasterPid() {
        Path pidFile = home.resolve("data").resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        }
        catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A postmaster still alive on this directory (a killed run's, or one being reaped)
     * blocks a new start.
     */
    private void awaitOldServerGone() {
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(old -> {
            if (old.isAlive() && old.info().command().map(c -> c.endsWith("postgres")).orElse(false)) {
                ChildJvm.kill(old);
            }
        });
    }

    /**
     * Runs {@code bootstrap/postgres-init.sql} (shared with docker-compose) on a new
     * cluster; on one made before, only the roles it lacks.
     */
    private void bootstrap() {
        try (Connection superuser = connectAsSuperuser(); Statement sql = superuser.createStatement()) {
            var exists = sql.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'");
            boolean existing = exists.next();
            for (String statement : bootstrapStatements()) {
                // A cluster made before a role was added to the script gets that role.
                Matcher role = Pattern.compile("create role (\\w+) .*").matcher(statement);
                if (existing && !(role.matches()
                        && !sql.executeQuery("select 1 from pg_roles where rolname = '" + role.group(1) + "'")
                            .next())) {
                    continue;
                }
                sql.execute(statement);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("bootstrapping the wallet database failed", e);
        }
    }

    private static List<String> bootstrapStatements() {
        try (var in = PostgresServer.class.getResourceAsStream("/bootstrap/postgres-init.sql")) {
            if (in == null) {
                throw new IllegalStateException("bootstrap/postgres-init.sql is missing from the classpath");
            }
            // The psql variables of the shared script, filled with the local passwords.
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .replace(":'owner_password'", "'" + passwordOf(OWNER) + "'")
                .replace(":'api_password'", "'" + passwordOf(API) + "'")
                .replace(":'worker_password'", "'" + passwordOf(WORKER) + "'")
                .replace(":'webhooks_password'", "'" + passwordOf(WEBHOOKS) + "'")
                .replace(":'cdc_password'", "'" + passwordOf(CDC) + "'");
            return Arrays.stream(script.replaceAll("(?m)--.*$", "").split(";"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
