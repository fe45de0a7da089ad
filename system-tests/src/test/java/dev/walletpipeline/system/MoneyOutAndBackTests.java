package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackStandIn;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Withdrawals, refunds and chargebacks through the whole pipeline: the API, the outbox,
 * ledger-worker, the Paystack stand-in's Transfers API and its signed webhooks through
 * webhook-ingest, and verification when a webhook never comes. Every test ends with the
 * ledger's invariants (wallets + clearing + in transit + disputes held + payouts in
 * flight = 0).
 */
@ExtendWith(LocalStackExtension.class)
class MoneyOutAndBackTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private Pipeline pipeline;

    private ApiClient api;

    private LedgerProbe ledger;

    private TopicProbe topics;

    private PaystackStandIn paystack;

    @BeforeEach
    void setUp(LocalStack stack) {
        pipeline = Pipeline.shared(stack);
        pipeline.ensureRunning();
        api = pipeline.api;
        ledger = pipeline.ledger;
        topics = pipeline.topics;
        paystack = stack.paystack();
    }

    @Test
    void aWithdrawalIsHeldAtOnceSentToPaystackAndCompletedWhenPaidOut() throws Exception {
        ApiClient.SignedIn person = pipeline.personWithBalance(500_000);
        JsonNode account = saveAccount(person, accountNumber("5"));
        assertThat(account.path("bank_name").asString()).isEqualTo("Guaranty Trust Bank");
        assertThat(account.path("account_name").asString()).startsWith("ADA OBI");

        ApiClient.Response accepted = withdraw(person, account, 200_000, null);

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.text("status")).isEqualTo("pending");
        String id = accepted.text("id");
        assertThat(accepted.header("Location")).isEqualTo("/wallet/withdrawals/" + id);
        assertThat(api.get("/wallet/balance", person.as()).json().path("available").asLong()).isEqualTo(300_000);
        await().atMost(WAIT).until(() -> status(person, id).equals("completed"));
        JsonNode balance = api.get("/wallet/balance", person.as()).json();
        assertThat(balance.path("balance").asLong()).isEqualTo(300_000);
        assertThat(balance.path("in_debt").asBoolean()).isFalse();
        assertThat(paystack.transferStatus(id)).isEqualTo("success");
        assertThat(events(person)).endsWith(LedgerEvent.Type.WithdrawalRequested, LedgerEvent.Type.WithdrawalCompleted);
        assertThat(
                api.get("/wallet/transactions", person.as()).json().path("transactions").get(0).path("type").asString())
            .isEqualTo("withdrawal");
        assertMoneyAddsUp();
    }

    @Test
    void aTransferPaystackFailsAndOneItReversesAfterPayingOutBothGoBackToTheWallet() throws Exception {
        ApiClient.SignedIn person = pipeline.personWithBalance(100_000);
        String failed = withdraw(person, saveAccount(person, accountNumber("0001")), 30_000, null).text("id");
        String reversed = withdraw(person, saveAccount(person, accountNumber("0002")), 20_000, null).text("id");

        await().atMost(WAIT).until(() -> status(person, failed).equals("failed"));
        await().atMost(WAIT).until(() -> status(person, reversed).equals("reversed"));

        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(100_000);
        assertThat(api.get("/wallet/withdrawals/" + failed, person.as()).text("reason"))
            .isEqualTo("Paystack reports the transfer failed");
        assertThat(events(person)).contains(LedgerEvent.Type.WithdrawalReturned, LedgerEvent.Type.WithdrawalCompleted);
        assertThat(api.get("/wallet/transactions", person.as()).json().path("transactions").toString())
            .contains("withdrawal_returned");
        assertMoneyAddsUp();
    }

    @Test
    void aWithdrawalWhoseWebhookNeverComesIsSettledByVerifyTransfer() throws Exception {
        ApiClient.SignedIn person = pipeline.personWithBalance(80_000);
        JsonNode account = saveAccount(person, accountNumber("7"));
        paystack.transferWebhooks(false);
        try {
            String id = withdraw(person, account, 50_000, null).text("id");
            await().atMost(WAIT).until(() -> "success".equals(paystack.transferStatus(id)));
            await().atMost(WAIT).until(() -> status(person, id).equals("completed"));
        }
        finally {
            paystack.transferWebhooks(true);
        }
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(30_000);
        assertMoneyAddsUp();
    }

    @Test
    void theSameWithdrawalAskedTwiceWithOneIdempotencyKeyIsPaidOutOnce() throws Exception {
        ApiClient.SignedIn person = pipeline.personWithBalance(60_000);
        JsonNode account = saveAccount(person, accountNumber("3"));
        String key = UUID.randomUUID().toString();

        String first = withdraw(person, account, 40_000, key).text("id");
        String second = withdraw(person, account, 40_000, key).text("id");

        assertThat(second).isEqualTo(first);
        await().atMost(WAIT).until(() -> status(person, first).equals("completed"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(20_000);
        assertThat(withdraw(person, account, 30_000, key).code()).isEqualTo("idempotency_conflict");
        assertMoneyAddsUp();
    }

    @Test
    void withdrawalsThatCannotBeMadeAreRefusedWithPreciseCodesAndMoveNothing() throws Exception {
        ApiClient.SignedIn person = pipeline.personWithBalance(50_000);
        ApiClient.Response unresolved = api.post("/wallet/withdrawal-accounts", person.as(),
                "{\"account_number\":\"0001234567\",\"bank_code\":\"058\"}");
        assertThat(unresolved.status()).isEqualTo(422);
        assertThat(unresolved.code()).isEqualTo("account_not_resolved");
        assertThat(api.get("/wallet/withdrawal-accounts", person.as()).json().size()).isZero();
        assertThat(api
            .post("/wallet/withdrawal-accounts", person.as(), "{\"account_number\":\"12345\",\"bank_code\":\"058\"}")
            .code()).isEqualTo("validation_failed");

        JsonNode account = saveAccount(person, accountNumber("4"));
        assertThat(withdraw(person, account, 99, null).code()).isEqualTo("withdrawal_limit_exceeded");
        assertThat(withdraw(person, account, 60_000, null).code()).isEqualTo("insufficient_funds");
        assertThat(api
            .post("/wallet/withdrawals", person.as(), "{\"amount\":10000,\"account_id\":\"" + UUID.randomUUID() + "\"}")
            .status()).isEqualTo(404);

        String transferOnly = api.createKey(person, "1D", "transfer", "read");
        ApiClient.Response forbidden = api.post("/wallet/withdrawals", ApiClient.As.key(transferOnly),
                "{\"amount\":10000,\"account_id\":\"" + account.path("id").asString() + "\"}");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.code()).isEqualTo("permission_missing");
        String withdrawKey = api.createKey(person, "1D", "withdraw");
        assertThat(api
            .post("/wallet/withdrawals", ApiClient.As.key(withdrawKey),
                    "{\"amount\":10000,\"account_id\":\"" + account.path("id").asString() + "\"}")
            .status()).isEqualTo(202);

        assertThat(api
            .request("DELETE", "/wallet/withdrawal-accounts/" + account.path("id").asString(), person.as(), null, "")
            .status()).isEqualTo(204);
        assertThat(api.get("/wallet/withdrawal-accounts", person.as()).json().size()).isZero();
        assertThat(withdraw(person, account, 10_000, null).status()).isEqualTo(404);
        assertMoneyAddsUp();
    }

    @Test
    void aRefundAndAChargebackOfSpentMoneyPutTheWalletInDebtWhichRefusesTransfersAndWithdrawals() throws Exception {
        ApiClient.SignedIn person = api.signIn("refunded-" + UUID.randomUUID() + "@example.com");
        ApiClient.SignedIn friend = pipeline.personWithBalance(0);
        String reference = paidDeposit(person, 100_000);
        JsonNode account = saveAccount(person, accountNumber("6"));
        assertThat(api
            .post("/wallet/transfer", person.as(),
                    "{\"wallet_number\":\"" + friend.walletNumber() + "\",\"amount\":90000}")
            .status()).isIn(200, 202);
        await().atMost(WAIT).until(() -> balance(person) == 10_000);

        paystack.refund(reference, 40_000L);
        await().atMost(WAIT).until(() -> balance(person) == -30_000);
        long dispute = paystack.openDispute(reference, 50_000);
        await().atMost(WAIT).until(() -> balance(person) == -80_000);

        JsonNode balance = api.get("/wallet/balance", person.as()).json();
        assertThat(balance.path("in_debt").asBoolean()).isTrue();
        ApiClient.Response transfer = api.post("/wallet/transfer", person.as(),
                "{\"wallet_number\":\"" + friend.walletNumber() + "\",\"amount\":100}");
        assertThat(transfer.status()).isEqualTo(422);
        assertThat(transfer.code()).isEqualTo("wallet_in_debt");
        assertThat(withdraw(person, account, 10_000, null).code()).isEqualTo("wallet_in_debt");

        paystack.resolveDispute(dispute, "declined");
        await().atMost(WAIT).until(() -> balance(person) == -30_000);
        pipeline.deposit(person, 50_000);
        assertThat(balance(person)).isEqualTo(20_000);
        assertThat(api.get("/wallet/balance", person.as()).json().path("in_debt").asBoolean()).isFalse();
        assertThat(events(person)).containsSubsequence(LedgerEvent.Type.DepositRefunded,
                LedgerEvent.Type.ChargebackHeld, LedgerEvent.Type.ChargebackReleased);
        assertThat(api.get("/wallet/transactions", person.as()).json().path("transactions").toString())
            .contains("\"refund\"", "chargeback_hold", "chargeback_released");
        assertMoneyAddsUp();
    }

    @Test
    void aChargebackTheCustomerWinsTakesTheHeldMoneyForGood() throws Exception {
        ApiClient.SignedIn person = api.signIn("disputed-" + UUID.randomUUID() + "@example.com");
        String reference = paidDeposit(person, 70_000);

        long dispute = paystack.openDispute(reference, 70_000);
        await().atMost(WAIT).until(() -> balance(person) == 0);
        paystack.resolveDispute(dispute, "merchant-accepted");

        await().atMost(WAIT).until(() -> events(person).contains(LedgerEvent.Type.ChargebackDebited));
        assertThat(balance(person)).isZero();
        assertThat(
                api.get("/wallet/transactions", person.as()).json().path("transactions").get(0).path("type").asString())
            .isEqualTo("chargeback");
        assertMoneyAddsUp();
    }

    private String paidDeposit(ApiClient.SignedIn person, long amount) throws Exception {
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":" + amount + "}").text("reference");
        paystack.pay(reference);
        await().atMost(WAIT).until(() -> ledger.depositStatus(reference).equals("success"));
        return reference;
    }

    private JsonNode saveAccount(ApiClient.SignedIn person, String number) {
        ApiClient.Response saved = api.post("/wallet/withdrawal-accounts", person.as(),
                "{\"account_number\":\"" + number + "\",\"bank_code\":\"058\"}");
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        return saved.json();
    }

    private ApiClient.Response withdraw(ApiClient.SignedIn person, JsonNode account, long amount, String key) {
        String body = "{\"amount\":" + amount + ",\"account_id\":\"" + account.path("id").asString() + "\"}";
        return key == null ? api.post("/wallet/withdrawals", person.as(), body)
                : api.postWithHeader("/wallet/withdrawals", person.as(), body, "Idempotency-Key", key);
    }

    private String status(ApiClient.SignedIn person, String id) {
        return api.get("/wallet/withdrawals/" + id, person.as()).text("status");
    }

    private long balance(ApiClient.SignedIn person) {
        return api.get("/wallet/balance", person.as()).json().path("balance").asLong();
    }

    private List<LedgerEvent.Type> events(ApiClient.SignedIn person) throws Exception {
        return topics.committedEvents(ledger.walletOfUser(UUID.fromString(person.userId())), Duration.ofSeconds(2))
            .stream()
            .map(LedgerEvent::type)
            .toList();
    }

    /** Ten digits ending in the given ones, which tell the stand-in how to settle. */
    private static String accountNumber(String ending) {
        String start = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 999_999_999L));
        return (start + "0000000000").substring(0, 10 - ending.length()) + ending;
    }

    private void assertMoneyAddsUp() throws Exception {
        await().atMost(WAIT)
            .until(() -> ledger
                .queryAsOwner("select count(*)::text from withdrawals where status in ('pending', 'processing')"),
                    "0"::equals);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

}
