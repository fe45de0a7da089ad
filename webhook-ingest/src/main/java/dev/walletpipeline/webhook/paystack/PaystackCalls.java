package dev.walletpipeline.webhook.paystack;

import dev.walletpipeline.webhook.WebhookSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Paystack's API with the secret key, which no other service that calls Paystack holds.
 * One attempt per call: the caller retries, with the reference that makes it safe. A
 * Paystack that cannot be reached is 502; one that did not answer in time is 504, since
 * the call may have been taken.
 */
@Component
class PaystackCalls {

    private final WebhookSettings.Paystack paystack;

    private final String secretKey;

    private final HttpClient http;

    PaystackCalls(WebhookSettings settings) {
        this.paystack = settings.paystack();
        this.secretKey = settings.paystackSecretKey();
        this.http = HttpClient.newBuilder().connectTimeout(paystack.connectTimeout()).build();
    }

    /**
     * @param pathAndQuery Paystack's path, with its query already encoded
     * @param json the body of a POST; null for a GET
     */
    HttpResponse<String> send(String pathAndQuery, byte @Nullable [] json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(paystack.baseUrl() + pathAndQuery))
            .header("authorization", "Bearer " + secretKey)
            .timeout(paystack.readTimeout());
        if (json == null) {
            request.GET();
        }
        else {
            request.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (HttpTimeoutException e) {
            throw new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT, "Paystack did not answer in time");
        }
        catch (IOException e) {
            throw new ResponseStatusException(HttpStatus.BAD_GATEWAY, "Paystack cannot be reached");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT, "interrupted");
        }
    }

}
