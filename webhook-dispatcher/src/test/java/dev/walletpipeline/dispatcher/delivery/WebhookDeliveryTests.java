package dev.walletpipeline.dispatcher.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.webhooks.WebhookSignature;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.StandardWebhooksVerifier;
import dev.walletpipeline.localstack.TopicProbe;
import dev.walletpipeline.localstack.WebhookReceiver;
import dev.walletpipeline.localstack.WebhookReceiver.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = { "wallet.webhooks.retry-schedule=0s,300ms,300ms,300ms,300ms,300ms,300ms,300ms",
                "wallet.webhooks.timeout=2s", "wallet.webhooks.lease=5s", "wallet.webhooks.idle-poll=50ms",
                "wallet.webhooks.in-flight-per-endpoint=4" })
class WebhookDeliveryTests {

    private LedgerProbe ledger;

    private TopicProbe topics;

    private WebhookReceiver receiver;

    @BeforeEach
    void setUp(LocalStack stack) {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
        receiver = WebhookReceiver.start(16);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    @Test
    void everyEventOfAWalletReachesItsOwnersEndpointInOrderSignedSoThatTheReferenceLibraryVerifiesIt()
            throws Exception {
        UUID wallet = ledger.newWallet();
        byte[] secret = WebhookSignature.newSecret();
        endpoint(wallet, "/in-order", secret, null);

        List<LedgerEvent> events = events(wallet, 5);
        publish(events);

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/in-order").size() >= 5);
        List<WebhookReceiver.Received> got = receiver.received("/in-order");
        assertThat(got).hasSize(5);
        assertThat(got).extracting(r -> r.header("webhook-id"))
            .containsExactlyElementsOf(events.stream().map(e -> "msg_" + e.eventId()).toList());
        assertThat(got).extracting(r -> Json.MAPPER.readTree(r.body()).path("data").path("sequence").asLong())
            .containsExactly(1L, 2L, 3L, 4L, 5L);
        JsonNode first = Json.MAPPER.readTree(got.get(0).body());
        assertThat(first.path("type").asString()).isEqualTo("deposit.credited");
        assertThat(first.path("data").path("status").asString()).isEqualTo("credited");
        assertThat(first.path("timestamp").asString()).isEqualTo(events.get(0).occurredAt().toString());
        assertThat(first.path("data").path("amount").asLong()).isEqualTo(1_000);
        assertThat(first.path("data").path("balance_after").asLong()).isEqualTo(1_000);
        assertThat(first.path("data").path("reference").asString()).isEqualTo(events.get(0).reference());
        assertThat(got.get(0).header("content-type")).isEqualTo("application/json");
        assertThat(StandardWebhooksVerifier.verify(WebhookSignature.shown(secret), got)).containsOnly("ok");
        // and not with another secret: the check can fail
        assertThat(StandardWebhooksVerifier.verify(WebhookSignature.shown(WebhookSignature.newSecret()), got))
            .doesNotContain("ok");
        await().atMost(Duration.ofSeconds(5))
            .until(() -> ledger.queryAsOwner("""
                    select count(*) from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
                    where e.url = ? and d.status = 'delivered' and d.attempts = 1""", receiver.url("/in-order"))
                .equals("5"));
    }

    @Test
    void duringARotationEachDeliveryIsSignedByTheNewAndThePreviousSecret() throws Exception {
        UUID wallet = ledger.newWallet();
        byte[] previous = WebhookSignature.newSecret();
        byte[] current = WebhookSignature.newSecret();
        UUID endpoint = endpoint(wallet, "/rotating", current, null);
        ledger.executeAsOwner(
                "update webhook_endpoints set previous_secret = ?, previous_secret_until = now() + interval '1 day' where id = ?",
                previous, endpoint);

        publish(events(wallet, 1).get(0));

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/rotating").size() >= 1);
        WebhookReceiver.Received got = receiver.received("/rotating").get(0);
        assertThat(got.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        assertThat(StandardWebhooksVerifier.verify(WebhookSignature.shown(current), List.of(got))).containsOnly("ok");
        assertThat(StandardWebhooksVerifier.verify(WebhookSignature.shown(previous), List.of(got))).containsOnly("ok");
    }

    @Test
    void aReceiverThatFailsForAWhileThenRecoversGetsEveryEventOncePerWebhookIdInOrder() throws Exception {
        UUID wallet = ledger.newWallet();
        byte[] secret = WebhookSignature.newSecret();
        endpoint(wallet, "/flaky", secret, null);
        // The first six requests fail: a 500, a time-out, 503s, a connection-level error
        // is left to the dead-target test.
        receiver.respond("/flaky", (request, earlier) -> switch (earlier) {
            case 0, 2 -> Answer.status(500);
            case 1 -> new Answer(200, Map.of(), Duration.ofSeconds(3));
            case 3, 4, 5 -> Answer.status(503);
            default -> Answer.OK;
        });

        List<LedgerEvent> events = events(wallet, 4);
        publish(events);

        List<String> ids = events.stream().map(e -> "msg_" + e.eventId()).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.queryAsOwner("""
                select count(*) from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
                where e.url = ? and d.status = 'delivered'""", receiver.url("/flaky")).equals("4"));
        List<WebhookReceiver.Received> got = receiver.received("/flaky");
        // The first event was tried six times with one webhook-id while the later ones
        // waited; then each event arrived once, in order.
        assertThat(got.subList(0, 6)).extracting(r -> r.header("webhook-id")).containsOnly(ids.get(0));
        assertThat(got.subList(6, got.size())).extracting(r -> r.header("webhook-id")).containsExactlyElementsOf(ids);
        assertThat(StandardWebhooksVerifier.verify(WebhookSignature.shown(secret), got.subList(6, got.size())))
            .containsOnly("ok");
        // Each wallet event's attempts are in the log with their answers.
        assertThat(ledger.queryAsOwner("""
                select count(*) from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
                where d.message_id = ? and a.http_status = 500""", ids.get(0))).isEqualTo("2");
    }

    @Test
    void aSlowEndpointDelaysNoOtherEndpointAndGetsItsWalletsEventsOneAtATime() throws Exception {
        UUID slowWallet = ledger.newWallet();
        UUID fastWallet = ledger.newWallet();
        endpoint(slowWallet, "/slow", WebhookSignature.newSecret(), null);
        endpoint(fastWallet, "/fast", WebhookSignature.newSecret(), null);
        // Past the 2 s time-out: every attempt fails slowly.
        receiver.respond("/slow", (request, earlier) -> new Answer(200, Map.of(), Duration.ofSeconds(10)));

        publish(events(slowWallet, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.received("/slow").isEmpty());
        Instant sent = Instant.now();
        publish(events(fastWallet, 10));

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received("/fast").size() >= 10);
        assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofSeconds(5));
        // Only the slow wallet's first event was tried: the next waits for it.
        assertThat(receiver.received("/slow")).extracting(r -> r.header("webhook-id"))
            .containsOnly(receiver.received("/slow").get(0).header("webhook-id"));
    }

