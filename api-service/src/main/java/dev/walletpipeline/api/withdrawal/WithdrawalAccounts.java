package dev.walletpipeline.api.withdrawal;

import dev.walletpipeline.api.paystack.PaystackApi;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.contracts.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.node.ObjectNode;

/**
 * A person's saved bank accounts. Saving one resolves it with Paystack first (a number
 * that does not resolve is refused before anything is stored or any money moves), then
 * registers it as a Paystack transfer recipient ({@code nuban}); the recipient code is
 * what withdrawals are sent to. A saved account is usable only from {@code usable_from},
 * after the cooling-off period: a stolen credential cannot add an account and be paid out
 * to it at once.
 */
@Repository
class WithdrawalAccounts {

    private final JdbcClient jdbc;

    private final PaystackApi paystack;

    private final WithdrawalSettings settings;

    WithdrawalAccounts(JdbcClient jdbc, PaystackApi paystack, WithdrawalSettings settings) {
        this.jdbc = jdbc;
        this.paystack = paystack;
        this.settings = settings;
    }

    record Account(UUID id, String accountNumber, String bankCode, String bankName, String accountName,
            String recipientCode, Instant createdAt, Instant usableFrom) {
    }

    Account save(UUID userId, String accountNumber, String bankCode) {
        Optional<Account> saved = find(userId, accountNumber, bankCode);
        if (saved.isPresent()) {
            return saved.get();
        }
        PaystackApi.Answer resolved = paystack.get("/bank/resolve",
                Map.of("account_number", accountNumber, "bank_code", bankCode));
        String accountName = resolved.data().path("account_name").asString("");
        if (!resolved.ok() || accountName.isBlank()) {
            throw new WalletProblem(WalletProblem.Kind.REFUSED, "account_not_resolved",
                    "Paystack could not resolve account " + accountNumber + " at bank " + bankCode + ": "
                            + resolved.message());
        }
        ObjectNode recipient = Json.MAPPER.createObjectNode();
        recipient.put("type", "nuban");
        recipient.put("name", accountName);
        recipient.put("account_number", accountNumber);
        recipient.put("bank_code", bankCode);
        recipient.put("currency", "NGN");
        PaystackApi.Answer created = paystack.post("/transferrecipient", recipient);
        String code = created.data().path("recipient_code").asString("");
        if (!created.ok() || code.isBlank()) {
            throw new PaystackApi.PaystackFailed("Paystack refused the transfer recipient: " + created.message());
        }
        String bankName = created.data().path("details").path("bank_name").asString(bankCode);
        UUID id = UUID.randomUUID();
        int inserted = jdbc.sql("""
                insert into withdrawal_accounts (id, user_id, account_number, bank_code, bank_name, account_name,
                    recipient_code, usable_from)
                values (?, ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?)) on conflict do nothing""")
            .params(id, userId, accountNumber, bankCode, bankName, accountName, code,
                    settings.accountCoolingOff().toMillis() / 1000.0)
            .update();
        if (inserted == 0) {
            // Saved at the same time by another request of the same person.
            return find(userId, accountNumber, bankCode).orElseThrow();
        }
        return find(userId, id).orElseThrow();
    }

    List<Account> list(UUID userId) {
        return jdbc.sql(SELECT + " where user_id = ? and deleted_at is null order by created_at")
            .param(userId)
            .query(WithdrawalAccounts::account)
            .list();
    }

    Optional<Account> find(UUID userId, UUID id) {
        return jdbc.sql(SELECT + " where user_id = ? and id = ? and deleted_at is null")
            .params(userId, id)
            .query(WithdrawalAccounts::account)
            .optional();
    }

    /** Removes a saved account; its past withdrawals keep naming it. */
    boolean delete(UUID userId, UUID id) {
        return jdbc.sql(
                "update withdrawal_accounts set deleted_at = now() where user_id = ? and id = ? and deleted_at is null")
            .params(userId, id)
            .update() == 1;
    }

    private Optional<Account> find(UUID userId, String accountNumber, String bankCode) {
        return jdbc.sql(SELECT + " where user_id = ? and account_number = ? and bank_code = ? and deleted_at is null")
            .params(userId, accountNumber, bankCode)
            .query(WithdrawalAccounts::account)
            .optional();
    }

    private static final String SELECT = """
            select id, account_number, bank_code, bank_name, account_name, recipient_code, created_at, usable_from
            from withdrawal_accounts""";

    private static Account account(ResultSet rs, int n) throws SQLException {
        return new Account(rs.getObject("id", UUID.class), rs.getString("account_number"), rs.getString("bank_code"),
                rs.getString("bank_name"), rs.getString("account_name"), rs.getString("recipient_code"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("usable_from", OffsetDateTime.class).toInstant());
    }

}
