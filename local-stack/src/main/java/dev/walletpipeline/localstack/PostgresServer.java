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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A real PostgreSQL server from zonky's embedded binaries: its own {@code postgres}
 * process, with a data directory kept across restarts and crash-safe settings (zonky's
 * defaults turn fsync off). On first start it creates the database {@code wallet} and the
 * roles the services log in with, from {@code bootstrap/postgres-init.sql}.
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

    private final Path home;

    private final int port;

    private @Nullable EmbeddedPostgres postgres;

    PostgresServer(Path home, int port) {
        this.home = home;
        this.port = port;
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
        try {
            Files.createDirectories(home.resolve("work"));
            awaitOldServerGone();
            postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(home.resolve("data"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(home.resolve("work").toFile())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setRegisterShutdownHook(false)
                // zonky turns these off for speed; acknowledged commits were lost on
                // SIGKILL.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "8")
                .setServerConfig("max_wal_senders", "8")
                .setServerConfig("max_connections", "200")
                .setServerConfig("shared_buffers", "128MB")
                // Time per statement, for the benchmark and for anyone asking where the
                // database's time goes (create extension pg_stat_statements, as
                // postgres).
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(home.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(home.resolve("postgres.log").toFile()))
                .start();
            bootstrap();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The postmaster and every backend frozen (SIGSTOP) for this long, then let go on
     * (SIGCONT): queries hang rather than fail, past any client's time-out.
     */
    public void pause(Duration pause) {
        postmasterPid().flatMap(ProcessHandle::of).ifPresent(postmaster -> ChildJvm.pause(postmaster, pause));
    }

    /** SIGKILL of the postmaster, as a crash would; its children end with it. */
    public synchronized void kill() {
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

    public synchronized void stop() {
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
        try (Connection superuser = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
                "postgres", "postgres"); Statement sql = superuser.createStatement()) {
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
