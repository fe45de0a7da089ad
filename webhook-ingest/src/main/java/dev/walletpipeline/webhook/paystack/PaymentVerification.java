package dev.walletpipeline.webhook.paystack;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.proof.HmacSignature;
import dev.walletpipeline.contracts.proof.Proof;
import dev.walletpipeline.webhook.WebhookSettings;
import dev.walletpipeline.webhook.internal.InternalListener;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /internal/paystack/verify/{reference}}, on the internal listener only: asks
 * Paystack's Verify Transaction about a payment whose webhook never came, for
 * api-service's reconciliation. The caller only names the reference; the facts come from
 * Paystack, over this service's own connection. A payment Paystack reports
 * {@code success} or {@code reversed} is published as {@code transaction.verified} with
 * Verify's {@code data}, signed with the reconciliation key, which only this service and
 * ledger-worker hold: whoever else can write to Kafka cannot forge it. The answer is
 * Paystack's status, or {@code unknown} when Paystack never heard of the reference.
 * Withdrawals are verified the same way, with Verify Transfer.
 */
@RestController
@RequestMapping("/internal/paystack")
class PaymentVerification {

    /**
     * The form of the references api-service issues (the deposits table checks the same;
     * a withdrawal's is its id).
     */
    private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9.=-]{1,100}");

    private final PaystackCalls paystack;

    private final HmacSignature signature;

    private final EventPublisher publisher;

    private final MeterRegistry meters;

    private final InternalListener internal;

    PaymentVerification(WebhookSettings settings, PaystackCalls paystack, EventPublisher publisher,
            MeterRegistry meters, InternalListener internal) {
        this.paystack = paystack;
        this.signature = new HmacSignature(settings.reconciliationKey());
        this.publisher = publisher;
        this.meters = meters;
        this.internal = internal;
    }

    /** Before every handler here: only through the internal listener. */
    @ModelAttribute
    void onlyInternal(HttpServletRequest request) {
        internal.require(request);
    }

    @PostMapping(path = "/verify/{reference}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> verify(@PathVariable String reference) {
        return verify("/transaction/verify/", reference, PaystackEvent.TRANSACTION_VERIFIED,
                Set.of("success", "reversed"));
    }

    /**
     * The same for a withdrawal (its id is its reference), with Verify Transfer: a
     * transfer Paystack reports {@code success}, {@code failed} or {@code reversed} is
     * published as {@code transfer.verified}.
     */
    @PostMapping(path = "/verify-transfer/{reference}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> verifyTransfer(@PathVariable String reference) {
        return verify("/transfer/verify/", reference, PaystackEvent.TRANSFER_VERIFIED,
                Set.of("success", "failed", "reversed"));
    }

    /**
     * What an operator decided to credit: the decision, and the amount Paystack showed.
     */
    record OperatorCredit(@JsonProperty("operator_action") UUID operatorAction, long amount) {
    }

    /**
     * For a deposit in review that an operator decided to credit: asks Verify Transaction
     * again and, only when Paystack still reports it {@code success} with exactly the
     * amount decided, publishes {@code transaction.operator_credit} naming the decision,
     * signed like every verification. ledger-worker credits that amount, once. Paystack's
     * answer otherwise: 409, nothing published.
     */
    @PostMapping(path = "/verify/{reference}/operator-credit", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> operatorCredit(@PathVariable String reference, @RequestBody OperatorCredit decision) {
        JsonNode data = verified("/transaction/verify/", reference);
        if (data == null || !"success".equals(data.path("status").asString(""))
                || !data.path("amount").isIntegralNumber() || data.path("amount").asLong() != decision.amount()) {
            count("operator_credit_refused");
            throw new ResponseStatusException(HttpStatus.CONFLICT,
                    "Paystack no longer confirms " + decision.amount() + " paid for " + reference);
        }
        ObjectNode fact = Json.MAPPER.createObjectNode();
        fact.put("event", PaystackEvent.OPERATOR_CREDIT);
        fact.put("operator_action", decision.operatorAction().toString());
        fact.set("data", data);
        byte[] body = Json.MAPPER.writeValueAsBytes(fact);
        publisher.publish(reference, body, Proof.RECONCILIATION_SIGNATURE, signature.signHex(body));
        count("operator_credit");
        return answer(data);
    }

    /** A dead letter of {@code paystack.events} that an operator replays. */
    record Replay(int partition, @Nullable String key, String payload, Map<String, String> headers,
            @JsonProperty("operator_action") UUID operatorAction) {
    }

    /**
     * Sends a dead letter of {@code paystack.events} again, as it came (the same
     * partition, key, bytes and proof headers, plus {@code operator-action}): for an
     * operator once its cause is fixed. It proves no more than it did: ledger-worker
     * checks its proof again, and a fact seen before changes nothing.
     */
    @PostMapping(path = "/replay", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> replay(@RequestBody Replay replay) {
        Set<String> proofs = Set.of(Proof.PAYSTACK_SIGNATURE, Proof.RECONCILIATION_SIGNATURE);
        if (!proofs.containsAll(replay.headers().keySet())) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "only the proof headers " + proofs + " are replayed");
        }
        byte[] body;
        try {
            body = Base64.getDecoder().decode(replay.payload());
        }
        catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "payload is not base64");
        }
        publisher.replay(replay.partition(), replay.key(), body, replay.headers(), replay.operatorAction().toString());
        count("replayed");
        return Map.of("replayed", true);
    }

    private Map<String, Object> verify(String path, String reference, String event, Set<String> published) {
        JsonNode data = verified(path, reference);
        if (data == null) {
            count("unknown");
            return Map.of("status", "unknown");
        }
        String status = data.path("status").asString("");
        if (published.contains(status)) {
            ObjectNode fact = Json.MAPPER.createObjectNode();
            fact.put("event", event);
            fact.set("data", data);
            byte[] body = Json.MAPPER.writeValueAsBytes(fact);
            publisher.publish(reference, body, Proof.RECONCILIATION_SIGNATURE, signature.signHex(body));
        }
        count(status.isEmpty() ? "none" : status);
        return answer(data);
    }

    /** Paystack's status, and the amount and currency it has for the reference. */
    private static Map<String, Object> answer(JsonNode data) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", data.path("status").asString(""));
        if (data.path("amount").isIntegralNumber()) {
            answer.put("amount", data.path("amount").asLong());
        }
        if (data.path("currency").isString()) {
            answer.put("currency", data.path("currency").asString());
        }
        return answer;
    }

    /** Verify's {@code data} for the reference; null when Paystack never heard of it. */
    private @Nullable JsonNode verified(String path, String reference) {
        if (!REFERENCE.matcher(reference).matches()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "not a payment reference");
        }
        HttpResponse<String> response = paystack.send(path + reference, null);
        if (response.statusCode() == 404) {
            return null;
        }
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(response.body());
        }
        catch (RuntimeException e) {
            throw new ResponseStatusException(HttpStatus.BAD_GATEWAY, "Paystack answered something that is not JSON");
        }
        JsonNode data = answer.path("data");
        if (response.statusCode() != 200 || !answer.path("status").asBoolean(false) || !data.isObject()
                || !reference.equals(data.path("reference").asString(""))) {
            throw new ResponseStatusException(HttpStatus.BAD_GATEWAY,
                    "Paystack could not verify " + reference + ": HTTP " + response.statusCode());
        }
        return data;
    }

    private void count(String outcome) {
        meters.counter("wallet.webhook.verified", "outcome", outcome).increment();
    }

}
