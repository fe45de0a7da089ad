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
        for (String path : new String[] { "/auth/google", "/auth/google/callback", "/auth/refresh", "/auth/me",
                "/keys/create", "/keys", "/keys/rollover", "/keys/{id}/revoke", "/wallet/balance",
                "/wallet/transactions", "/.well-known/jwks.json" }) {
            assertThat(docs.json().path("paths").has(path)).as(path).isTrue();
        }
        assertThat(docs.body()).contains("api_key_limit_reached")
            .contains("permission_missing")
            .contains("application/problem+json");
        assertThat(api.get("/swagger-ui/index.html", As.NOBODY).status()).isEqualTo(200);
    }

    /**
     * The document clients generate from is committed as
     * {@code api-service/openapi.json}: it must be exactly what the service serves.
     * {@code -Dopenapi.update=true} rewrites it after a change.
     */
    @Test
    void theCommittedOpenApiDocumentIsWhatTheServiceServesWithEveryOperationDescribed() throws Exception {
        ApiClient.Response docs = new ApiClient(port).get("/v3/api-docs", As.NOBODY);
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder()
            .enable(tools.jackson.databind.SerializationFeature.INDENT_OUTPUT)
            .build();
        tools.jackson.databind.JsonNode document = json.readTree(docs.body());
        String served = json.writeValueAsString(document) + "\n";

        java.util.List<String> undocumented = new java.util.ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (operation.getValue().path("summary").asString("").isBlank()
                    || operation.getValue().path("operationId").asString("").isBlank()) {
                undocumented.add(operation.getKey() + " " + path.getKey());
            }
        }));
        assertThat(undocumented).as("operations without summary or operationId").isEmpty();
        assertThat(document.path("components").path("schemas").has("Problem")).isTrue();

        java.nio.file.Path committed = java.nio.file.Path.of("openapi.json");
        if (Boolean.getBoolean("openapi.update")) {
            java.nio.file.Files.writeString(committed, served);
        }
        assertThat(java.nio.file.Files.readString(committed))
            .as("api-service/openapi.json is stale: run ./mvnw -pl api-service verify -Dtest=ApiDocumentationTests"
                    + " -Dopenapi.update=true and commit it")
            .isEqualTo(served);
    }

}
