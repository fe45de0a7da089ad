package dev.walletpipeline.ledger.posting;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps each wallet's ledger events in sequence order on Kafka. A wallet's events come
 * from more than one consumer (its own transfers, the transfers it receives, its
 * deposits), and two Kafka transactions append in the order they send, not the order
 * their database transactions committed. So a batch holds a session-level advisory lock
 * per wallet it posts to from before its database transaction until its Kafka transaction
 * has completed: the next batch touching the same wallet numbers its events after ours
 * and appends them after ours too.
 *
 * <p>
 * The locks live on a connection of their own per consumer thread (a pooled connection
 * would carry them away after commit). A crash ends the session, and the locks with it.
 */
@Component
class EventOrderLocks {

    /**
     * The first half of the two-key advisory lock space used here; api-service uses the
     * one-key space.
     */
    private static final int LOCK_SPACE = 2001;

    private final String url;

    private final String user;

    private final String password;

    private final ThreadLocal<@Nullable Connection> connections = new ThreadLocal<>();

    EventOrderLocks(DataSource dataSource) throws SQLException {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        this.url = hikari.getJdbcUrl();
        this.user = hikari.getUsername();
        this.password = hikari.getPassword();
    }

    /**
     * Locks the wallets (in a fixed order, so batches cannot deadlock on them) until the
     * current Kafka transaction completes, committed or not.
     */
    void holdUntilKafkaCompletes(Collection<UUID> wallets) {
        if (wallets.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("event order locks need the listener's Kafka transaction");
        }
        int[] keys = wallets.stream().mapToInt(EventOrderLocks::key).distinct().sorted().toArray();
        Connection connection = connection();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                release(connection);
            }
        });
        // One round trip; the ORDER BY makes every batch take its locks in the same
        // order.
        try (PreparedStatement lock = connection.prepareStatement("select count(pg_advisory_lock(" + LOCK_SPACE
                + ", k)) from (select unnest(?::int[]) as k order by 1) keys")) {
            lock.setArray(1, connection.createArrayOf("int4", java.util.Arrays.stream(keys).boxed().toArray()));
            lock.execute();
        }
        catch (SQLException e) {
            discard(connection);
            throw new IllegalStateException("taking the event order locks failed", e);
        }
    }

    private static int key(UUID wallet) {
        long bits = wallet.getMostSignificantBits() ^ wallet.getLeastSignificantBits();
        return (int) (bits ^ (bits >>> 32));
    }

    private Connection connection() {
        Connection connection = connections.get();
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(url, user, password);
                connection.setAutoCommit(true);
                connections.set(connection);
            }
            return connection;
        }
        catch (SQLException e) {
            throw new IllegalStateException("no connection for the event order locks", e);
        }
    }

    private void release(Connection connection) {
        try (Statement unlock = connection.createStatement()) {
            unlock.execute("select pg_advisory_unlock_all()");
        }
        catch (SQLException e) {
            discard(connection); // a broken session holds no locks any more
        }
    }

    private void discard(Connection connection) {
        try {
            connection.close();
        }
        catch (SQLException ignored) {
            // closing is all that is left to do
        }
        if (connections.get() == connection) {
            connections.remove();
        }
    }

}
