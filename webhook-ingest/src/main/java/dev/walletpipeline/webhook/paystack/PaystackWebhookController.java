package dev.walletpipeline.webhook.paystack;

import dev.walletpipeline.contracts.ClientAddresses;
import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.proof.HmacSignature;
import dev.walletpipeline.contracts.proof.Proof;
import dev.walletpipeline.webhook.WebhookSettings;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /wallet/paystack/webhook}. The order matters: size, then signature over the
 * raw bytes, then parsing; 200 only once Kafka acknowledged. Payments, refunds, disputes
 * and transfers ({@link PaystackEvent#ACTED_ON}) are published by our reference, a key
 * per fact; events of other types are acknowledged without publishing; a Paystack retry
 * of anything is simply published again.
 */
@RestController
class PaystackWebhookController {

    private final HmacSignature signature;

    private final EventPublisher publisher;

    private final long bodySizeMax;

    private final MeterRegistry meters;

    private final WebhookSettings.Sources sources;

    PaystackWebhookController(WebhookSettings settings, EventPublisher publisher, MeterRegistry meters) {
        this.sources = settings.sources();
        this.signature = new HmacSignature(settings.paystackSecretKey());
        this.publisher = publisher;
        this.bodySizeMax = settings.bodySizeMax().toBytes();
        this.meters = meters;
    }

    @PostMapping(path = "/wallet/paystack/webhook", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.OK)
    Map<String, Boolean> receive(HttpServletRequest request,
            @RequestHeader(name = "x-paystack-signature", required = false) @Nullable String signatureHeader)
            throws IOException {
        if (!sourceAllowed(request)) {
            meters.counter("wallet.webhook.rejected", "reason", "source").increment();
            throw new WebhookProblems.SourceNotAllowed();
        }
        byte[] body = readBounded(request);
        if (!signature.matches(body, signatureHeader)) {
            meters.counter("wallet.webhook.rejected", "reason", "signature").increment();
            throw new WebhookProblems.SignatureInvalid();
        }
        PaystackEvent.Envelope event;
        try {
            event = PaystackEvent.envelope(body);
        }
        catch (PaystackEvent.NotJson e) {
            meters.counter("wallet.webhook.rejected", "reason", "not_json").increment();
            throw new WebhookProblems.NotJson(e.getMessage());
        }
        if (event.actedOn()) {
            if (event.reference() != null) {
                // The signature travels with the bytes it signs: ledger-worker checks it
                // again.
                publisher.publish(event.reference(), body, Proof.PAYSTACK_SIGNATURE,
                        Objects.requireNonNull(signatureHeader));
            }
            else {
                // Signed by Paystack but unkeyable: kept for a person, and answered 200
                // so that Paystack does not retry it for 72 hours.
                publisher.deadLetter(body, event.event() + " without our reference");
            }
        }
        meters.counter("wallet.webhook.accepted", "event", event.event().isEmpty() ? "none" : event.event())
            .increment();
        return Map.of("status", true);
    }

    private boolean sourceAllowed(HttpServletRequest request) {
        if (sources.allowed().isEmpty()) {
            return true;
        }
        String header = sources.trustedProxyHeader();
        String address = ClientAddresses.resolve(request.getRemoteAddr(),
                header == null || header.isBlank() ? null : request.getHeader(header));
        return sources.allowed().contains(address);
    }

    private byte[] readBounded(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > bodySizeMax) {
            throw new WebhookProblems.PayloadTooLarge(bodySizeMax);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) bodySizeMax + 1);
            if (body.length > bodySizeMax) {
                throw new WebhookProblems.PayloadTooLarge(bodySizeMax);
            }
            return body;
        }
    }

}
