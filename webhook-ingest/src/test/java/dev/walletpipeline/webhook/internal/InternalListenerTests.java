package dev.walletpipeline.webhook.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The calls api-service makes (Paystack's API through this service, and verification) are
 * on a listener of their own, never on the port Paystack reaches, and only for a caller
 * with the service credential.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InternalListenerTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final String TOKEN = LocalStack.INTERNAL_SERVICE_TOKEN;

    private static final List<String> VERIFICATIONS = List.of("/internal/paystack/verify/WLT-anything",
            "/internal/paystack/verify-transfer/" + UUID.randomUUID());

    @LocalServerPort
    int publicPort;

    @Autowired
    InternalListener internal;

    @Test
    void thePublicPortAnswers404ForEveryInternalRouteEvenWithTheCredential() throws Exception {
        for (String path : List.of(VERIFICATIONS.get(0), VERIFICATIONS.get(1), "/internal/paystack/transfer",
                "/internal/paystack/transaction/initialize", "/%69nternal/paystack/verify/WLT-anything",
                "/wallet/../internal/paystack/verify/WLT-anything")) {
            for (String credential : new String[] { null, TOKEN }) {
                HttpResponse<String> answer = post(publicPort, path, credential, "{}");
                assertThat(answer.statusCode()).as(path).isIn(400, 404);
            }
        }
        assertThat(post(publicPort, VERIFICATIONS.get(0), TOKEN, "{}").body()).contains("\"code\":\"not_found\"");
    }

    @Test
    void theInternalPortRefusesACallerWithoutTheServiceCredential() throws Exception {
        for (String path : VERIFICATIONS) {
            for (String credential : new String[] { null, "", "not-the-token", TOKEN + "x" }) {
                HttpResponse<String> answer = post(internal.port(), path, credential, "{}");
                assertThat(answer.statusCode()).as(path + " with " + credential).isEqualTo(401);
                assertThat(answer.body()).contains("\"code\":\"service_credential_invalid\"");
            }
            HttpResponse<String> answer = post(internal.port(), path, TOKEN, "{}");
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"status\":\"unknown\"}");
        }
    }

    @Test
    void theInternalPortServesNothingButInternalRoutes() throws Exception {
        HttpResponse<String> answer = post(internal.port(), "/wallet/paystack/webhook", TOKEN, "{}");
        assertThat(answer.statusCode()).isEqualTo(404);
    }

    @Test
    void paystackCallsAreRelayedWithTheKeyOnlyThisServiceHolds(LocalStack stack) throws Exception {
        String reference = "WLT-" + UUID.randomUUID();
        HttpResponse<String> initialized = post(internal.port(), "/internal/paystack/transaction/initialize", TOKEN,
                "{\"email\":\"a@example.com\",\"amount\":10000,\"currency\":\"NGN\",\"reference\":\"" + reference
                        + "\"}");
        assertThat(initialized.statusCode()).isEqualTo(200);
        JsonNode data = Json.MAPPER.readTree(initialized.body()).path("data");
        assertThat(data.path("reference").asString()).isEqualTo(reference);
        assertThat(data.path("authorization_url").asString()).startsWith(stack.paystack().baseUrl());

        HttpResponse<String> resolved = HTTP.send(HttpRequest
            .newBuilder(URI.create("http://localhost:" + internal.port()
                    + "/internal/paystack/bank/resolve?account_number=0123456789&bank_code=058"))
            .header("authorization", "Bearer " + TOKEN)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(resolved.body()).path("data").path("account_name").asString()).isNotBlank();
    }

    @Test
    void aRelayedBodyThatIsNotAJsonObjectIsRefusedBeforePaystackSeesIt() throws Exception {
        HttpResponse<String> answer = post(internal.port(), "/internal/paystack/transfer", TOKEN, "[1,2]");
        assertThat(answer.statusCode()).isEqualTo(400);
        answer = post(internal.port(), "/internal/paystack/transfer", TOKEN, "{\"a\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(answer.statusCode()).isEqualTo(413);
    }

    private static HttpResponse<String> post(int port, String path, @Nullable String credential, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (credential != null) {
            request.header("authorization", "Bearer " + credential);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
