package dev.walletpipeline.ledger;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

/** The money rules the database keeps even against our own services' mistakes. */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class SchemaPrivilegeTests {

    @Autowired
    Environment environment;

    @Autowired
    DataSource dataSource;

    @Test
    void theRunningWorkerHoldsNoSchemaOwnerCredentialsAndLogsInAsItsOwnRole() throws Exception {
        Assertions.assertThat(environment.getProperty("spring.flyway.password")).isNull();
        Assertions.assertThat(environment.getProperty("DATABASE_OWNER_PASSWORD")).isNull();
        try (Connection connection = dataSource.getConnection();
                Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("select current_user")) {
            rs.next();
            Assertions.assertThat(rs.getString(1)).isEqualTo(PostgresServer.WORKER);
        }
    }

    @Test
    void theApiRoleIsRefusedAnyChangeOfBalances(LocalStack stack) throws Exception {
        try (Connection api = stack.postgres().connect(PostgresServer.API); Statement sql = api.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("update wallets set balance = balance + 100"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> sql.executeUpdate(
                    """
                            insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                                deposit_reference, event_id)
                            values ('x', '00000000-0000-0000-0000-00000000c1ea', 1, 1, 1, 'deposit', 'x', gen_random_uuid())"""))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("permission denied");
        }
    }

    @Test
    void theWorkerCannotReadSignInsTokensKeysPeopleOrTheirBankAccounts(LocalStack stack) throws Exception {
        try (Connection worker = stack.postgres().connect(PostgresServer.WORKER);
                Statement sql = worker.createStatement()) {
            for (String table : List.of("refresh_tokens", "signin_attempts", "api_keys", "users", "withdrawal_accounts",
                    "cdc_heartbeat", "cdc_beats")) {
                assertThatThrownBy(() -> sql.executeQuery("select count(*) from " + table)).as(table)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            }
        }
    }

    @Test
    void aCustomerBalanceCannotGoBelowZeroEvenForTheWorker(LocalStack stack) throws Exception {
        try (Connection owner = stack.postgres().connect(PostgresServer.OWNER);
                Statement sql = owner.createStatement()) {
            sql.executeUpdate(
                    "insert into users (id, email) values ('11111111-1111-1111-1111-111111111111', 'neg@example.com')");
            sql.executeUpdate(
                    """
                            insert into wallets (id, user_id, number) values
                            ('22222222-2222-2222-2222-222222222222', '11111111-1111-1111-1111-111111111111', '1234567890123')""");
        }
        try (Connection worker = stack.postgres().connect(PostgresServer.WORKER);
                Statement sql = worker.createStatement()) {
            assertThatThrownBy(() -> sql
                .executeUpdate("update wallets set balance = -1 where id = '22222222-2222-2222-2222-222222222222'"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("balance_never_negative");
        }
    }

    @Test
    void unbalancedEntriesAreRefusedByTheDatabase(LocalStack stack) throws Exception {
        walletWithDeposits(stack, "33333333-3333-3333-3333-333333333333", "44444444-4444-4444-4444-444444444444",
                "1234567890124", "UNBALANCED-1");
        try (Connection worker = stack.postgres().connect(PostgresServer.WORKER);
                Statement sql = worker.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("""
                    insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                        deposit_reference, event_id)
                    values ('deposit:UNBALANCED-1', '44444444-4444-4444-4444-444444444444', 1000, 1000, 1, 'deposit',
                        'UNBALANCED-1', gen_random_uuid())""")).isInstanceOf(SQLException.class)
                .hasMessageContaining("does not sum to zero");
        }
    }

    @Test
    void anUnbalancedPostingAmongBalancedOnesInOneStatementIsRefusedByName(LocalStack stack) throws Exception {
        walletWithDeposits(stack, "55555555-5555-5555-5555-555555555555", "66666666-6666-6666-6666-666666666666",
                "1234567890125", "MANY-1", "MANY-2", "MANY-3");
        // Two postings that sum to zero around the one that does not, as a batch writes
        // them: in one statement. The clearing account's sequences are far from any a
        // test posts, and nothing is kept when the statement is refused.
        try (Connection worker = stack.postgres().connect(PostgresServer.WORKER);
                Statement sql = worker.createStatement()) {
            assertThatThrownBy(() -> sql.executeUpdate("""
                    insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                        deposit_reference, event_id)
                    values
                    ('deposit:MANY-1', '66666666-6666-6666-6666-666666666666', 1000, 1000, 1, 'deposit', 'MANY-1',
                        gen_random_uuid()),
                    ('deposit:MANY-1', '00000000-0000-0000-0001-000000000000', -1000, -1000, 900000001,
                        'deposit_clearing', 'MANY-1', gen_random_uuid()),
                    ('deposit:MANY-3', '66666666-6666-6666-6666-666666666666', 1000, 2000, 2, 'deposit', 'MANY-3',
                        gen_random_uuid()),
                    ('deposit:MANY-2', '66666666-6666-6666-6666-666666666666', 1000, 3000, 3, 'deposit', 'MANY-2',
                        gen_random_uuid()),
                    ('deposit:MANY-2', '00000000-0000-0000-0001-000000000000', -1000, -2000, 900000002,
                        'deposit_clearing', 'MANY-2', gen_random_uuid())""")).isInstanceOf(SQLException.class)
                .hasMessageContaining("posting deposit:MANY-3 does not sum to zero");
        }
    }

    /**
     * A customer and wallet with pending deposits of 1,000 each, made as the schema's
     * owner: what the rules under test are then asked to post.
     */
    private static void walletWithDeposits(LocalStack stack, String user, String wallet, String number,
            String... references) throws SQLException {
        try (Connection owner = stack.postgres().connect(PostgresServer.OWNER)) {
            try (var insert = owner.prepareStatement("insert into users (id, email) values (?::uuid, ?)")) {
                insert.setString(1, user);
                insert.setString(2, number + "@example.com");
                insert.executeUpdate();
            }
            try (var insert = owner
                .prepareStatement("insert into wallets (id, user_id, number) values (?::uuid, ?::uuid, ?)")) {
                insert.setString(1, wallet);
                insert.setString(2, user);
                insert.setString(3, number);
                insert.executeUpdate();
            }
            try (var insert = owner
                .prepareStatement("insert into deposits (reference, wallet_id, amount) values (?, ?::uuid, 1000)")) {
                for (String reference : references) {
                    insert.setString(1, reference);
                    insert.setString(2, wallet);
                    insert.executeUpdate();
                }
            }
        }
    }

}
