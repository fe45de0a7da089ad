package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * No body is read past 64 KiB, with or without a declared length, and JSON is read only
 * to a bounded depth and string length: on the unauthenticated routes too.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RequestLimitTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void aBodyWithADeclaredLengthOverTheLimitIsRefusedWith413BeforeItIsRead() throws Exception {
        String body = "{\"refresh_token\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        HttpResponse<String> answer = post("/auth/refresh", HttpRequest.BodyPublishers.ofString(body));
        assertProblem(answer, 413, "payload_too_large");
    }

    @Test
    void aStreamedBodyWithoutALengthIsRefusedWith413OnceItPassesTheLimit() throws Exception {
        // Many short values: no one of them is over a JSON limit, the whole is over the
        // body's.
        byte[] body = ("{\"padding\":[" + "1,".repeat(100_000) + "1],\"refresh_token\":\"t\"}")
            .getBytes(StandardCharsets.UTF_8);
        for (String path : new String[] { "/auth/refresh", "/auth/logout" }) {
            HttpResponse<String> answer = post(path,
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
            assertProblem(answer, 413, "payload_too_large");
        }
    }

    @Test
    void deeplyNestedJsonIsRefusedWith400() throws Exception {
        ApiClient.SignedIn person = new ApiClient(port).signIn("nested-" + UUID.randomUUID() + "@example.com");
        String nested = "[".repeat(2_000) + "]".repeat(2_000);
        HttpResponse<String> answer = HTTP
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/wallet/withdrawals"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + person.accessToken())
                // In a field the request does not have: the typed reader would refuse an
                // array for amount at its first bracket; a field it skips is still read
                // token by token, and the nesting limit is what stops it.
                .POST(HttpRequest.BodyPublishers.ofString("{\"padding\":" + nested + ",\"amount\":100}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(answer, 400, "validation_failed");
        assertThat(answer.body()).contains("nesting");
    }

    @Test
    void aStringLongerThanAnyFieldNeedsIsRefusedWith400() throws Exception {
        HttpResponse<String> answer = post("/auth/refresh",
                HttpRequest.BodyPublishers.ofString("{\"refresh_token\":\"" + "x".repeat(20_000) + "\"}"));
        assertProblem(answer, 400, "validation_failed");
        assertThat(answer.body()).contains("String value length");
    }

    @Test
    void aBodyWithinTheLimitsIsReadAsBefore() throws Exception {
        HttpResponse<String> answer = post("/auth/refresh",
                HttpRequest.BodyPublishers.ofString("{\"refresh_token\":\"not-a-token\"}"));
        assertThat(answer.statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("content-type", "application/json")
            .POST(body)
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String code) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().firstValue("content-type"))
            .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = Json.MAPPER.readTree(answer.body());
        assertThat(problem.path("code").asString()).isEqualTo(code);
    }

}
