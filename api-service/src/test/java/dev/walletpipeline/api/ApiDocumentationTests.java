package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiDocumentationTests {

    @LocalServerPort
    int port;

    @Test
    void theOpenApiDocumentNamesBothCredentialsEveryEndpointAndTheProblemCodes() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response docs = api.get("/v3/api-docs", As.NOBODY);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().path("components").path("securitySchemes").has("bearer")).isTrue();
        assertThat(docs.json().path("components").path("securitySchemes").path("apiKey").path("name").asString())
                .isEqualTo("x-api-key");
        for (String path : new String[] {"/auth/google", "/auth/google/callback", "/auth/refresh", "/auth/me",
                "/keys/create", "/keys", "/keys/rollover", "/keys/{id}/revoke", "/wallet/balance",
                "/wallet/transactions", "/.well-known/jwks.json"}) {
            assertThat(docs.json().path("paths").has(path)).as(path).isTrue();
        }
        assertThat(docs.body()).contains("api_key_limit_reached").contains("permission_missing")
                .contains("application/problem+json");
        assertThat(api.get("/swagger-ui/index.html", As.NOBODY).status()).isEqualTo(200);
    }
}
