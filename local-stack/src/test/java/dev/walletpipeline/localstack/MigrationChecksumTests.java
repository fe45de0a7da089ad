package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletpipeline.contracts.schema.CommentOnlyRevisions;
import dev.walletpipeline.contracts.schema.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A database that applied a migration before its comments were reworded still validates,
 * and one whose migration was changed in any other way still does not.
 */
@ExtendWith(LocalStackExtension.class)
class MigrationChecksumTests {

    /** Flyway's checksum of V4 as it read before its first comment line was reworded. */
    private static final int V4_EARLIER_CHECKSUM = CommentOnlyRevisions.REVISIONS.get(0).earlierChecksum();

    @Test
    void aDatabaseThatAppliedTheEarlierCommentsOfAMigrationValidatesAndRecordsTheCurrentChecksum(LocalStack stack)
            throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            int current = checksum(db, "4");
            try {
                setChecksum(db, "4", V4_EARLIER_CHECKSUM);

                assertThat(migrate(stack)).isZero();
                assertThat(checksum(db, "4")).isEqualTo(current);
            }
            finally {
                setChecksum(db, "4", current);
            }
        }
    }

    @Test
    void eachRevisionsCurrentChecksumIsTheOneFlywayRecordsForTheMigrationAsItReadsNow(LocalStack stack)
            throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            for (CommentOnlyRevisions.Revision revision : CommentOnlyRevisions.REVISIONS) {
                assertThat(checksum(db, revision.version())).as("V" + revision.version())
                    .isEqualTo(revision.currentChecksum());
            }
        }
    }

    @Test
    void aMigrationChangedInAnyOtherWayStillFailsValidation(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            int current = checksum(db, "4");
            try {
                setChecksum(db, "4", V4_EARLIER_CHECKSUM + 1);

                assertThatThrownBy(() -> migrate(stack)).isInstanceOf(FlywayValidateException.class)
                    .hasMessageContaining("checksum mismatch");
                assertThat(checksum(db, "4")).isEqualTo(V4_EARLIER_CHECKSUM + 1);
            }
            finally {
                setChecksum(db, "4", current);
            }
        }
    }

    private static int migrate(LocalStack stack) {
        return Migrations.migrate(stack.postgres().jdbcUrl(), PostgresServer.OWNER,
                PostgresServer.passwordOf(PostgresServer.OWNER));
    }

    private static int checksum(Connection db, String version) throws SQLException {
        try (PreparedStatement query = db
            .prepareStatement("select checksum from flyway_schema_history where version = ?")) {
            query.setString(1, version);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("V" + version + " applied").isTrue();
                return row.getInt(1);
            }
        }
    }

    private static void setChecksum(Connection db, String version, int checksum) throws SQLException {
        try (PreparedStatement update = db
            .prepareStatement("update flyway_schema_history set checksum = ? where version = ?")) {
            update.setInt(1, checksum);
            update.setString(2, version);
            update.executeUpdate();
        }
    }

}
