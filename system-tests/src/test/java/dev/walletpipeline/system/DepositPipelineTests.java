package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.PostgresServer;
import dev.walletpipeline.localstack.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deposits end to end: the API, Paystack's checkout and webhooks, the crediting,
 * reconciliation.
 */
@ExtendWith(LocalStackExtension.class)
class DepositPipelineTests {

    private Pipeline pipeline;

    private ApiClient api;

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        pipeline = Pipeline.shared(stack);
        pipeline.ensureRunning();
        api = pipeline.api;
        ledger = pipeline.ledger;
        topics = pipeline.topics;
    }

    @Test
    void aPersonDepositsClicksPayOnTheCheckoutPageAndSeesTheBalance() throws Exception {
        ApiClient.SignedIn person = api.signIn("payer-" + UUID.randomUUID() + "@example.com");
        ApiClient.Response opened = api.post("/wallet/deposit", person.as(), "{\"amount\":250000}");
        assertThat(opened.status()).isEqualTo(201);
        String checkout = opened.text("authorization_url");
        assertThat(ApiClient.getAbsolute(checkout).body()).contains("<button type=\"submit\">Pay</button>");

        int paid = HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(checkout + "/pay"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding())
            .statusCode();
        assertThat(paid).isEqualTo(200);

        String reference = opened.text("reference");
        await().atMost(Duration.ofSeconds(30))
            .until(() -> api.get("/wallet/deposit/" + reference + "/status", person.as())
                .text("status")
                .equals("success"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(250_000);
        assertThat(
                api.get("/wallet/transactions", person.as()).json().path("transactions").get(0).path("type").asString())
            .isEqualTo("deposit");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void theSameWebhookTenTimesOverAMinuteCreditsOnce() throws Exception {
        ApiClient.SignedIn person = api.signIn("repeat-" + UUID.randomUUID() + "@example.com");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        String reference = ledger.newPendingDeposit(wallet, 40_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 40_000, "NGN");

        for (int i = 0; i < 10; i++) {
            assertThat(pipeline.postWebhook(body, PaystackSigner.sign(body, Pipeline.PAYSTACK_SECRET))).isEqualTo(200);
            if (i < 9) {
                await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(ledger.balance(wallet)).isEqualTo(40_000);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.DepositCredited);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aDepositPaidOtherThanOpenedIsCreditedByAnOperatorWithWhatPaystackConfirms() throws Exception {
        ApiClient.SignedIn person = api.signIn("short-" + UUID.randomUUID() + "@example.com");
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":30000}").text("reference");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        pipeline.stack.paystack().paidOtherwiseWithoutWebhook(reference, 25_000, "NGN");
        pipeline.stack.paystack().pay(reference);
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.depositStatus(reference).equals("review"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isZero();

        ApiClient.SignedIn operator = api.signIn(LocalStack.OPERATOR_EMAIL);
        ApiClient.Response decided = api.post("/ops/deposits/" + reference + "/credit", operator.as(),
                "{\"reason\":\"the customer sent 250.00 by transfer\"}");

        assertThat(decided.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(25_000);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.DepositFlaggedForReview, LedgerEvent.Type.DepositCredited);
        // Asked again: the deposit waits no more, and nothing is credited twice.
        assertThat(api.post("/ops/deposits/" + reference + "/credit", operator.as(), "{\"reason\":\"again\"}").code())
            .isEqualTo("already_decided");
        assertThat(ledger.balance(wallet)).isEqualTo(25_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aDepositTheDatabaseRefusedIsCreditedOnceAnOperatorReplaysItsDeadLetter() throws Exception {
        ApiClient.SignedIn person = api.signIn("refused-" + UUID.randomUUID() + "@example.com");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        String reference = ledger.newPendingDeposit(wallet, 35_000);
        // A rule added to the database that this one record breaks, as a faulty
        // constraint might; fixed afterwards.
        ledger.executeAsOwner("create function refuse_one_deposit() returns trigger language plpgsql as $$ begin"
                + " raise exception 'refused by a rule' using errcode = '23514'; end $$");
        ledger.executeAsOwner("create trigger refuse_one_deposit before update on deposits for each row when"
                + " (new.reference = '" + reference + "') execute function refuse_one_deposit()");
        String deadLetter;
        try {
            byte[] body = PaystackBodies.chargeSuccess(reference, 35_000, "NGN");
            assertThat(pipeline.postWebhook(body, PaystackSigner.sign(body, Pipeline.PAYSTACK_SECRET))).isEqualTo(200);
            String find = "select id::text from dead_letters where topic = 'wallet.transfer-commands'"
                    + " and convert_from(payload, 'UTF8') like ?";
            await().atMost(Duration.ofSeconds(60))
                .until(() -> !ledger.queryAsOwner("select count(*)::text from (" + find + ") f", "%" + reference + "%")
                    .equals("0"));
            deadLetter = ledger.queryAsOwner(find, "%" + reference + "%");
            assertThat(ledger.depositStatus(reference)).isEqualTo("pending");
        }
        finally {
            ledger.executeAsOwner("drop trigger refuse_one_deposit on deposits");
            ledger.executeAsOwner("drop function refuse_one_deposit()");
        }

        ApiClient.SignedIn operator = api.signIn(LocalStack.OPERATOR_EMAIL);
        ApiClient.Response replayed = api.post("/ops/dead-letters/" + deadLetter + "/replay", operator.as(),
                "{\"reason\":\"the faulty rule is dropped\"}");

        assertThat(replayed.status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(35_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aPaymentWhoseWebhookNeverArrivesIsCreditedByReconciliation() throws Exception {
        ApiClient.SignedIn person = api.signIn("lost-" + UUID.randomUUID() + "@example.com");
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":12300}").text("reference");

        pipeline.stack.paystack().payWithoutWebhook(reference);

        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(12_300);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aPaymentPaystackReversedIsNeverCreditedEvenWhenItsSuccessWebhookArrivesLate() throws Exception {
        ApiClient.SignedIn person = api.signIn("reversed-" + UUID.randomUUID() + "@example.com");
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":15000}").text("reference");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));

        pipeline.stack.paystack().reverseWithoutWebhook(reference);
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.depositStatus(reference).equals("reversed"));
        byte[] late = PaystackBodies.chargeSuccess(reference, 15_000, "NGN");
        assertThat(pipeline.postWebhook(late, PaystackSigner.sign(late, Pipeline.PAYSTACK_SECRET))).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> exceptionsFor(reference) == 1);
        assertThat(ledger.depositStatus(reference)).isEqualTo("reversed");
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isZero();
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.DepositReversed);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aChargeSuccessProducedStraightToKafkaForAPendingDepositCreditsNothing() throws Exception {
        ApiClient.SignedIn person = api.signIn("forged-" + UUID.randomUUID() + "@example.com");
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":25000}").text("reference");

        // What anyone with write access to Kafka could do: no proof rides with it.
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, 25_000, "NGN"), Map.of());

        await().atMost(Duration.ofSeconds(30))
            .until(() -> ledger
                .queryAsOwner("select count(*)::text from dead_letters where record_key = convert_to(?, 'UTF8')",
                        reference)
                .equals("1"));
        assertThat(ledger.depositStatus(reference)).isEqualTo("pending");
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isZero();
    }

    @Test
    void anAbandonedCheckoutIsEndedByReconciliationAndCreditsNothing() throws Exception {
        ApiClient.SignedIn person = api.signIn("abandon-" + UUID.randomUUID() + "@example.com");
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":5000}").text("reference");

        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.depositStatus(reference).equals("abandoned"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isZero();
    }

    @Test
    void aSignedEventForAnUnknownReferenceIsAcknowledgedRecordedAndCreditsNothing() throws Exception {
        String reference = "WLT-UNKNOWN" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        byte[] body = PaystackBodies.chargeSuccess(reference, 99_000, "NGN");

        assertThat(pipeline.postWebhook(body, PaystackSigner.sign(body, Pipeline.PAYSTACK_SECRET))).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> exceptionsFor(reference) == 1);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void kafkaDownAnswers503AndPaystacksRetryLaterCreditsOnce() throws Exception {
        ApiClient.SignedIn person = api.signIn("retry-" + UUID.randomUUID() + "@example.com");
        String reference = api.post("/wallet/deposit", person.as(), "{\"amount\":33000}").text("reference");
        int deliveriesBefore = pipeline.stack.paystack().webhookDeliveries();

        pipeline.stack.kafka().kill();
        pipeline.stack.paystack().pay(reference);
        await().atMost(Duration.ofSeconds(20))
            .until(() -> pipeline.stack.paystack().webhookDeliveries() >= deliveriesBefore + 2);
        assertThat(ledger.depositStatus(reference)).isEqualTo("pending");
        pipeline.stack.kafka().restart();

        await().atMost(Duration.ofSeconds(90)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(api.get("/wallet/balance", person.as()).json().path("balance").asLong()).isEqualTo(33_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void ledgerWorkerDyingBetweenItsDatabaseCommitAndItsKafkaCommitCreditsOnceAndEmitsOnce() throws Exception {
        ApiClient.SignedIn person = api.signIn("halt-" + UUID.randomUUID() + "@example.com");
        UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
        String reference = ledger.newPendingDeposit(wallet, 77_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 77_000, "NGN");
        assertThat(pipeline.ledgerWorkerHaltingAt("LEDGER_FAULT_HALT_AFTER_DB_COMMIT", Duration.ofSeconds(60),
                () -> assertThat(pipeline.postWebhook(body, PaystackSigner.sign(body, Pipeline.PAYSTACK_SECRET)))
                    .isEqualTo(200)))
            .as("the worker halted between its two commits")
            .isTrue();
        assertThat(ledger.depositStatus(reference)).as("the database transaction committed").isEqualTo("success");
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(2))).as("the Kafka one did not").isEmpty();

        pipeline.ledgerWorker.start().awaitReady(Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(60))
            .until(() -> !topics.committedEvents(wallet, Duration.ofSeconds(1)).isEmpty());
        List<LedgerEvent> events = topics.committedEvents(wallet, Duration.ofSeconds(4));
        assertThat(events).extracting(LedgerEvent::type, LedgerEvent::amount)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.DepositCredited, 77_000L));
        assertThat(ledger.balance(wallet)).isEqualTo(77_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    private long exceptionsFor(String reference) throws Exception {
        try (Connection db = pipeline.stack.postgres().connect(PostgresServer.OWNER);
                PreparedStatement sql = db
                    .prepareStatement("select count(*) from payment_exceptions where reference = ?")) {
            sql.setString(1, reference);
            try (ResultSet rs = sql.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

}
