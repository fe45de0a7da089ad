package dev.walletpipeline.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * One running instance per {@code WORKER_INSTANCE_ID}. The id is part of the
 * transactional id, and two producers with one transactional id fence each other: both
 * would keep aborting each other's batches. So the instance holds a session advisory lock
 * on its id for as long as it runs, taken before any listener starts; a second instance
 * with the same id refuses to start and says why. The lock goes with the session: a
 * crashed instance's successor can start at once.
 */
@Component
class InstanceIdGuard implements DisposableBean {

    /** The first half of the two-key advisory lock space used here. */
    private static final int LOCK_SPACE = 2002;

    private final Connection session;

    InstanceIdGuard(DataSource dataSource, LedgerSettings settings) throws SQLException {
        HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
        this.session = DriverManager.getConnection(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
        boolean mine;
        try (PreparedStatement lock = session.prepareStatement("select pg_try_advisory_lock(?, hashtext(?))")) {
            lock.setInt(1, LOCK_SPACE);
            lock.setString(2, settings.instanceId());
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                mine = rs.getBoolean(1);
            }
        }
        if (!mine) {
            session.close();
            throw new IllegalStateException("another ledger-worker is running with WORKER_INSTANCE_ID="
                    + settings.instanceId() + "; give every instance its own id (it names the instance's"
                    + " Kafka transactions, and two instances with one id would fence each other)");
        }
    }

    @Override
    public void destroy() throws SQLException {
        session.close();
    }

}
