package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole money path with every part real and in its own process: a signed Paystack
 * webhook to webhook-ingest, through Kafka to ledger-worker, into Postgres, and out as a
 * ledger event.
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTests {

    private static final String SECRET = Pipeline.PAYSTACK_SECRET;

    private static Pipeline pipeline;

    private static LocalStack stack;

    private static LedgerProbe ledger;

    private static TopicProbe topics;

    private static int webhookPort;

    @BeforeAll
    static void startServices(LocalStack shared) {
        pipeline = Pipeline.shared(shared);
        pipeline.ensureRunning();
        stack = shared;
        ledger = pipeline.ledger;
        topics = pipeline.topics;
        webhookPort = pipeline.webhookPort;
    }

    @Test
    @Order(1)
    void aSignedChargeDeliveredThreeTimesConcurrentlyCreditsTheWalletOnce() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 750_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 750_000, "NGN");

        List<Integer> statuses = List
            .of(CompletableFuture.supplyAsync(() -> postWebhook(body, PaystackSigner.sign(body, SECRET))),
                    CompletableFuture.supplyAsync(() -> postWebhook(body, PaystackSigner.sign(body, SECRET))),
                    CompletableFuture.supplyAsync(() -> postWebhook(body, PaystackSigner.sign(body, SECRET))))
            .stream()
            .map(CompletableFuture::join)
            .toList();

        assertThat(statuses).containsExactly(200, 200, 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(ledger.balance(wallet)).isEqualTo(750_000);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(4)))
            .extracting(LedgerEvent::type, LedgerEvent::balanceAfter)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.DepositCredited, 750_000L));
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    @Order(2)
    void aWronglySignedChargeIsRefusedAndCreditsNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 10_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 10_000, "NGN");

        assertThat(postWebhook(body, PaystackSigner.sign(body, "sk_test_forged"))).isEqualTo(401);

        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).isEmpty();
        assertThat(ledger.depositStatus(reference)).isEqualTo("pending");
        assertThat(ledger.balance(wallet)).isZero();
    }

    @Test
    @Order(3)
    void theServicesSurviveTheBrokerKilledAndRestartedAndCreditExactlyOnce() throws Exception {
        UUID wallet = ledger.newWallet();
        String before = ledger.newPendingDeposit(wallet, 20_000);
        String during = ledger.newPendingDeposit(wallet, 30_000);
        byte[] beforeBody = PaystackBodies.chargeSuccess(before, 20_000, "NGN");
        assertThat(postWebhook(beforeBody, PaystackSigner.sign(beforeBody, SECRET))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(before).equals("success"));

        stack.kafka().kill();
        byte[] duringBody = PaystackBodies.chargeSuccess(during, 30_000, "NGN");
        // Kafka cannot take the event: Paystack is told to retry, and readiness reports
        // it.
        assertThat(postWebhook(duringBody, PaystackSigner.sign(duringBody, SECRET))).isEqualTo(503);
        await().atMost(Duration.ofSeconds(20))
            .until(() -> readinessStatus(pipeline.webhookIngest.managementPort()) == 503);

        stack.kafka().restart();
        await().atMost(Duration.ofSeconds(60))
            .until(() -> readinessStatus(pipeline.webhookIngest.managementPort()) == 200);
        // Paystack's retry, and a duplicate of the first delivery for good measure.
        await().atMost(Duration.ofSeconds(30))
            .until(() -> postWebhook(duringBody, PaystackSigner.sign(duringBody, SECRET)) == 200);
        assertThat(postWebhook(beforeBody, PaystackSigner.sign(beforeBody, SECRET))).isEqualTo(200);

        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.depositStatus(during).equals("success"));
        assertThat(ledger.balance(wallet)).isEqualTo(50_000);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(4))).extracting(LedgerEvent::reference)
            .containsExactly(before, during);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
        assertThat(pipeline.ledgerWorker.isRunning()).isTrue();
        assertThat(pipeline.apiService.isRunning()).isTrue();
    }

    private static int postWebhook(byte[] body, String signature) {
        return pipeline.postWebhook(body, signature);
    }

    private static int readinessStatus(int port) {
        return Pipeline.readinessStatus(port);
    }

}
