package dev.walletpipeline.api.deposit;

import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paystack's Initialize Transaction, with time-outs and bounded retries (Verify
 * Transaction is webhook-ingest's, for reconciliation). A reference is fixed before the
 * first attempt, so a retry can never open a second payment.
 */
@Component
class PaystackClient {

    private final PaystackSettings settings;

    private final HttpClient http;

    PaystackClient(PaystackSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    }

    /**
     * @return the authorization_url the payer is sent to
     */
    String initialize(String reference, long amount, String email, String callbackUrl, String walletNumber) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("email", email);
        body.put("amount", amount);
        body.put("currency", "NGN");
        body.put("reference", reference);
        body.put("callback_url", callbackUrl);
        // Paystack documents metadata as a JSON string.
        body.put("metadata", Json.MAPPER.createObjectNode().put("wallet_number", walletNumber).toString());
        HttpResponse<String> response = send(
                HttpRequest.newBuilder(URI.create(settings.baseUrl() + "/transaction/initialize"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        JsonNode answer = parse(response);
        if (response.statusCode() == 400 && "duplicate_reference".equals(answer.path("code").asString(""))) {
            // An earlier attempt of ours reached Paystack after all; its URL is not
            // recoverable here.
            throw new PaystackFailed("Paystack already has this reference; start a new deposit");
        }
        String url = answer.path("data").path("authorization_url").asString("");
        if (response.statusCode() != 200 || !answer.path("status").asBoolean(false) || url.isEmpty()) {
            throw new PaystackFailed("Paystack refused to initialise the payment: "
                    + answer.path("message").asString("HTTP " + response.statusCode()));
        }
        return url;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        request.header("authorization", "Bearer " + settings.secretKey()).timeout(settings.readTimeout());
        RuntimeException last = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 500) {
                    return response;
                }
                last = new PaystackFailed("Paystack answered HTTP " + response.statusCode());
            }
            catch (HttpTimeoutException e) {
                // An initialise that timed out may still have been taken: never retried
                // blindly.
                throw new PaystackTimedOut();
            }
            catch (IOException e) {
                last = new PaystackFailed("Paystack cannot be reached");
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PaystackTimedOut();
            }
        }
        throw last;
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        }
        catch (RuntimeException e) {
            throw new PaystackFailed("Paystack answered something that is not JSON");
        }
    }

    static final class PaystackFailed extends WalletProblem {

        PaystackFailed(String detail) {
            super(Kind.UPSTREAM_FAILED, "paystack_failed", detail);
        }

    }

    static final class PaystackTimedOut extends WalletProblem {

        PaystackTimedOut() {
            super(Kind.UPSTREAM_TIMEOUT, "paystack_timeout",
                    "Paystack did not answer in time; retry with the same Idempotency-Key");
        }

    }

}
