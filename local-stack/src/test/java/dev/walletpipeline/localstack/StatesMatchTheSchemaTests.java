package dev.walletpipeline.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.states.AccountKind;
import dev.walletpipeline.contracts.states.DeliveryStatus;
import dev.walletpipeline.contracts.states.DepositStatus;
import dev.walletpipeline.contracts.states.EntryType;
import dev.walletpipeline.contracts.states.TransferStatus;
import dev.walletpipeline.contracts.states.WalletStatus;
import dev.walletpipeline.contracts.states.WithdrawalStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each enum of {@code contracts.states} names exactly the values its column's CHECK
 * constraint allows, as the migrations left it: a state added on one side only fails
 * here, not in a posting.
 */
@ExtendWith(LocalStackExtension.class)
class StatesMatchTheSchemaTests {

    private static final Pattern QUOTED = Pattern.compile("'([a-z_]+)'");

    @Test
    void everyStateTypeNamesExactlyWhatItsCheckConstraintAllows(LocalStack stack) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            assertThat(allowed(db, "transfers", "transfers_status_check")).isEqualTo(wires(TransferStatus.class));
            assertThat(allowed(db, "deposits", "deposits_status_check")).isEqualTo(wires(DepositStatus.class));
            assertThat(allowed(db, "withdrawals", "withdrawals_status_check")).isEqualTo(wires(WithdrawalStatus.class));
            assertThat(allowed(db, "ledger_entries", "ledger_entries_entry_type_check"))
                .isEqualTo(wires(EntryType.class));
            assertThat(allowed(db, "wallets", "wallets_kind_check")).isEqualTo(wires(AccountKind.class));
            assertThat(allowed(db, "wallets", "wallets_status_check")).isEqualTo(wires(WalletStatus.class));
            assertThat(allowed(db, "webhook_deliveries", "webhook_deliveries_status_check"))
                .isEqualTo(wires(DeliveryStatus.class));
        }
    }

    @Test
    void theEntriesThatMayFollowSpentMoneyAreTheCustomerEntriesTheDatabaseLetsGoBelowZero(LocalStack stack)
            throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER)) {
            Set<String> belowZero = allowed(db, "ledger_entries", "below_zero_only_by_refund_or_chargeback");
            Set<String> customerEntries = Arrays.stream(EntryType.values())
                .filter(EntryType::mayFollowSpentMoney)
                .map(EntryType::wire)
                .collect(Collectors.toCollection(TreeSet::new));
            // The rest of the database's list are system accounts' entries.
            assertThat(belowZero).containsAll(customerEntries)
                .doesNotContain("transfer_out", "withdrawal", "chargeback", "deposit");
            assertThat(belowZero).filteredOn(type -> !type.endsWith("_clearing") && !type.equals("in_transit"))
                .containsExactlyInAnyOrderElementsOf(customerEntries);
        }
    }

    private static Set<String> allowed(Connection db, String table, String constraint) throws Exception {
        try (PreparedStatement sql = db.prepareStatement(
                "select pg_get_constraintdef(oid) from pg_constraint where conname = ? and conrelid = ?::regclass")) {
            sql.setString(1, constraint);
            sql.setString(2, table);
            try (ResultSet row = sql.executeQuery()) {
                assertThat(row.next()).as(constraint + " on " + table).isTrue();
                Set<String> values = new TreeSet<>();
                Matcher quoted = QUOTED.matcher(row.getString(1));
                while (quoted.find()) {
                    values.add(quoted.group(1));
                }
                return values;
            }
        }
    }

    private static <E extends Enum<E>> Set<String> wires(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
            .map(value -> value.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toCollection(TreeSet::new));
    }

}
