package dev.walletpipeline.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebhookEndpointTests {

    @LocalServerPort
    int port;

    private ApiClient api;

    private LedgerProbe ledger;

    private ApiClient.SignedIn person;

    @BeforeEach
    void setUp(LocalStack stack) {
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
        person = api.signIn("hooks-" + UUID.randomUUID() + "@example.com");
    }

    @Test
    void anEndpointIsCreatedWithItsSecretShownOnceThenListedChangedAndDeleted() {
        ApiClient.Response created = create("{\"url\":\"http://localhost:9/hook\",\"description\":\"billing\","
                + "\"event_types\":[\"transfer.completed\",\"transfer.failed\"]}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.text("id");
        String secret = created.text("secret");
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(created.json().path("event_types").toString())
            .isEqualTo("[\"transfer.completed\",\"transfer.failed\"]");
        assertThat(created.json().path("enabled").asBoolean()).isTrue();

        ApiClient.Response listed = api.get("/webhooks/endpoints", person.as());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).contains(id).doesNotContain(secret.substring(6));
        assertThat(api.get("/webhooks/endpoints/" + id, person.as()).json().path("secret").isNull()).isTrue();

        ApiClient.Response changed = api.request("PATCH", "/webhooks/endpoints/" + id, person.as(), "application/json",
                "{\"all_event_types\":true,\"enabled\":false,\"description\":\"ops\"}");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("event_types").isNull()).isTrue();
        assertThat(changed.json().path("enabled").asBoolean()).isFalse();
        assertThat(changed.text("disabled_reason")).isEqualTo("disabled by its owner");
        ApiClient.Response enabled = api.request("PATCH", "/webhooks/endpoints/" + id, person.as(), "application/json",
                "{\"enabled\":true}");
        assertThat(enabled.json().path("enabled").asBoolean()).isTrue();
        assertThat(enabled.json().path("disabled_reason").isNull()).isTrue();

        assertThat(api.request("DELETE", "/webhooks/endpoints/" + id, person.as(), "application/json", "").status())
            .isEqualTo(204);
        assertThat(api.get("/webhooks/endpoints/" + id, person.as()).status()).isEqualTo(404);
        assertThat(api.get("/webhooks/endpoints", person.as()).body()).doesNotContain(id);
    }

    @Test
    void targetsInsideTheNetworkAndWhatIsNoUrlAreRefusedWithTheirCodesAndNothingIsStored() {
        for (String url : List.of("http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data",
                "http://192.168.0.10/", "http://[fd00::1]/")) {
            ApiClient.Response refused = create("{\"url\":\"" + url + "\"}");
            assertThat(refused.status()).as(url).isEqualTo(400);
            assertThat(refused.code()).as(url).isEqualTo("webhook_target_not_public");
            assertThat(refused.text("field")).isEqualTo("url");
        }
        assertThat(create("{\"url\":\"ftp://localhost/\"}").code()).isEqualTo("invalid_webhook_url");
        assertThat(create("{}").code()).isEqualTo("invalid_webhook_url");
        assertThat(create("{\"url\":\"http://localhost:9/\",\"event_types\":[\"money.printed\"]}").code())
            .isEqualTo("invalid_event_type");
        assertThat(create("{\"url\":\"http://localhost:9/\",\"event_types\":[]}").code())
            .isEqualTo("invalid_event_type");
        assertThat(api.get("/webhooks/endpoints", person.as()).json()).isEmpty();
        // A change is checked as a registration is.
        String id = create("{\"url\":\"http://localhost:9/hook\"}").text("id");
        ApiClient.Response moved = api.request("PATCH", "/webhooks/endpoints/" + id, person.as(), "application/json",
                "{\"url\":\"http://10.0.0.1/hook\"}");
        assertThat(moved.code()).isEqualTo("webhook_target_not_public");
        assertThat(api.get("/webhooks/endpoints/" + id, person.as()).text("url")).isEqualTo("http://localhost:9/hook");
    }

    @Test
    void aPersonHasAtMostTenEndpointsEvenWhenAskingForMoreAtOnce() {
        List<CompletableFuture<ApiClient.Response>> asked = IntStream.range(0, 14)
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> create("{\"url\":\"http://localhost:9/" + i + "\"}")))
            .toList();
        List<Integer> statuses = asked.stream().map(CompletableFuture::join).map(ApiClient.Response::status).toList();

        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(10);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(4);
        assertThat(api.get("/webhooks/endpoints", person.as()).json()).hasSize(10);
    }

    @Test
    void endpointsAreThePersonsOwnAndNeverManagedWithAnApiKey() {
        String id = create("{\"url\":\"http://localhost:9/hook\"}").text("id");
        ApiClient.SignedIn stranger = api.signIn("stranger-" + UUID.randomUUID() + "@example.com");
        assertThat(api.get("/webhooks/endpoints/" + id, stranger.as()).status()).isEqualTo(404);
        assertThat(api.post("/webhooks/endpoints/" + id + "/secret/rotate", stranger.as(), "{}").status())
            .isEqualTo(404);

        String allKey = api.createKey(person, "1H", "read", "webhooks");
        ApiClient.Response byKey = api.post("/webhooks/endpoints", As.key(allKey), "{\"url\":\"http://localhost:9/\"}");
        assertThat(byKey.status()).isEqualTo(403);
        assertThat(byKey.code()).isEqualTo("permission_missing");
        assertThat(api.get("/webhooks/deliveries", As.key(allKey)).status()).isEqualTo(200);
        String readOnly = api.createKey(person, "1H", "read");
        ApiClient.Response refused = api.get("/webhooks/deliveries", As.key(readOnly));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("detail")).contains("'webhooks'");
    }

    @Test
    void aRotationShowsTheNewSecretOnceAndKeepsThePreviousSigningForADay() throws Exception {
        ApiClient.Response created = create("{\"url\":\"http://localhost:9/hook\"}");
        String id = created.text("id");

        ApiClient.Response rotated = api.post("/webhooks/endpoints/" + id + "/secret/rotate", person.as(), "{}");

        assertThat(rotated.status()).isEqualTo(200);
        assertThat(rotated.text("secret")).startsWith("whsec_").isNotEqualTo(created.text("secret"));
        Instant until = Instant.parse(rotated.text("previous_secret_until"));
        assertThat(Duration.between(Instant.now(), until)).isBetween(Duration.ofHours(23), Duration.ofHours(25));
        assertThat(ledger
            .queryAsOwner("select encode(previous_secret, 'base64') from webhook_endpoints where id = ?::uuid", id))
            .isEqualTo(created.text("secret").substring(6));
    }

    @Test
    void aTestEventAResendAndARecoveryAreDeliveriesInTheLogWithTheirWebhookId() throws Exception {
        String id = create("{\"url\":\"http://localhost:9/hook\"}").text("id");

        ApiClient.Response test = api.post("/webhooks/endpoints/" + id + "/test", person.as(), "{}");
        assertThat(test.status()).isEqualTo(202);
        String delivery = test.text("delivery_id");

        ApiClient.Response log = api.get("/webhooks/deliveries?endpoint=" + id, person.as());
        assertThat(log.status()).isEqualTo(200);
        JsonNode item = log.json().path("items").get(0);
        assertThat(item.path("id").asString()).isEqualTo(delivery);
        assertThat(item.path("event_type").asString()).isEqualTo("webhook.test");
        assertThat(item.path("message_id").asString()).startsWith("msg_");
        assertThat(item.path("status").asString()).isEqualTo("pending");

        ledger.executeAsOwner("update webhook_deliveries set status = 'failed', attempts = 8 where id = ?::uuid",
                delivery);
        assertThat(api.get("/webhooks/deliveries?status=failed", person.as()).json().path("items")).hasSize(1);
        ApiClient.Response resent = api.post("/webhooks/deliveries/" + delivery + "/resend", person.as(), "{}");
        assertThat(resent.status()).isEqualTo(202);
        JsonNode after = api.get("/webhooks/deliveries?endpoint=" + id, person.as()).json().path("items").get(0);
        assertThat(after.path("status").asString()).isEqualTo("pending");
        assertThat(after.path("message_id").asString()).isEqualTo(item.path("message_id").asString());

        ledger.executeAsOwner("update webhook_deliveries set status = 'failed' where id = ?::uuid", delivery);
        ApiClient.Response recovered = api.post("/webhooks/endpoints/" + id + "/recover", person.as(),
                "{\"since\":\"" + Instant.now().minus(Duration.ofHours(1)) + "\"}");
        assertThat(recovered.status()).isEqualTo(202);
        assertThat(recovered.json().path("resent").asInt()).isEqualTo(1);

        assertThat(api.get("/webhooks/deliveries?status=lost", person.as()).code()).isEqualTo("invalid_status");
        assertThat(api.get("/webhooks/deliveries?since=yesterday", person.as()).code()).isEqualTo("invalid_since");
        assertThat(api.post("/webhooks/endpoints/" + id + "/recover", person.as(), "{}").code())
            .isEqualTo("invalid_since");
        assertThat(api.post("/webhooks/deliveries/" + UUID.randomUUID() + "/resend", person.as(), "{}").status())
            .isEqualTo(404);
    }

    private ApiClient.Response create(String json) {
        return api.post("/webhooks/endpoints", person.as(), json);
    }

}
