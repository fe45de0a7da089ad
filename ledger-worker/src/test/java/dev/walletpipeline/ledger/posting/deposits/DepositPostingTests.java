package dev.walletpipeline.ledger.posting.deposits;

import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.contracts.proof.Proof;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class DepositPostingTests {

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
    }

    @Test
    void aChargeSuccessCreditsItsPendingDepositOnceWithBalancedEntries() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 500_000);

        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 500_000, "NGN"));

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(ledger.balance(wallet)).isEqualTo(500_000);
        List<LedgerEvent> events = topics.committedEvents(wallet, Duration.ofSeconds(3));
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(LedgerEvent.Type.DepositCredited);
            assertThat(event.amount()).isEqualTo(500_000);
            assertThat(event.balanceAfter()).isEqualTo(500_000);
            assertThat(event.reference()).isEqualTo(reference);
            assertThat(event.sequence()).isEqualTo(1);
        });
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void theSameChargeDeliveredThreeTimesConcurrentlyCreditsOnceAndEmitsOneEvent() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 250_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 250_000, "NGN");

        CompletableFuture
            .allOf(CompletableFuture.runAsync(() -> topics.publish(reference, body)),
                    CompletableFuture.runAsync(() -> topics.publish(reference, body)),
                    CompletableFuture.runAsync(() -> topics.publish(reference, body)))
            .join();

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("success"));
        List<LedgerEvent> events = topics.committedEvents(wallet, Duration.ofSeconds(4));
        assertThat(ledger.balance(wallet)).isEqualTo(250_000);
        assertThat(events).extracting(LedgerEvent::type).containsExactly(LedgerEvent.Type.DepositCredited);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void anAmountMismatchGoesToReviewAndCreditsNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 100_000);

        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 99_900, "NGN"));

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("review"));
        assertThat(ledger.balance(wallet)).isZero();
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.DepositFlaggedForReview);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aDepositAnOperatorRejectedIsNeverCreditedWhateverPaystackSaysLater() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 100_000);
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 99_900, "NGN"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("review"));
        // As the operator's desk rejects it (api-service's one change of a deposit in
        // review).
        ledger.executeAsOwner("update deposits set status = 'rejected' where reference = ?", reference);

        // Every hop that took the first event recorded it; the two later ones are read
        // when as many rows again for each are there.
        int hops = processed(reference);
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 100_000, "NGN"));
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 99_900, "NGN"));

        await().atMost(Duration.ofSeconds(30)).until(() -> processed(reference) >= 3 * hops);
        assertThat(hops).isPositive();
        assertThat(ledger.depositStatus(reference)).isEqualTo("rejected");
        assertThat(ledger.balance(wallet)).isZero();
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void anOperatorsCreditOfADepositInReviewCreditsWhatPaystackConfirmedOnce() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 100_000);
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 99_900, "NGN"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("review"));
        byte[] confirmation = operatorCredit(reference, 99_900, "NGN");

        // Twice, as a retried confirmation would be; and one without the reconciliation
        // signature, which proves nothing.
        topics.publish(reference + "#a", confirmation, reconciliationSigned(confirmation));
        topics.publish(reference + "#b", confirmation, reconciliationSigned(confirmation));
        topics.publish(reference + "#c", confirmation);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(ledger.balance(wallet)).isEqualTo(99_900);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.DepositFlaggedForReview, LedgerEvent.Type.DepositCredited);
        assertThat(ledger.queryAsOwner("select review_reason from deposits where reference = ?", reference))
            .contains("99900");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void anOperatorsCreditOfADepositNotInReviewOrInAnotherCurrencyMovesNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        String pending = ledger.newPendingDeposit(wallet, 100_000);
        String inReview = ledger.newPendingDeposit(wallet, 100_000);
        topics.publish(inReview, PaystackBodies.chargeSuccess(inReview, 100_000, "USD"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(inReview).equals("review"));

        byte[] toPending = operatorCredit(pending, 100_000, "NGN");
        byte[] inDollars = operatorCredit(inReview, 100_000, "USD");
        topics.publish(pending + "#a", toPending, reconciliationSigned(toPending));
        topics.publish(inReview + "#a", inDollars, reconciliationSigned(inDollars));

        await().atMost(Duration.ofSeconds(30))
            .until(() -> Integer.parseInt(ledger
                .queryAsOwner("select count(*)::text from payment_exceptions where reference in (?, ?) and reason like"
                        + " 'an operator''s credit%'", pending, inReview)) == 2);
        assertThat(ledger.depositStatus(pending)).isEqualTo("pending");
        assertThat(ledger.depositStatus(inReview)).isEqualTo("review");
        assertThat(ledger.balance(wallet)).isZero();
    }

    /** webhook-ingest's confirmation of an operator's credit, as it publishes one. */
    private static byte[] operatorCredit(String reference, long amount, String currency) {
        return ("""
                {"event":"transaction.operator_credit","operator_action":"%s","data":{"id":4242,"status":"success",\
                "reference":"%s","amount":%d,"currency":"%s"}}""".formatted(UUID.randomUUID(), reference, amount,
                currency))
            .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> reconciliationSigned(byte[] body) {
        return Map.of(Proof.RECONCILIATION_SIGNATURE, PaystackSigner.sign(body, LocalStack.RECONCILIATION_SIGNING_KEY));
    }

    /** The records ledger-worker processed about this reference, on every topic. */
    private int processed(String reference) throws Exception {
        return Integer.parseInt(ledger.queryAsOwner(
                "select count(*)::text from processed_messages where message_id like '%' || ? || '%'", reference));
    }

}
