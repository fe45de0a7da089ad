package dev.walletpipeline.api.deposit;

import dev.walletpipeline.api.paystack.PaystackApi;
import dev.walletpipeline.contracts.Json;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Paystack's Initialize Transaction (Verify Transaction is webhook-ingest's, for
 * reconciliation). A reference is fixed before the first attempt, so a retry can never
 * open a second payment.
 */
@Component
class PaystackClient {

    private final PaystackApi paystack;

    PaystackClient(PaystackApi paystack) {
        this.paystack = paystack;
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
        PaystackApi.Answer answer = paystack.post("/transaction/initialize", body);
        if (answer.httpStatus() == 400 && "duplicate_reference".equals(answer.body().path("code").asString(""))) {
            // An earlier attempt of ours reached Paystack after all; its URL is not
            // recoverable here.
            throw new PaystackApi.PaystackFailed("Paystack already has this reference; start a new deposit");
        }
        String url = answer.data().path("authorization_url").asString("");
        if (!answer.ok() || url.isEmpty()) {
            throw new PaystackApi.PaystackFailed("Paystack refused to initialise the payment: " + answer.message());
        }
        return url;
    }

}
