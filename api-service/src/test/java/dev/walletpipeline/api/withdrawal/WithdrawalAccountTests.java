package dev.walletpipeline.api.withdrawal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A leaked {@code withdraw} key cannot send the wallet to its thief's bank: only a person
 * saves or removes a bank account, and a new account is paid out to only after it has
 * cooled off.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "wallet.withdrawals.account-cooling-off=24h")
class WithdrawalAccountTests {

    @LocalServerPort
    int port;

    @Test
    void anApiKeyWithWithdrawCanNeitherSaveNorRemoveABankAccount() {
        ApiClient api = new ApiClient(port);
        ApiClient.SignedIn person = api.signIn("keyed-" + UUID.randomUUID() + "@example.com");
        String key = api.createKey(person, "1H", "withdraw", "read");

        ApiClient.Response saved = api.post("/wallet/withdrawal-accounts", ApiClient.As.key(key),
                "{\"account_number\":\"0123456789\",\"bank_code\":\"058\"}");
        assertThat(saved.status()).isEqualTo(403);
        assertThat(saved.code()).isEqualTo("permission_missing");
        assertThat(api.get("/wallet/withdrawal-accounts", ApiClient.As.key(key)).json().size()).isZero();

        ApiClient.Response byPerson = api.post("/wallet/withdrawal-accounts", person.as(),
                "{\"account_number\":\"0123456789\",\"bank_code\":\"058\"}");
        assertThat(byPerson.status()).isEqualTo(201);
        ApiClient.Response removed = api.request("DELETE", "/wallet/withdrawal-accounts/" + byPerson.text("id"),
                ApiClient.As.key(key), null, "");
        assertThat(removed.status()).isEqualTo(403);
        assertThat(api.get("/wallet/withdrawal-accounts", person.as()).json().size()).isEqualTo(1);
    }

    @Test
    void aNewAccountIsPaidOutToOnlyAfterItsCoolingOff(LocalStack stack) throws Exception {
        ApiClient api = new ApiClient(port);
        ApiClient.SignedIn person = api.signIn("cooling-" + UUID.randomUUID() + "@example.com");
        String key = api.createKey(person, "1H", "withdraw");
        ApiClient.Response saved = api.post("/wallet/withdrawal-accounts", person.as(),
                "{\"account_number\":\"0123456780\",\"bank_code\":\"044\"}");
        assertThat(saved.status()).isEqualTo(201);
        Instant usableFrom = Instant.parse(saved.text("usable_from"));
        assertThat(usableFrom).isBetween(Instant.now().plus(Duration.ofHours(23)),
                Instant.now().plus(Duration.ofHours(25)));

        ApiClient.Response early = api.post("/wallet/withdrawals", ApiClient.As.key(key),
                "{\"amount\":10000,\"account_id\":\"" + saved.text("id") + "\"}");
        assertThat(early.status()).isEqualTo(422);
        assertThat(early.code()).isEqualTo("withdrawal_account_cooling_off");
        assertThat(early.text("detail")).contains(usableFrom.toString().substring(0, 16));

        // A day later: the cooling-off no longer stands in the way (an empty wallet
        // does).
        new LedgerProbe(stack).queryAsOwner(
                "update withdrawal_accounts set created_at = created_at - interval '25 hours',"
                        + " usable_from = usable_from - interval '25 hours' where id = ?::uuid returning 'ok'",
                saved.text("id"));
        ApiClient.Response later = api.post("/wallet/withdrawals", ApiClient.As.key(key),
                "{\"amount\":10000,\"account_id\":\"" + saved.text("id") + "\"}");
        assertThat(later.status()).isEqualTo(422);
        assertThat(later.code()).isEqualTo("insufficient_funds");
    }

    @Test
    void theDatabaseRefusesAWithdrawalToAnAccountStillCoolingOffWhateverInsertsIt(LocalStack stack) throws Exception {
        LedgerProbe ledger = new LedgerProbe(stack);
        UUID wallet = ledger.newWallet();
        UUID account = UUID.randomUUID();
        ledger.queryAsOwner("""
                insert into withdrawal_accounts (id, user_id, account_number, bank_code, bank_name, account_name,
                    recipient_code, usable_from)
                select ?::uuid, user_id, '0123456781', '058', 'GTB', 'A', 'RCP_x', now() + interval '1 day'
                from wallets where id = ?::uuid returning 'ok'""", account.toString(), wallet.toString());
        try (Connection api = stack.postgres().connect(PostgresServer.API);
                PreparedStatement insert = api.prepareStatement("""
                        insert into withdrawals (id, wallet_id, account_id, recipient_code, amount, reference)
                        values (?, ?, ?, 'RCP_x', 10000, ?)""")) {
            UUID id = UUID.randomUUID();
            insert.setObject(1, id);
            insert.setObject(2, wallet);
            insert.setObject(3, account);
            insert.setString(4, id.toString());
            assertThatThrownBy(insert::executeUpdate).isInstanceOf(SQLException.class)
                .hasMessageContaining("is cooling off");
        }
    }

}
