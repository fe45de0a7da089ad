package dev.walletpipeline.api.paystack;

import dev.walletpipeline.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.springframework.stereotype.Component;

/**
 * Asks webhook-ingest to verify a payment or a withdrawal with Paystack. webhook-ingest
 * makes the call itself and publishes what Paystack answers onto {@code paystack.events}
 * with its reconciliation signature, so ledger-worker decides on Paystack's word; this
 * service can neither forge nor alter the fact.
 */
@Component
public class PaystackVerifier {

    private final PaystackSettings settings;

    private final HttpClient http;

    PaystackVerifier(PaystackSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    }

    /** Paystack's status of the payment; {@code unknown} if Paystack has none. */
    public String payment(String reference) {
        return ask("/internal/paystack/verify/" + reference);
    }

    /** Paystack's status of the withdrawal's transfer; {@code unknown} if it has none. */
    public String withdrawal(String reference) {
        return ask("/internal/paystack/verify-transfer/" + reference);
    }

    private String ask(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.verifierUrl() + path))
            .timeout(settings.readTimeout().plus(settings.readTimeout()))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("webhook-ingest answered HTTP " + response.statusCode());
            }
            return Json.MAPPER.readTree(response.body()).path("status").asString("");
        }
        catch (IOException e) {
            throw new IllegalStateException("webhook-ingest cannot be reached", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

}
