package dev.walletpipeline.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.proof.Proof;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

/** Only verified facts move money: writing to Kafka is not proof. */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ProofTests {

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
    }

    @Test
    void aChargeSuccessProducedStraightToKafkaWithoutProofCreditsNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 70_000);

        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 70_000, "NGN"), Map.of());

        assertDeadLetteredAndNothingCredited(reference, wallet);
    }

    @Test
    void aChargeSuccessSignedWithAnotherKeyCreditsNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 70_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 70_000, "NGN");

        topics.publish(reference, body, Map.of(Proof.PAYSTACK_SIGNATURE, PaystackSigner.sign(body, "sk_test_guessed"),
                Proof.RECONCILIATION_SIGNATURE, PaystackSigner.sign(body, "guessed")));

        assertDeadLetteredAndNothingCredited(reference, wallet);
    }

    @Test
    void aSignatureOverOtherBytesProvesNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 70_000);
        byte[] signed = PaystackBodies.chargeSuccess(reference, 100, "NGN");
        byte[] sent = PaystackBodies.chargeSuccess(reference, 70_000, "NGN");

        topics.publish(reference, sent,
                Map.of(Proof.PAYSTACK_SIGNATURE, PaystackSigner.sign(signed, LocalStack.PAYSTACK_SECRET_KEY)));

        assertDeadLetteredAndNothingCredited(reference, wallet);
    }

    @Test
    void aPaystackSignedBodyCannotPassForOurOwnVerification() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 70_000);

        topics.publish(reference, verified(reference, "success", 70_000));

        assertDeadLetteredAndNothingCredited(reference, wallet);
    }

    @Test
    void aPaymentVerifiedByReconciliationIsCreditedOnce() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 80_000);
        byte[] body = verified(reference, "success", 80_000);

        topics.publish(reference, body, reconciliationProof(body));
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 80_000, "NGN"));

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.DepositCredited);
        assertThat(ledger.balance(wallet)).isEqualTo(80_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aReversedPaymentIsNeverCreditedAndAnEventSaysWhy() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 90_000);
        byte[] reversal = verified(reference, "reversed", 90_000);

        topics.publish(reference, reversal, reconciliationProof(reversal));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("reversed"));
        // A success that arrives after the reversal (a late or replayed webhook) credits
        // nothing.
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 90_000, "NGN"));

        await().atMost(Duration.ofSeconds(30))
            .until(() -> ledger
                .queryAsOwner("select count(*)::text from payment_exceptions where reference = ?", reference)
                .equals("1"));
        assertThat(ledger.depositStatus(reference)).isEqualTo("reversed");
        assertThat(ledger.balance(wallet)).isZero();
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(LedgerEvent.Type.DepositReversed);
            assertThat(event.reason()).contains("reversed");
            assertThat(event.balanceAfter()).isZero();
        });
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    private void assertDeadLetteredAndNothingCredited(String reference, UUID wallet) throws Exception {
        await().atMost(Duration.ofSeconds(30))
            .until(() -> ledger
                .queryAsOwner("select count(*)::text from dead_letters where record_key = convert_to(?, 'UTF8')",
                        reference)
                .equals("1"));
        assertThat(ledger.queryAsOwner("select reason from dead_letters where record_key = convert_to(?, 'UTF8')",
                reference))
            .contains("proof");
        assertThat(ledger.depositStatus(reference)).isEqualTo("pending");
        assertThat(ledger.balance(wallet)).isZero();
    }

    /**
     * What webhook-ingest publishes after asking Paystack's Verify Transaction itself.
     */
    private static byte[] verified(String reference, String status, long amount) {
        return ("{\"event\":\"transaction.verified\",\"data\":{\"id\":42,\"status\":\"" + status + "\",\"reference\":\""
                + reference + "\",\"amount\":" + amount + ",\"currency\":\"NGN\"}}")
            .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> reconciliationProof(byte[] body) {
        return Map.of(Proof.RECONCILIATION_SIGNATURE, PaystackSigner.sign(body, LocalStack.RECONCILIATION_SIGNING_KEY));
    }

}
