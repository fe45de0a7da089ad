package dev.walletpipeline.contracts;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The part of a Paystack webhook or verify answer that moves money. Paystack's wire
 * format is theirs, so it is read field by field instead of bound to a class:
 * {@code metadata} alone may be {@code 0}, {@code ""}, {@code null} or an object.
 *
 * @param event the webhook's {@code event}, e.g. {@code charge.success}
 * @param paystackId Paystack's transaction id ({@code data.id})
 * @param reference our payment reference ({@code data.reference})
 * @param status the payment outcome ({@code data.status})
 * @param amountMinor the amount paid, in kobo ({@code data.amount})
 * @param currency ISO 4217 code ({@code data.currency})
 */
public record PaystackCharge(String event, long paystackId, String reference, String status, long amountMinor,
        String currency) {

    public static final String CHARGE_SUCCESS = "charge.success";

    /**
     * Not Paystack's: the event of a record webhook-ingest publishes after it asked
     * Paystack's Verify Transaction itself; {@code data} is Verify's answer. Only valid
     * with the reconciliation signature.
     */
    public static final String TRANSACTION_VERIFIED = "transaction.verified";

    /**
     * Reads a webhook body.
     * @throws Unreadable when the bytes are not a Paystack event with a reference, an
     * integer amount and a currency; the message says which field is wrong
     */
    public static PaystackCharge fromWebhook(byte[] body) {
        JsonNode root = parse(body);
        String event = text(root, "event");
        JsonNode data = root.path("data");
        if (!data.isObject()) {
            throw new Unreadable("data is not an object");
        }
        return fromData(event, data);
    }

    /** Reads the {@code data} object of a verify answer (or of a webhook). */
    public static PaystackCharge fromData(String event, JsonNode data) {
        String reference = text(data, "reference");
        JsonNode amount = data.path("amount");
        if (!amount.isIntegralNumber() || !amount.canConvertToLong()) {
            throw new Unreadable("data.amount is not an integer amount in kobo");
        }
        JsonNode id = data.path("id");
        return new PaystackCharge(event, id.isIntegralNumber() ? id.asLong() : 0, reference, text(data, "status"),
                amount.asLong(), text(data, "currency"));
    }

    /**
     * The event type and reference of any Paystack event, for routing and keying.
     * @throws NotJson when the body is not a JSON object
     */
    public static Envelope envelope(byte[] body) {
        JsonNode root = parse(body);
        JsonNode event = root.path("event");
        JsonNode reference = root.path("data").path("reference");
        return new Envelope(event.isString() ? event.asString() : "",
                reference.isString() && !reference.asString().isBlank() ? reference.asString() : null);
    }

    /**
     * @param event the event type, empty when absent; @param reference null when absent
     */
    public record Envelope(String event, @Nullable String reference) {
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            if (root == null || !root.isObject()) {
                throw new NotJson("body is not a JSON object");
            }
            return root;
        }
        catch (JacksonException e) {
            throw new NotJson("body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isString() || value.asString().isBlank()) {
            throw new Unreadable(field + " is missing or not a string");
        }
        if (value.asString().indexOf('\0') >= 0) {
            // Valid JSON (the escape for U+0000), but no reference, status or currency
            // holds one, and
            // PostgreSQL text refuses it: such a record could never be looked up or
            // stored.
            throw new Unreadable(field + " contains a NUL character");
        }
        return value.asString();
    }

    /**
     * A payment Paystack reports successful: by webhook, or as Verify Transaction
     * answered it.
     */
    public boolean isSuccessfulCharge() {
        return (CHARGE_SUCCESS.equals(event) || TRANSACTION_VERIFIED.equals(event)) && "success".equals(status);
    }

    /**
     * A fact ledger-worker posts (a success credits, a reversal closes the deposit);
     * other events change nothing.
     */
    public boolean concernsADeposit() {
        return isSuccessfulCharge() || isVerifiedReversal();
    }

    /** A payment Verify Transaction reports reversed: it must never be credited. */
    public boolean isVerifiedReversal() {
        return TRANSACTION_VERIFIED.equals(event) && "reversed".equals(status);
    }

    /**
     * What this record means, whichever topic position it has: the event about the
     * payment.
     */
    public String messageId() {
        return event + ":" + reference + ":" + paystackId;
    }

    /** A body that is not a Paystack event we can read. */
    public static class Unreadable extends RuntimeException {

        public Unreadable(String message) {
            super(message);
        }

    }

    /** A body that is not even a JSON object. */
    public static final class NotJson extends Unreadable {

        public NotJson(String message) {
            super(message);
        }

    }
}
