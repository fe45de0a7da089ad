package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.StandardWebhooksVerifier;
import dev.walletpipeline.localstack.WebhookReceiver;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Webhooks to API clients through the whole pipeline: endpoints registered with the API,
 * money moved with the API, deliveries made by webhook-dispatcher as its own process from
 * the ledger events, checked by the reference Standard Webhooks library.
 */
@ExtendWith(LocalStackExtension.class)
class WebhookPipelineTests {

    private Pipeline pipeline;

    private ApiClient api;

    private final WebhookReceiver receiver = WebhookReceiver.start(8);

    @BeforeEach
    void setUp(LocalStack stack) {
        pipeline = Pipeline.shared(stack);
        pipeline.ensureRunning();
        api = pipeline.api;
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    @Test
    void aTransfersOutcomeReachesTheSendersAndTheRecipientsEndpointsEachWithItsSide() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(10_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);
        String senderSecret = register(sender, "/sender");
        String recipientSecret = register(recipient, "/recipient");

        ApiClient.Response sent = api.post("/wallet/transfer", sender.as(),
                "{\"wallet_number\":\"" + recipient.walletNumber() + "\",\"amount\":3000}");
        assertThat(sent.status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30))
            .until(() -> !receiver.received("/sender").isEmpty() && !receiver.received("/recipient").isEmpty());
        JsonNode out = Json.MAPPER.readTree(receiver.received("/sender").get(0).body());
        JsonNode in = Json.MAPPER.readTree(receiver.received("/recipient").get(0).body());
        assertThat(out.path("type").asString()).isEqualTo("transfer.completed");
        assertThat(out.path("data").path("direction").asString()).isEqualTo("out");
        assertThat(out.path("data").path("amount").asLong()).isEqualTo(3_000);
        assertThat(out.path("data").path("balance_after").asLong()).isEqualTo(7_000);
        assertThat(out.path("data").path("transfer_id").asString()).isEqualTo(sent.text("transfer_id"));
        assertThat(in.path("type").asString()).isEqualTo("transfer.completed");
        assertThat(in.path("data").path("direction").asString()).isEqualTo("in");
        assertThat(in.path("data").path("balance_after").asLong()).isEqualTo(3_000);
        assertThat(StandardWebhooksVerifier.verify(senderSecret, receiver.received("/sender"))).containsOnly("ok");
        assertThat(StandardWebhooksVerifier.verify(recipientSecret, receiver.received("/recipient")))
            .containsOnly("ok");
        // One event, one webhook-id, on both sides different.
        assertThat(receiver.received("/sender").get(0).header("webhook-id"))
            .isNotEqualTo(receiver.received("/recipient").get(0).header("webhook-id"));
    }

    @Test
    void aDispatcherKilledWhileSendingLosesNoDeliveryAndARedeliveryKeepsItsWebhookId() throws Exception {
        ApiClient.SignedIn sender = pipeline.personWithBalance(10_000);
        ApiClient.SignedIn recipient = pipeline.personWithBalance(0);
        register(sender, "/killed");
        // Slow answers: the dispatcher is killed with deliveries in flight.
        receiver.respond("/killed",
                (request, earlier) -> new WebhookReceiver.Answer(200, Map.of(), Duration.ofMillis(700)));

        for (int i = 0; i < 5; i++) {
            assertThat(api
                .post("/wallet/transfer", sender.as(),
                        "{\"wallet_number\":\"" + recipient.walletNumber() + "\",\"amount\":1000}")
                .status()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.received("/killed").isEmpty());
        pipeline.webhookDispatcher.kill();
        pipeline.webhookDispatcher.start().awaitReady(Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(60)).until(() -> ids("/killed").size() >= 5);
        assertThat(ids("/killed")).hasSize(5);
        List<Long> balances = receiver.received("/killed")
            .stream()
            .map(r -> Json.MAPPER.readTree(r.body()).path("data").path("balance_after").asLong())
            .distinct()
            .toList();
        // In the wallet's order, whatever was sent twice.
        assertThat(balances).containsExactly(9_000L, 8_000L, 7_000L, 6_000L, 5_000L);
    }

    @Test
    void aTestEventSentAfterARotationIsVerifiedByTheNewSecretAndThePrevious() throws Exception {
        ApiClient.SignedIn person = pipeline.personWithBalance(0);
        ApiClient.Response created = api.post("/webhooks/endpoints", person.as(),
                "{\"url\":\"" + receiver.url("/rotated") + "\"}");
        String previous = created.text("secret");
        String id = created.text("id");
        ApiClient.Response rotated = api.post("/webhooks/endpoints/" + id + "/secret/rotate", person.as(), "{}");
        String current = rotated.text("secret");

        assertThat(api.post("/webhooks/endpoints/" + id + "/test", person.as(), "{}").status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.received("/rotated").isEmpty());
        List<WebhookReceiver.Received> got = receiver.received("/rotated");
        assertThat(Json.MAPPER.readTree(got.get(0).body()).path("type").asString()).isEqualTo("webhook.test");
        assertThat(StandardWebhooksVerifier.verify(current, got)).containsOnly("ok");
        assertThat(StandardWebhooksVerifier.verify(previous, got)).containsOnly("ok");
        await().atMost(Duration.ofSeconds(10))
            .until(() -> api.get("/webhooks/deliveries?endpoint=" + id, person.as())
                .json()
                .path("items")
                .get(0)
                .path("status")
                .asString()
                .equals("delivered"));
        JsonNode attempt = api.get("/webhooks/deliveries?endpoint=" + id, person.as())
            .json()
            .path("items")
            .get(0)
            .path("attempts")
            .get(0);
        assertThat(attempt.path("http_status").asInt()).isEqualTo(200);
        assertThat(attempt.path("response").asString()).isEqualTo("answered 200");
    }

    private String register(ApiClient.SignedIn person, String path) {
        ApiClient.Response created = api.post("/webhooks/endpoints", person.as(),
                "{\"url\":\"" + receiver.url(path) + "\",\"event_types\":[\"transfer.completed\"]}");
        assertThat(created.status()).isEqualTo(201);
        return created.text("secret");
    }

    private Set<String> ids(String path) {
        Set<String> ids = new HashSet<>();
        receiver.received(path).forEach(r -> ids.add(r.header("webhook-id")));
        return ids;
    }

}
