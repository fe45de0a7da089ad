package dev.walletpipeline.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Crediting a deposit in review: only with what Paystack confirms when asked afresh,
 * published by webhook-ingest as its signed confirmation naming the decision (this
 * service cannot make one), and above the threshold only once a second, different
 * operator approves.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperatorCreditTests {

    @LocalServerPort
    int port;

    private ApiClient api;

    private LocalStack stack;

    private LedgerProbe ledger;

    private TopicProbe topics;

    private ApiClient.SignedIn operator;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
        operator = api.signIn(LocalStack.OPERATOR_EMAIL);
    }

    @Test
    void aCreditUnderTheThresholdIsConfirmedWithPaystackAndPublishedForLedgerWorkerAtOnce() throws Exception {
        String reference = inReview(500_000);
        stack.paystack().paidOtherwiseWithoutWebhook(reference, 400_000, "NGN");

        ApiClient.Response credited = api.post("/ops/deposits/" + reference + "/credit", operator.as(),
                "{\"reason\":\"the customer paid 4,000 by transfer; confirmed on Paystack\"}");

        assertThat(credited.status()).isEqualTo(202);
        JsonNode decision = credited.json();
        assertThat(decision.path("decision").asString()).isEqualTo("credit");
        assertThat(decision.path("amount").asLong()).isEqualTo(400_000);
        assertThat(decision.path("after").path("status").asString()).isEqualTo("crediting");
        assertThat(confirmations(reference)).singleElement().satisfies(fact -> {
            assertThat(fact.path("operator_action").asString()).isEqualTo(decision.path("id").asString());
            assertThat(fact.path("data").path("amount").asLong()).isEqualTo(400_000);
        });
        // Nothing moved here: the money is ledger-worker's to post.
        assertThat(ledger.depositStatus(reference)).isEqualTo("review");
    }

    @Test
    void aCreditAboveTheThresholdWaitsForASecondOperatorAndNeverTheFirst() throws Exception {
        String reference = inReview(2_500_000);
        stack.paystack().paidOtherwiseWithoutWebhook(reference, 2_000_000, "NGN");
        ApiClient.SignedIn second = api.signIn(LocalStack.SECOND_OPERATOR_EMAIL);

        ApiClient.Response proposed = api.post("/ops/deposits/" + reference + "/credit", operator.as(),
                "{\"reason\":\"paid 20,000 of 25,000\"}");
        assertThat(proposed.status()).isEqualTo(202);
        String decision = proposed.json().path("id").asString();
        assertThat(proposed.json().path("after").path("status").asString()).isEqualTo("awaiting_approval");
        assertThat(confirmations(reference)).isEmpty();
        assertThat(awaiting(operator)).contains(decision);

        ApiClient.Response byTheFirst = api.post("/ops/actions/" + decision + "/approve", operator.as(),
                "{\"reason\":\"approving my own\"}");
        assertThat(byTheFirst.status()).isEqualTo(403);
        assertThat(byTheFirst.code()).isEqualTo("second_operator_required");
        ApiClient.Response again = api.post("/ops/deposits/" + reference + "/credit", operator.as(),
                "{\"reason\":\"once more\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("awaiting_approval");
        assertThat(confirmations(reference)).isEmpty();

        ApiClient.Response approved = api.post("/ops/actions/" + decision + "/approve", second.as(),
                "{\"reason\":\"checked the Paystack dashboard\"}");
        assertThat(approved.status()).isEqualTo(202);
        assertThat(approved.json().path("approves").asString()).isEqualTo(decision);
        assertThat(approved.json().path("operator_email").asString()).isEqualTo(LocalStack.SECOND_OPERATOR_EMAIL);
        assertThat(confirmations(reference)).singleElement()
            .satisfies(fact -> assertThat(fact.path("operator_action").asString()).isEqualTo(decision));
        assertThat(awaiting(second)).doesNotContain(decision);

        ApiClient.Response twice = api.post("/ops/actions/" + decision + "/approve", second.as(),
                "{\"reason\":\"twice\"}");
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.code()).isEqualTo("already_decided");
    }

    @Test
    void nothingIsCreditedThatPaystackDoesNotConfirmInTheWalletsCurrency() throws Exception {
        String neverPaid = inReview(300_000);
        String inDollars = inReview(300_000);
        stack.paystack().paidOtherwiseWithoutWebhook(inDollars, 300_000, "USD");

        for (String reference : List.of(neverPaid, inDollars)) {
            ApiClient.Response refused = api.post("/ops/deposits/" + reference + "/credit", operator.as(),
                    "{\"reason\":\"credit it\"}");
            assertThat(refused.status()).as(reference).isEqualTo(422);
            assertThat(refused.code()).as(reference).isEqualTo("payment_not_confirmed");
            assertThat(confirmations(reference)).isEmpty();
            assertThat(api.get("/ops/actions?kind=deposit&limit=200", operator.as()).body()).doesNotContain(reference);
        }
    }

    private String inReview(long opened) throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, opened);
        ledger.executeAsOwner("update deposits set status = 'review', review_reason = 'amount differs',"
                + " settled_at = now() where reference = ?", reference);
        return reference;
    }

    /** The operator-credit confirmations webhook-ingest published for the reference. */
    private List<JsonNode> confirmations(String reference) {
        List<JsonNode> found = new ArrayList<>();
        // Each fact is keyed by its reference and a digest of its bytes (webhook-ingest).
        for (byte[] body : topics.recordsOnPartitionOf(Topic.PAYSTACK_EVENTS.name(), reference, reference + "#",
                Duration.ofSeconds(2))) {
            JsonNode fact = Json.MAPPER.readTree(body);
            if (fact.path("event").asString().equals("transaction.operator_credit")) {
                found.add(fact);
            }
        }
        return found;
    }

    private List<String> awaiting(ApiClient.SignedIn who) {
        List<String> ids = new ArrayList<>();
        api.get("/ops/approvals", who.as()).json().path("items").forEach(item -> ids.add(item.path("id").asString()));
        return ids;
    }

}
