package dev.walletpipeline.api.apikey;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Verified API keys by hash, so that a request with a key reads nothing from the
 * database. Right only while it hears every change: on a connection of its own it listens
 * on {@code api_key_changed}, where a trigger announces each change that can refuse a key
 * (revoked, expiry, permissions; V11), whoever makes it, and it forgets that key when the
 * announcement arrives, on every instance. While it is not listening (starting, or its
 * connection lost and not yet back) it keeps nothing and every request reads the
 * database.
 *
 * <p>
 * A key read from the database is kept only if no announcement arrived while it was read
 * ({@link #generation()}): a revocation that commits between the read and the keeping is
 * not lost. The instance that revokes a key forgets it before answering, so its own next
 * request is refused without waiting for the announcement.
 */
@Component
class ApiKeyCache implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyCache.class);

    static final String CHANNEL = "api_key_changed";

    /** More keys than this in use at once: start again rather than grow without end. */
    private static final int MOST_KEYS = 100_000;

    /** How often a quiet listening connection is asked whether it is still there. */
    private static final long CHECK_EVERY_MILLIS = 5_000;

    private final Map<ByteBuffer, ApiKeys.Key> byHash = new ConcurrentHashMap<>();

    private final String url;

    private final Properties credentials = new Properties();

    /**
     * Counts announcements and connection losses: a read that saw another value than the
     * current one is not kept.
     */
    private long generation;

    private boolean listening;

    private volatile boolean running;

    private @Nullable Thread listener;

    ApiKeyCache(DataSource dataSource) {
        HikariDataSource pool = (HikariDataSource) dataSource;
        this.url = pool.getJdbcUrl();
        credentials.setProperty("user", pool.getUsername());
        credentials.setProperty("password", pool.getPassword() == null ? "" : pool.getPassword());
        // a connection that died without a word is found within seconds, not hours
        credentials.setProperty("socketTimeout", "10");
        credentials.setProperty("tcpKeepAlive", "true");
        credentials.setProperty("ApplicationName", "api-service key announcements");
    }

    ApiKeys.@Nullable Key get(byte[] hash) {
        return byHash.get(ByteBuffer.wrap(hash));
    }

    /** Taken before a key is read from the database, and given back to {@link #keep}. */
    synchronized long generation() {
        return generation;
    }

    /**
     * Keeps a key read from the database, unless the cache is not listening or an
     * announcement came in since {@code readAt}.
     */
    synchronized void keep(byte[] hash, ApiKeys.Key key, long readAt) {
        if (!listening || generation != readAt) {
            return;
        }
        if (byHash.size() >= MOST_KEYS) {
            byHash.clear();
        }
        byHash.put(ByteBuffer.wrap(hash), key);
    }

    /** The same key with a newer last-used time, if it is still kept. */
    void touched(byte[] hash, ApiKeys.Key before, ApiKeys.Key after) {
        byHash.replace(ByteBuffer.wrap(hash), before, after);
    }

    synchronized void forget(UUID keyId) {
        generation++;
        byHash.values().removeIf(key -> key.id().equals(keyId));
    }

    private synchronized void listening(boolean now) {
        generation++;
        byHash.clear();
        listening = now;
    }

    synchronized boolean isListening() {
        return listening;
    }

    @Override
    public synchronized void start() {
        running = true;
        Thread thread = new Thread(this::listen, "api-key-announcements");
        thread.setDaemon(true);
        thread.start();
        listener = thread;
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = DriverManager.getConnection(url, credentials);
                    Statement sql = connection.createStatement()) {
                sql.execute("listen " + CHANNEL);
                listening(true);
                PGConnection announcements = connection.unwrap(PGConnection.class);
                long checkedAt = System.nanoTime();
                while (running) {
                    PGNotification[] arrived = announcements.getNotifications((int) CHECK_EVERY_MILLIS);
                    if (arrived != null && arrived.length > 0) {
                        for (PGNotification announcement : arrived) {
                            forget(UUID.fromString(announcement.getParameter()));
                        }
                    }
                    else if (System.nanoTime() - checkedAt > TimeUnit.MILLISECONDS.toNanos(CHECK_EVERY_MILLIS)) {
                        sql.execute("select 1");
                        checkedAt = System.nanoTime();
                    }
                }
            }
            catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("not hearing API key changes; every request reads its key until heard again: {}",
                            e.getMessage());
                }
            }
            finally {
                listening(false);
            }
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

}
