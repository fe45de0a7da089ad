package dev.walletpipeline.contracts.schema;

import org.flywaydb.core.Flyway;

/**
 * The schema's one way in: the Flyway migrations under {@code db/migration}, applied as
 * the schema owner by a step of its own, before the services start (ledger-worker's
 * {@code migrate} command, local-stack for the local run and the tests). No long-running
 * service holds the owner's password; each logs in with the least privilege its work
 * needs.
 */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Applies the pending migrations; returns how many ran. Safe to run concurrently
     * (Flyway locks).
     */
    public static int migrate(String jdbcUrl, String ownerUser, String ownerPassword) {
        return Flyway.configure()
            .dataSource(jdbcUrl, ownerUser, ownerPassword)
            .locations("classpath:db/migration")
            .callbacks(new CommentOnlyRevisions())
            .load()
            .migrate().migrationsExecuted;
    }

}
