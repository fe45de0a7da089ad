package dev.walletpipeline.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document behind {@code /v3/api-docs} and Swagger UI: both credentials, and on every
 * operation the problem responses with their codes (API.md, "Errors").
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    private static final Set<String> OPEN = Set.of("/auth/google", "/auth/google/callback", "/auth/refresh",
            "/.well-known/jwks.json");

    @Bean
    OpenAPI walletOpenApi() {
        ObjectSchema problem = new ObjectSchema();
        problem.addProperty("type", new StringSchema());
        problem.addProperty("title", new StringSchema());
        problem.addProperty("status", new IntegerSchema());
        problem.addProperty("detail", new StringSchema());
        problem.addProperty("code", new StringSchema().description("stable machine-readable code"));
        problem.addProperty("field", new StringSchema().description("the offending field, for validation_failed"));
        return new OpenAPI()
                .info(new Info().title("Wallet API").version("1")
                        .description("Amounts are integers in kobo. Every error is application/problem+json "
                                + "with a stable `code`."))
                .components(new Components()
                        .addSchemas("Problem", problem)
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("JWT")
                                .description("Access token from /auth/google/callback or /auth/refresh"))
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("x-api-key")
                                .description("sk_live_... key with deposit, transfer and/or read permissions")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        Map<String, String> common = new LinkedHashMap<>();
        common.put("400", "validation_failed: malformed JSON, wrong types, out-of-range values (field named)");
        common.put("401", "credentials_missing, token_invalid, token_expired, api_key_invalid, api_key_expired, "
                + "api_key_revoked");
        common.put("403", "permission_missing: the API key lacks the permission named in detail");
        common.put("404", "not_found");
        common.put("409", "idempotency_conflict, api_key_limit_reached, key_already_rolled_over");
        common.put("413", "payload_too_large");
        common.put("422", "insufficient_funds, recipient_not_found, self_transfer, key_not_expired, key_revoked");
        common.put("429", "rate_limited (see Retry-After)");
        return openApi -> openApi.getPaths().forEach((path, item) -> item.readOperations().forEach(operation -> {
            if (OPEN.contains(path)) {
                operation.setSecurity(java.util.List.of());
            }
            common.forEach((status, codes) -> operation.getResponses().putIfAbsent(status, new ApiResponse()
                    .description(codes)
                    .content(new Content().addMediaType("application/problem+json",
                            new MediaType().schema(new io.swagger.v3.oas.models.media.Schema<>()
                                    .$ref("#/components/schemas/Problem"))))));
        }));
    }
}
