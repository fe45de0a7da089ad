package dev.walletpipeline.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contract a reader finds in the clone, {@code docs/API.md}, says what the OpenAPI
 * document says: every operation and every problem code of {@code openapi.json} (itself
 * checked against the running service by {@link ApiDocumentationTests}) is on the page,
 * and the page names no api-service call the service does not have.
 */
class ApiContractDocumentTests {

    private static final Path OPENAPI = Path.of("openapi.json");

    private static final Path CONTRACT = Path.of("..", "docs", "API.md");

    /** A call as the page writes it: {@code `GET /wallet/balance`}. */
    private static final Pattern CALL = Pattern.compile("`(GET|POST|PUT|PATCH|DELETE) (/[^`\\s?]*)`");

    /** A problem code: lowercase words joined by underscores. */
    private static final Pattern CODE = Pattern.compile("\\b[a-z]+(?:_[a-z]+)+\\b|\\bbusy\\b");

    /**
     * Calls the page describes that api-service does not answer: webhook-ingest's and
     * Paystack's.
     */
    private static final Set<String> OTHER_SERVICES = Set.of("POST /wallet/paystack/webhook",
            "POST /transaction/initialize", "GET /transaction/verify/{reference}", "GET /bank/resolve",
            "POST /transferrecipient", "POST /transfer", "GET /transfer/verify/{reference}");

    @Test
    void everyOperationOfTheOpenApiDocumentIsOnTheContractPageAndNoOther() throws IOException {
        Set<String> documented = new TreeSet<>();
        openApi().path("paths")
            .properties()
            .forEach(path -> path.getValue()
                .properties()
                .forEach(operation -> documented.add(operation.getKey().toUpperCase() + " " + path.getKey())));
        Set<String> onThePage = new TreeSet<>();
        Matcher call = CALL.matcher(Files.readString(CONTRACT));
        while (call.find()) {
            onThePage.add(call.group(1) + " " + call.group(2));
        }
        onThePage.removeAll(OTHER_SERVICES);
        assertThat(onThePage).as("calls on docs/API.md").isEqualTo(documented);
    }

    @Test
    void everyProblemCodeOfTheOpenApiDocumentIsOnTheContractPage() throws IOException {
        Set<String> codes = new TreeSet<>();
        for (JsonNode path : openApi().path("paths")) {
            for (JsonNode operation : path) {
                operation.path("responses").properties().forEach(response -> {
                    if (response.getKey().matches("[45]\\d\\d")) {
                        Matcher code = CODE.matcher(response.getValue().path("description").asString());
                        while (code.find()) {
                            codes.add(code.group());
                        }
                    }
                });
            }
        }
        assertThat(codes).as("codes in openapi.json").contains("validation_failed", "insufficient_funds", "busy");
        String page = Files.readString(CONTRACT);
        assertThat(codes).as("codes missing from docs/API.md").allMatch(code -> page.contains("`" + code + "`"));
    }

    private static JsonNode openApi() throws IOException {
        return JsonMapper.builder().build().readTree(Files.readString(OPENAPI));
    }

}
