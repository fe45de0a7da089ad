package dev.walletpipeline.webhook.paystack;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.webhook.WebhookSettings;
import dev.walletpipeline.webhook.internal.InternalListener;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The Paystack calls api-service makes, on the internal listener only: Initialize
 * Transaction, Resolve Account Number, Create Transfer Recipient and Initiate Transfer,
 * each relayed with the secret key this service alone holds, and Paystack's status and
 * body answered as they came. Because Paystack signs webhooks with that same key, the
 * service facing the internet never holds it, so it cannot sign a {@code charge.success}
 * of its own. These four calls are all it can make: nothing here publishes to Kafka, and
 * no other Paystack path (refunds, balances, exports) is reachable.
 */
@RestController
@RequestMapping("/internal/paystack")
class PaystackRelay {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{3,20}");

    private final PaystackCalls paystack;

    private final InternalListener internal;

    private final MeterRegistry meters;

    private final long bodySizeMax;

    PaystackRelay(PaystackCalls paystack, InternalListener internal, MeterRegistry meters, WebhookSettings settings) {
        this.paystack = paystack;
        this.internal = internal;
        this.meters = meters;
        this.bodySizeMax = settings.internal().bodySizeMax().toBytes();
    }

    /** Before every handler here: only through the internal listener. */
    @ModelAttribute
    void onlyInternal(HttpServletRequest request) {
        internal.require(request);
    }

    @PostMapping("/transaction/initialize")
    ResponseEntity<String> initialize(HttpServletRequest request) throws IOException {
        return relay("/transaction/initialize", jsonBody(request));
    }

    @GetMapping("/bank/resolve")
    ResponseEntity<String> resolve(@RequestParam("account_number") String accountNumber,
            @RequestParam("bank_code") String bankCode) {
        if (!DIGITS.matcher(accountNumber).matches() || !DIGITS.matcher(bankCode).matches()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "account_number and bank_code are digits");
        }
        return relay("/bank/resolve?account_number=" + URLEncoder.encode(accountNumber, StandardCharsets.UTF_8)
                + "&bank_code=" + URLEncoder.encode(bankCode, StandardCharsets.UTF_8), null);
    }

    @PostMapping("/transferrecipient")
    ResponseEntity<String> transferRecipient(HttpServletRequest request) throws IOException {
        return relay("/transferrecipient", jsonBody(request));
    }

    @PostMapping("/transfer")
    ResponseEntity<String> transfer(HttpServletRequest request) throws IOException {
        return relay("/transfer", jsonBody(request));
    }

    private ResponseEntity<String> relay(String path, byte @Nullable [] body) {
        String route = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        HttpResponse<String> answer = paystack.send(path, body);
        meters.counter("wallet.webhook.relayed", "path", route, "status", Integer.toString(answer.statusCode()))
            .increment();
        return ResponseEntity.status(answer.statusCode()).contentType(MediaType.APPLICATION_JSON).body(answer.body());
    }

    /** The request's body: at most the internal limit, and a JSON object. */
    private byte[] jsonBody(HttpServletRequest request) throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) bodySizeMax + 1);
        }
        if (body.length > bodySizeMax) {
            throw new WebhookProblems.PayloadTooLarge(bodySizeMax);
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(body);
            if (parsed == null || !parsed.isObject()) {
                throw new WebhookProblems.NotJson("the body is not a JSON object");
            }
        }
        catch (JacksonException e) {
            throw new WebhookProblems.NotJson("the body is not JSON");
        }
        return body;
    }

}
