package dev.walletpipeline.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The desk's decisions that move no money: each needs a reason, takes its item off its
 * queue once, and leaves one row in the trail with the item as it was; anything else is
 * refused and changes nothing.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperatorDecisionTests {

    @LocalServerPort
    int port;

    private ApiClient api;

    private LedgerProbe ledger;

    private ApiClient.SignedIn operator;

    private Desk desk;

    @BeforeEach
    void setUp(LocalStack stack) {
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
        operator = api.signIn(LocalStack.OPERATOR_EMAIL);
        desk = new Desk(api, operator, ledger);
    }

    @Test
    void closingADeadLetterTakesItOffItsQueueOnceAndLeavesItInTheTrail() throws Exception {
        String id = desk.deadLetter("wallet.transfer-commands", "<b>not markup</b>".getBytes(StandardCharsets.UTF_8));

        ApiClient.Response closed = api.post("/ops/dead-letters/" + id + "/close", operator.as(),
                "{\"reason\":\"a test record from the load generator\"}");

        assertThat(closed.status()).isEqualTo(201);
        JsonNode action = closed.json();
        assertThat(action.path("decision").asString()).isEqualTo("closed");
        assertThat(action.path("subject_kind").asString()).isEqualTo("dead_letter");
        assertThat(action.path("subject_id").asString()).isEqualTo(id);
        assertThat(action.path("operator_email").asString()).isEqualTo(LocalStack.OPERATOR_EMAIL);
        assertThat(action.path("reason").asString()).isEqualTo("a test record from the load generator");
        assertThat(action.path("before").path("payload").path("text").asString()).isEqualTo("<b>not markup</b>");
        assertThat(action.path("after").path("status").asString()).isEqualTo("closed");
        assertThat(desk.ids("dead_letters")).doesNotContain(id);
        assertThat(api.get("/ops/queues/dead_letters/" + id, operator.as()).status()).isEqualTo(404);

        ApiClient.Response again = api.post("/ops/dead-letters/" + id + "/close", operator.as(),
                "{\"reason\":\"twice\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("already_decided");
        assertThat(desk.trail("dead_letter", id)).hasSize(1);
        assertThat(api.post("/ops/dead-letters/999999999/close", operator.as(), "{\"reason\":\"x\"}").status())
            .isEqualTo(404);
    }

    @Test
    void aDecisionWithoutAReasonOrWithAMalformedBodyIsRefusedAndChangesNothing() throws Exception {
        String id = desk.deadLetter("wallet.transfer-commands", "poison".getBytes(StandardCharsets.UTF_8));

        for (String body : List.of("{}", "{\"reason\":\"\"}", "{\"reason\":\"   \"}", "{\"reason\":7}",
                "{\"reason\":\"" + "x".repeat(2001) + "\"}", "{\"reason\":\"ok\",\"extra\":1}")) {
            ApiClient.Response refused = api.post("/ops/dead-letters/" + id + "/close", operator.as(), body);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(refused.code()).as(body).isEqualTo("validation_failed");
        }

        assertThat(desk.ids("dead_letters")).contains(id);
        assertThat(desk.trail("dead_letter", id)).isEmpty();
    }

    @Test
    void anyoneButAnOperatorIsRefusedBeforeTheBodyIsRead() throws Exception {
        String id = desk.deadLetter("wallet.transfer-commands", "poison".getBytes(StandardCharsets.UTF_8));
        ApiClient.SignedIn customer = api.signIn("customer-" + UUID.randomUUID() + "@example.com");
        String key = api.createKey(operator, "1D", "read", "deposit", "transfer", "withdraw");

        for (As who : List.of(customer.as(), As.key(key))) {
            for (String body : List.of("{\"reason\":\"closing\"}", "not json")) {
                ApiClient.Response refused = api.post("/ops/dead-letters/" + id + "/close", who, body);
                assertThat(refused.status()).isEqualTo(403);
                assertThat(refused.code()).isEqualTo("operator_only");
            }
        }
        assertThat(desk.ids("dead_letters")).contains(id);
    }

    @Test
    void aPaymentExceptionIsClosedOrLinkedToADepositThatExists() throws Exception {
        UUID wallet = ledger.newWallet();
        String deposit = ledger.newPendingDeposit(wallet, 10_000);
        String unknown = desk.exception("WLT-UNKNOWN-" + UUID.randomUUID(), "unknown reference");
        String overRefund = desk.exception(deposit,
                "refund rf_9 of 20000 would take back more than the deposit of 10000 (0 refunded before); nothing moved");

        ApiClient.Response toNothing = api.post("/ops/payment-exceptions/" + unknown + "/link", operator.as(),
                "{\"reason\":\"the customer's reference\",\"deposit_reference\":\"WLT-NO-SUCH\"}");
        assertThat(toNothing.status()).isEqualTo(404);
        assertThat(desk.ids("payment_exceptions")).contains(unknown);

        ApiClient.Response linked = api.post("/ops/payment-exceptions/" + unknown + "/link", operator.as(),
                "{\"reason\":\"the customer typed it wrong\",\"deposit_reference\":\"" + deposit + "\"}");
        assertThat(linked.status()).isEqualTo(201);
        assertThat(linked.json().path("after").path("deposit_reference").asString()).isEqualTo(deposit);
        assertThat(desk.ids("payment_exceptions")).doesNotContain(unknown);

        ApiClient.Response closed = api.post("/ops/payment-exceptions/" + overRefund + "/close", operator.as(),
                "{\"reason\":\"Paystack confirmed the refund was 10000; ticket PS-1\"}");
        assertThat(closed.status()).isEqualTo(201);
        assertThat(desk.ids("over_refunds")).doesNotContain(overRefund);
    }

    @Test
    void aRejectedDepositInReviewIsRejectedOnceWhoeverAsksAtTheSameTime() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 50_000);
        ledger.executeAsOwner("update deposits set status = 'review', review_reason = 'currency USD, opened NGN',"
                + " settled_at = now() where reference = ?", reference);
        String pending = ledger.newPendingDeposit(wallet, 50_000);

        List<CompletableFuture<ApiClient.Response>> both = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            both.add(CompletableFuture.supplyAsync(() -> api.post("/ops/deposits/" + reference + "/reject",
                    operator.as(), "{\"reason\":\"paid in USD; refunded by Paystack\"}")));
        }
        List<Integer> statuses = both.stream().map(CompletableFuture::join).map(ApiClient.Response::status).toList();

        assertThat(statuses).containsExactlyInAnyOrder(201, 409);
        assertThat(ledger.depositStatus(reference)).isEqualTo("rejected");
        assertThat(ledger.balance(wallet)).isZero();
        assertThat(desk.trail("deposit", reference)).hasSize(1);
        assertThat(desk.ids("deposits_in_review")).doesNotContain(reference);
        ApiClient.Response notInReview = api.post("/ops/deposits/" + pending + "/reject", operator.as(),
                "{\"reason\":\"not in review\"}");
        assertThat(notInReview.status()).isEqualTo(409);
        assertThat(notInReview.code()).isEqualTo("already_decided");
        assertThat(ledger.depositStatus(pending)).isEqualTo("pending");
    }

    @Test
    void aStuckWithdrawalIsVerifiedWithPaystackNowAndMayBeAskedAgain() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID stuck = ledger.newProcessingWithdrawal(wallet, "1 hour");
        UUID recent = ledger.newProcessingWithdrawal(wallet, "1 second");

        for (int i = 0; i < 2; i++) {
            ApiClient.Response verified = api.post("/ops/withdrawals/" + stuck + "/verify", operator.as(),
                    "{\"reason\":\"the customer says the money never came\"}");
            assertThat(verified.status()).isEqualTo(201);
            // The stand-in never heard of a transfer this test wrote straight to the
            // table.
            assertThat(verified.json().path("after").path("paystack_status").asString()).isEqualTo("unknown");
        }
        assertThat(desk.trail("withdrawal", stuck.toString())).hasSize(2);
        ApiClient.Response notStuck = api.post("/ops/withdrawals/" + recent + "/verify", operator.as(),
                "{\"reason\":\"too early\"}");
        assertThat(notStuck.status()).isEqualTo(409);
        assertThat(notStuck.code()).isEqualTo("already_decided");
    }

}
