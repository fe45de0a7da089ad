package dev.walletpipeline.localstack;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every Paystack API of the stand-in shares: its JSON, its key check, its answers.
 */
final class PaystackWire {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String secretKey;

    PaystackWire(String secretKey) {
        this.secretKey = secretKey;
    }

    String secretKey() {
        return secretKey;
    }

    boolean authorized(HttpExchange exchange) {
        List<String> header = exchange.getRequestHeaders().get("authorization");
        return header != null && header.contains("Bearer " + secretKey);
    }

    /** Answers 401 unless the request carries the secret key; whether it did. */
    boolean requireKey(HttpExchange exchange) throws IOException {
        if (authorized(exchange)) {
            return true;
        }
        HttpStandIn.respond(exchange, 401, "application/json", "{\"status\":false,\"message\":\"Invalid key\"}");
        return false;
    }

    /** The request's JSON body, or null after answering 405, 401 or 400. */
    @Nullable JsonNode authorizedJson(HttpExchange exchange, String method) throws IOException {
        if (!method.equals(exchange.getRequestMethod())) {
            HttpStandIn.respond(exchange, 405, "application/json",
                    "{\"status\":false,\"message\":\"Method not allowed\"}");
            return null;
        }
        if (!requireKey(exchange)) {
            return null;
        }
        try {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (body != null && body.isObject()) {
                return body;
            }
        }
        catch (RuntimeException e) {
            // answered below
        }
        HttpStandIn.respond(exchange, 400, "application/json", "{\"status\":false,\"message\":\"Invalid JSON\"}");
        return null;
    }

    /** A 400 with Paystack's shape and this message. */
    static void refuse(HttpExchange exchange, String message) throws IOException {
        HttpStandIn.respond(exchange, 400, "application/json",
                "{\"status\":false,\"message\":" + JSON.writeValueAsString(message) + "}");
    }

    static byte[] event(String type, String data) {
        return ("{\"event\":\"" + type + "\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

}
