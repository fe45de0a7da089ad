package dev.walletpipeline.contracts.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.FlywayException;

/**
 * Migrations whose comments were reworded after they were applied somewhere: the SQL they
 * run is unchanged, but Flyway's checksum covers comments too, so a database that applied
 * the earlier text would refuse to validate. Before validating, a recorded checksum that
 * is exactly the earlier text's is set to the current one. Any other checksum is left
 * alone, so a migration edited in any other way still fails validation, as it should.
 */
public final class CommentOnlyRevisions implements Callback {

    /** A migration's checksum with its earlier comments, and with its current ones. */
    public record Revision(String version, int earlierChecksum, int currentChecksum) {
    }

    public static final List<Revision> REVISIONS = List.of(new Revision("4", -2054796663, 502288581),
            new Revision("8", 546583176, -190249882), new Revision("9", 300199453, -1236245346),
            new Revision("10", -833469547, 36071247));

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_VALIDATE || event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        String table = context.getConfiguration().getTable();
        Connection connection = context.getConnection();
        try {
            if (!exists(connection, table)) {
                return;
            }
            try (PreparedStatement update = connection
                .prepareStatement("update " + table + " set checksum = ? where version = ? and checksum = ?")) {
                for (Revision revision : REVISIONS) {
                    update.setInt(1, revision.currentChecksum());
                    update.setString(2, revision.version());
                    update.setInt(3, revision.earlierChecksum());
                    update.executeUpdate();
                }
            }
        }
        catch (SQLException ex) {
            throw new FlywayException("could not bring comment-only revisions' checksums up to date", ex);
        }
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select to_regclass(?) is not null")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    @Override
    public String getCallbackName() {
        return "comment-only revisions";
    }

}
