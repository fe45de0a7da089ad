package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

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

    @Autowired
    ApplicationContext context;

    /**
     * springdoc names a body's schema by its type's simple name: two types of one name
     * (two controllers' {@code CreateRequest}, two {@code Page}s) become one schema, and
     * one of the operations is described with the other's fields. Every record the
     * controllers read or answer, and the records inside them, must have a name of its
     * own.
     */
    @Test
    void noTwoTypesInTheContractShareASchemaName() {
        Map<String, Set<Class<?>>> byName = new TreeMap<>();
        Deque<Type> todo = new ArrayDeque<>();
        context.getBeansWithAnnotation(RestController.class).values().forEach(controller -> {
            for (Method method : AopUtils.getTargetClass(controller).getDeclaredMethods()) {
                if (!AnnotatedElementUtils.hasAnnotation(method, RequestMapping.class)) {
                    continue;
                }
                todo.add(method.getGenericReturnType());
                for (Parameter parameter : method.getParameters()) {
                    if (parameter.isAnnotationPresent(RequestBody.class)) {
                        todo.add(parameter.getParameterizedType());
                    }
                }
            }
        });
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Type type = todo.pop();
            if (type instanceof ParameterizedType generic) {
                todo.addAll(List.of(generic.getActualTypeArguments()));
            }
            else if (type instanceof Class<?> record && record.isRecord() && seen.add(record)) {
                byName.computeIfAbsent(record.getSimpleName(), n -> new HashSet<>()).add(record);
                for (RecordComponent component : record.getRecordComponents()) {
                    todo.add(component.getGenericType());
                }
            }
        }
        assertThat(byName).as("records seen").isNotEmpty();
        assertThat(byName.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey))
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
        JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        JsonNode document = json.readTree(docs.body());
        String served = json.writeValueAsString(document) + "\n";

        List<String> undocumented = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
            if (operation.getValue().path("summary").asString("").isBlank()
                    || operation.getValue().path("operationId").asString("").isBlank()) {
                undocumented.add(operation.getKey() + " " + path.getKey());
            }
        }));
        assertThat(undocumented).as("operations without summary or operationId").isEmpty();
        assertThat(document.path("components").path("schemas").has("Problem")).isTrue();

        Path committed = Path.of("openapi.json");
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(committed, served);
        }
        assertThat(Files.readString(committed))
            .as("api-service/openapi.json is stale: run ./mvnw -pl api-service verify -Dtest=ApiDocumentationTests"
                    + " -Dopenapi.update=true and commit it")
            .isEqualTo(served);
    }

}
