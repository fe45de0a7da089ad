package dev.walletpipeline.api.paystack;

import dev.walletpipeline.contracts.Json;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;
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

    /** What Verify Transaction says of a payment: its status, and the sum paid. */
    public record Payment(String status, long amount, String currency) {
    }

    /** The payment as Paystack has it now; status {@code unknown} if it has none. */
    public Payment paymentAsPaid(String reference) {
        PaystackApi.Answer answer = paystack.post("/verify/" + reference, Json.MAPPER.createObjectNode());
        if (answer.httpStatus() != 200) {
            throw new IllegalStateException("webhook-ingest answered HTTP " + answer.httpStatus());
        }
        return new Payment(answer.body().path("status").asString(""), answer.body().path("amount").asLong(0),
                answer.body().path("currency").asString(""));
    }

    /**
     * Asks webhook-ingest to verify a deposit in review again for an operator's decision
     * to credit {@code amount}: it publishes the signed confirmation only if Paystack
     * still reports exactly that paid. False when Paystack no longer does.
     */
    public boolean confirmOperatorCredit(String reference, UUID decision, long amount) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("operator_action", decision.toString());
        body.put("amount", amount);
        PaystackApi.Answer answer = paystack.post("/verify/" + reference + "/operator-credit", body);
        if (answer.httpStatus() == 409) {
            return false;
        }
        if (answer.httpStatus() != 200) {
            throw new IllegalStateException("webhook-ingest answered HTTP " + answer.httpStatus());
        }
        return true;
    }

    private String ask(String path) {
        PaystackApi.Answer answer = paystack.post(path, Json.MAPPER.createObjectNode());
        if (answer.httpStatus() != 200) {
            throw new IllegalStateException("webhook-ingest answered HTTP " + answer.httpStatus());
        }
        return answer.body().path("status").asString("");
    }

}
