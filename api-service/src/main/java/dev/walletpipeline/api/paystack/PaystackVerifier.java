package dev.walletpipeline.api.paystack;

import dev.walletpipeline.contracts.Json;
import org.springframework.stereotype.Component;

/**
 * Asks webhook-ingest to verify a payment or a withdrawal with Paystack. webhook-ingest
 * makes the call itself and publishes what Paystack answers onto {@code paystack.events}
 * with its reconciliation signature, so ledger-worker decides on Paystack's word; this
 * service holds neither that key nor Paystack's, so it can neither forge nor alter the
 * fact.
 */
@Component
public class PaystackVerifier {

    private final PaystackApi paystack;

    PaystackVerifier(PaystackApi paystack) {
        this.paystack = paystack;
    }

    /** Paystack's status of the payment; {@code unknown} if Paystack has none. */
    public String payment(String reference) {
        return ask("/verify/" + reference);
    }

    /** Paystack's status of the withdrawal's transfer; {@code unknown} if it has none. */
    public String withdrawal(String reference) {
        return ask("/verify-transfer/" + reference);
    }

    private String ask(String path) {
        PaystackApi.Answer answer = paystack.post(path, Json.MAPPER.createObjectNode());
        if (answer.httpStatus() != 200) {
            throw new IllegalStateException("webhook-ingest answered HTTP " + answer.httpStatus());
        }
        return answer.body().path("status").asString("");
    }

}
