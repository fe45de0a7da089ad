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

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    /**
     * springdoc names a body's schema by its type's simple name: two types of one name
     * (two controllers' {@code CreateRequest}, two {@code Page}s) become one schema, and
     * one of the operations is described with the other's fields. Every record the
     * controllers read or answer, and the records inside them, must have a name of its
     * own.
     */
    @Test
    void noTwoTypesInTheContractShareASchemaName() {
        java.util.Map<String, java.util.Set<Class<?>>> byName = new java.util.TreeMap<>();
        java.util.Deque<java.lang.reflect.Type> todo = new java.util.ArrayDeque<>();
        context.getBeansWithAnnotation(org.springframework.web.bind.annotation.RestController.class)
            .values()
            .forEach(controller -> {
                for (java.lang.reflect.Method method : org.springframework.aop.support.AopUtils
                    .getTargetClass(controller)
                    .getDeclaredMethods()) {
                    if (!org.springframework.core.annotation.AnnotatedElementUtils.hasAnnotation(method,
                            org.springframework.web.bind.annotation.RequestMapping.class)) {
                        continue;
                    }
                    todo.add(method.getGenericReturnType());
                    for (java.lang.reflect.Parameter parameter : method.getParameters()) {
                        if (parameter.isAnnotationPresent(org.springframework.web.bind.annotation.RequestBody.class)) {
                            todo.add(parameter.getParameterizedType());
                        }
                    }
                }
            });
        java.util.Set<Class<?>> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            java.lang.reflect.Type type = todo.pop();
            if (type instanceof java.lang.reflect.ParameterizedType generic) {
                todo.addAll(java.util.List.of(generic.getActualTypeArguments()));
            }
            else if (type instanceof Class<?> record && record.isRecord() && seen.add(record)) {
                byName.computeIfAbsent(record.getSimpleName(), n -> new java.util.HashSet<>()).add(record);
                for (java.lang.reflect.RecordComponent component : record.getRecordComponents()) {
                    todo.add(component.getGenericType());
                }
            }
        }
        assertThat(byName).as("records seen").isNotEmpty();
        assertThat(byName.entrySet().stream().filter(e -> e.getValue().size() > 1).map(java.util.Map.Entry::getKey))
            .as("schema names given to more than one type")
            .isEmpty();
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
