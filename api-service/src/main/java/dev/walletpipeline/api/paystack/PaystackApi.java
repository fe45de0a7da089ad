package dev.walletpipeline.api.paystack;

import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Paystack's REST API, reached through webhook-ingest's internal listener (which holds
 * the secret key and relays the call as it is), with time-outs and bounded retries: a
 * connection refused or a 5xx is tried again, a time-out never (the call may have been
 * taken: the caller decides, with the reference that makes it safe to repeat), and
 * webhook-ingest's 504 is Paystack's time-out. Paystack's own refusals (4xx) come back as
 * answers.
 */
@Component
public class PaystackApi {

    private final PaystackSettings settings;

    private final HttpClient http;

    PaystackApi(PaystackSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    }

    /**
     * Paystack's answer: its HTTP status and its JSON ({@code status}, {@code message},
     * {@code data}).
     */
    public record Answer(int httpStatus, JsonNode body) {

        /** Paystack did what was asked: HTTP 200 or 201 and {@code "status": true}. */
        public boolean ok() {
            return (httpStatus == 200 || httpStatus == 201) && body.path("status").asBoolean(false);
        }

        public JsonNode data() {
            return body.path("data");
        }

        public String message() {
            // Paystack's message, or the problem's detail when webhook-ingest refused the
            // call.
            return body.path("message").asString(body.path("detail").asString("HTTP " + httpStatus));
        }

    }

    public Answer post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    public Answer get(String path, Map<String, String> query) {
        String encoded = query.entrySet()
            .stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base() + path + (encoded.isEmpty() ? "" : "?" + encoded))).GET());
    }

    private String base() {
        return settings.gatewayUrl() + "/internal/paystack";
    }

    private Answer send(HttpRequest.Builder request) {
        request.header("authorization", "Bearer " + settings.serviceToken()).timeout(settings.readTimeout());
        RuntimeException last = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 500) {
                    return new Answer(response.statusCode(), parse(response));
                }
                if (response.statusCode() == 504) {
                    throw new PaystackTimedOut();
                }
                last = new PaystackFailed("Paystack answered HTTP " + response.statusCode());
            }
            catch (HttpTimeoutException e) {
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

    /** Paystack could not be reached, or answered something we cannot read. */
    public static final class PaystackFailed extends WalletProblem {

        public PaystackFailed(String detail) {
            super(Kind.UPSTREAM_FAILED, "paystack_failed", detail);
        }

    }

    /** Paystack did not answer in time: the call may or may not have been taken. */
    public static final class PaystackTimedOut extends WalletProblem {

        public PaystackTimedOut() {
            super(Kind.UPSTREAM_TIMEOUT, "paystack_timeout",
                    "Paystack did not answer in time; retry with the same Idempotency-Key");
        }

    }

}