    @Test
    void anEndpointAnswering410IsDisabledAndSaysWhy() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID endpoint = endpoint(wallet, "/gone", WebhookSignature.newSecret(), null);
        receiver.respond("/gone", (request, earlier) -> Answer.status(410));

        publish(events(wallet, 2));

        await().atMost(Duration.ofSeconds(20))
            .until(() -> ledger.queryAsOwner("select enabled from webhook_endpoints where id = ?", endpoint)
                .equals("f"));
        assertThat(ledger.queryAsOwner("select disabled_reason from webhook_endpoints where id = ?", endpoint))
            .contains("410");
        // and nothing more is sent to it
        await().during(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(3))
            .until(() -> receiver.received("/gone").size() == 1);
    }

    @Test
    void anEndpointWhoseEveryAttemptFailedForFiveDaysIsDisabledAtItsNextFailureAndSaysSince() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID endpoint = endpoint(wallet, "/failing-for-days", WebhookSignature.newSecret(), null);
        // As if its attempts had failed since six days ago.
        ledger.executeAsOwner("update webhook_endpoints set failing_since = now() - interval '6 days' where id = ?",
                endpoint);
        receiver.respond("/failing-for-days", (request, earlier) -> Answer.status(502));

        publish(events(wallet, 2));

        await().atMost(Duration.ofSeconds(20))
            .until(() -> ledger.queryAsOwner("select enabled from webhook_endpoints where id = ?", endpoint)
                .equals("f"));
        assertThat(ledger.queryAsOwner("select disabled_reason from webhook_endpoints where id = ?", endpoint))
            .startsWith("every attempt failed since")
            .contains("HTTP 502");
        await().during(Duration.ofSeconds(1))
            .atMost(Duration.ofSeconds(3))
            .until(() -> receiver.received("/failing-for-days").size() == 1);
        // One that failed only since a minute ago stays enabled.
        UUID other = ledger.newWallet();
        UUID recent = endpoint(other, "/failing-briefly", WebhookSignature.newSecret(), null);
        ledger.executeAsOwner("update webhook_endpoints set failing_since = now() - interval '1 minute' where id = ?",
                recent);
        receiver.respond("/failing-briefly", (request, earlier) -> Answer.status(502));
        publish(events(other, 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/failing-briefly").size() >= 2);
        assertThat(ledger.queryAsOwner("select enabled from webhook_endpoints where id = ?", recent)).isEqualTo("t");
    }

    @Test
    void deliveriesWaitOutAPausedDatabaseAndARestartedBrokerAndEachEventArrivesOnceAndInOrder(LocalStack stack)
            throws Exception {
        UUID wallet = ledger.newWallet();
        endpoint(wallet, "/through-faults", WebhookSignature.newSecret(), null);
        List<LedgerEvent> events = events(wallet, 6);

        publish(events.subList(0, 3));
        stack.postgres().pause(Duration.ofSeconds(6));
        stack.kafka().restart();
        publish(events.subList(3, 6));

        await().atMost(Duration.ofSeconds(90))
            .until(() -> receiver.received("/through-faults")
                .stream()
                .map(r -> r.header("webhook-id"))
                .distinct()
                .count() >= 6);
        assertThat(receiver.received("/through-faults").stream().map(r -> r.header("webhook-id")).distinct())
            .containsExactlyElementsOf(events.stream().map(e -> "msg_" + e.eventId()).toList());
    }

    @Test
    void aQueueLeftWithoutAHeadDueIsFoundWithinSecondsAndDeliveredInOrder() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID endpoint = endpoint(wallet, "/stranded", WebhookSignature.newSecret(), null);
        // As a head delivered while these were added behind it would leave them: waiting.
        for (long sequence = 2; sequence >= 1; sequence--) {
            ledger.executeAsOwner("""
                    insert into webhook_deliveries
                        (id, endpoint_id, message_id, event_type, wallet_id, wallet_sequence, body, next_attempt_at)
                    values (?, ?, ?, 'deposit.credited', ?, ?, ?, 'infinity')""", UUID.randomUUID(), endpoint,
                    "msg_stranded_" + sequence, wallet, sequence, "{\"n\":" + sequence + "}");
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/stranded").size() >= 2);
        assertThat(receiver.received("/stranded")).extracting(r -> r.header("webhook-id"))
            .containsExactly("msg_stranded_1", "msg_stranded_2");
    }

    @Test
    void aTargetThatResolvesInsideTheNetworkIsNeverCalled() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID endpoint = UUID.randomUUID();
        // Stored as if it had resolved to a public address when it was registered.
        ledger.executeAsOwner("""
                insert into webhook_endpoints (id, user_id, url, secret)
                values (?, (select user_id from wallets where id = ?), 'http://169.254.169.254/latest/meta-data', ?)""",
                endpoint, wallet, WebhookSignature.newSecret());

        publish(events(wallet, 1).get(0));

        await().atMost(Duration.ofSeconds(20))
            .until(() -> ledger
                .queryAsOwner("select count(*) from webhook_attempts a join webhook_deliveries d"
                        + " on d.id = a.delivery_id where d.endpoint_id = ?", endpoint)
                .compareTo("2") >= 0);
        assertThat(ledger.queryAsOwner("select min(a.error) from webhook_attempts a join webhook_deliveries d"
                + " on d.id = a.delivery_id where d.endpoint_id = ?", endpoint))
            .startsWith("target refused")
            .contains("169.254.169.254");
    }

    @Test
    void anEventReadTwiceMakesOneDeliveryAndAFilteredTypeNone() throws Exception {
        UUID wallet = ledger.newWallet();
        endpoint(wallet, "/once", WebhookSignature.newSecret(), null);
        endpoint(wallet, "/transfers-only", WebhookSignature.newSecret(), new String[] { "transfer.completed" });
        LedgerEvent event = events(wallet, 1).get(0);

        publish(event);
        publish(event);

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/once").size() >= 1);
        await().during(Duration.ofMillis(1_500))
            .atMost(Duration.ofSeconds(3))
            .until(() -> receiver.received("/once").size() == 1);
        assertThat(receiver.received("/transfers-only")).isEmpty();
        assertThat(ledger.queryAsOwner("select count(*) from webhook_deliveries where message_id = ?",
                "msg_" + event.eventId()))
            .isEqualTo("1");
    }

    @Test
    void aRetryAfterIsWaitedFor() throws Exception {
        UUID wallet = ledger.newWallet();
        endpoint(wallet, "/busy", WebhookSignature.newSecret(), null);
        receiver.respond("/busy", (request, earlier) -> earlier == 0
                ? new Answer(429, Map.of("Retry-After", "2"), Duration.ZERO) : Answer.OK);

        publish(events(wallet, 1).get(0));

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received("/busy").size() >= 2);
        List<WebhookReceiver.Received> got = receiver.received("/busy");
        assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    private UUID endpoint(UUID wallet, String path, byte[] secret, String[] eventTypes) throws Exception {
        UUID id = UUID.randomUUID();
        ledger.executeAsOwner("""
                insert into webhook_endpoints (id, user_id, url, secret, event_types)
                values (?, (select user_id from wallets where id = ?), ?, ?, ?)""", id, wallet, receiver.url(path),
                secret, eventTypes);
        return id;
    }

    /** Deposits of 1,000 kobo each: sequence 1, 2, ... with their running balance. */
    private List<LedgerEvent> events(UUID wallet, int count) throws Exception {
        String number = ledger.queryAsOwner("select number from wallets where id = ?", wallet);
        List<LedgerEvent> events = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            events.add(new LedgerEvent(UUID.randomUUID().toString(), LedgerEvent.Type.DepositCredited,
                    LedgerEvent.VERSION, Instant.now(), wallet, number, 1_000, "NGN", 1_000L * i, i,
                    "ref-" + UUID.randomUUID(), null, null));
        }
        return events;
    }

    private void publish(LedgerEvent event) {
        publish(List.of(event));
    }

    private void publish(List<LedgerEvent> events) {
        topics.publishRaw(Topic.LEDGER_EVENTS.name(),
                events.stream().map(e -> Map.entry(e.walletId().toString(), e.toJson())).toList());
    }

}
