package dev.walletpipeline.contracts;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The part of a Paystack event that moves money. Paystack's wire format is theirs, so it
 * is read field by field instead of bound to a class: {@code metadata} may be {@code 0},
 * {@code ""}, {@code null} or an object, a refund's {@code amount} is a string, and each
 * kind of event names our reference in a different place.
 *
 * @param event the webhook's {@code event}, e.g. {@code charge.success}
 * @param paystackId Paystack's numeric id of the transaction, refund, dispute or transfer
 * ({@code data.id}), 0 when absent
 * @param reference our reference the event is about: the deposit's payment reference
 * (charges, refunds, disputes) or the withdrawal's reference (transfers)
 * @param status the outcome as Paystack names it ({@code data.status})
 * @param amountMinor the amount, in kobo: paid, refunded, disputed or sent
 * @param currency ISO 4217 code
 * @param subjectId what makes the event one of several about the same reference: the
 * refund's or dispute's id, or the transfer code; null for charges
 * @param resolution a resolved dispute's {@code data.resolution}, else null
 */
public record PaystackEvent(String event, long paystackId, String reference, String status, long amountMinor,
        String currency, @Nullable String subjectId, @Nullable String resolution) {

    public static final String CHARGE_SUCCESS = "charge.success";

    /**
     * Not Paystack's: the event of a record webhook-ingest publishes after it asked
     * Paystack's Verify Transaction itself; {@code data} is Verify's answer. Only valid
     * with the reconciliation signature.
     */
    public static final String TRANSACTION_VERIFIED = "transaction.verified";

    public static final String REFUND_PROCESSED = "refund.processed";

    public static final String DISPUTE_CREATE = "charge.dispute.create";

    public static final String DISPUTE_RESOLVE = "charge.dispute.resolve";

    public static final String TRANSFER_SUCCESS = "transfer.success";

    public static final String TRANSFER_FAILED = "transfer.failed";

    public static final String TRANSFER_REVERSED = "transfer.reversed";

    /**
     * Not Paystack's: webhook-ingest asked Verify Transfer about a withdrawal whose
     * webhook never came; {@code data} is Verify's answer. Only valid with the
     * reconciliation signature.
     */
    public static final String TRANSFER_VERIFIED = "transfer.verified";

    /** The events we publish and act on; every other type is acknowledged and ignored. */
    public static final Set<String> ACTED_ON = Set.of(CHARGE_SUCCESS, REFUND_PROCESSED, DISPUTE_CREATE, DISPUTE_RESOLVE,
            TRANSFER_SUCCESS, TRANSFER_FAILED, TRANSFER_REVERSED);

    /**
     * The largest amount any Paystack fact may carry, in kobo: fifteen digits, as the
     * string form of refunds allows (NGN 9,999,999,999,999.99).
     */
    public static final long AMOUNT_MAX = 999_999_999_999_999L;

    /**
     * Not Paystack's: webhook-ingest asked Verify Transaction about a deposit in review
     * that an operator decided to credit (the top-level {@code operator_action}, here the
     * {@code subjectId}), and Paystack confirmed exactly the amount that was decided;
     * {@code data} is Verify's answer. Only valid with the reconciliation signature.
     */
    public static final String OPERATOR_CREDIT = "transaction.operator_credit";

    /** The events only our own verification may claim (reconciliation signature). */
    public static final Set<String> VERIFIED = Set.of(TRANSACTION_VERIFIED, TRANSFER_VERIFIED, OPERATOR_CREDIT);

    /**
     * Reads a webhook body (or one of our verification records).
     * @throws Unreadable when the bytes are not an event of a type we act on, with our
     * reference, an integer amount and a currency; the message says which field is wrong
     */
    public static PaystackEvent fromWebhook(byte[] body) {
        JsonNode root = parse(body);
        String event = text(root, "event");
        JsonNode data = root.path("data");
        if (!data.isObject()) {
            throw new Unreadable("data is not an object");
        }
        if (OPERATOR_CREDIT.equals(event)) {
            return new PaystackEvent(event, data.path("id").isIntegralNumber() ? data.path("id").asLong() : 0,
                    text(data, "reference"), text(data, "status"), integer(data, "amount"), text(data, "currency"),
                    text(root, "operator_action"), null);
        }
        return fromData(event, data);
    }

    /** Reads the {@code data} object of an event or a verify answer. */
    public static PaystackEvent fromData(String event, JsonNode data) {
        long id = data.path("id").isIntegralNumber() ? data.path("id").asLong() : 0;
        return switch (event) {
            case CHARGE_SUCCESS, TRANSACTION_VERIFIED -> new PaystackEvent(event, id, text(data, "reference"),
                    text(data, "status"), integer(data, "amount"), text(data, "currency"), null, null);
            case REFUND_PROCESSED ->
                new PaystackEvent(event, id, text(data, "transaction_reference"), optional(data, "status", "processed"),
                        amount(data, "amount"), text(data, "currency"), subject(data, "id", "refund_reference"), null);
            case DISPUTE_CREATE,
                    DISPUTE_RESOLVE ->
                new PaystackEvent(event, id, text(data.path("transaction"), "reference"), optional(data, "status", ""),
                        amount(data, "refund_amount"), currency(data), subject(data, "id", "id"),
                        nullable(data, "resolution"));
            case TRANSFER_SUCCESS, TRANSFER_FAILED, TRANSFER_REVERSED, TRANSFER_VERIFIED ->
                new PaystackEvent(event, id, text(data, "reference"), text(data, "status"), integer(data, "amount"),
                        text(data, "currency"), nullable(data, "transfer_code"), null);
            default -> throw new Unreadable("event " + event + " is not one we act on");
        };
    }

    /**
     * The event type and our reference of any Paystack event, for routing and keying.
     * @throws NotJson when the body is not a JSON object
     */
    public static Envelope envelope(byte[] body) {
        JsonNode root = parse(body);
        JsonNode event = root.path("event");
        String type = event.isString() ? event.asString() : "";
        JsonNode data = root.path("data");
        JsonNode reference = switch (type) {
            case REFUND_PROCESSED -> data.path("transaction_reference");
            case DISPUTE_CREATE, DISPUTE_RESOLVE -> data.path("transaction").path("reference");
            default -> data.path("reference");
        };
        return new Envelope(type,
                reference.isString() && !reference.asString().isBlank() ? reference.asString() : null);
    }

    /**
     * @param event the event type, empty when absent; @param reference null when absent
     */
    public record Envelope(String event, @Nullable String reference) {

        /** An event type we publish and act on. */
        public boolean actedOn() {
            return ACTED_ON.contains(event);
        }

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
            // holds one, and PostgreSQL text refuses it: such a record could never be
            // looked up or stored.
            throw new Unreadable(field + " contains a NUL character");
        }
        return value.asString();
    }

    private static @Nullable String nullable(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.asString().isBlank() ? text(node, field) : null;
    }

    private static String optional(JsonNode node, String field, String absent) {
        String value = nullable(node, field);
        return value == null ? absent : value;
    }

    /** The refund's or dispute's id: a number or a string, in the first field present. */
    private static String subject(JsonNode data, String field, String fallback) {
        for (String name : new String[] { field, fallback }) {
            JsonNode value = data.path(name);
            if (value.isIntegralNumber()) {
                return value.asString();
            }
            if (value.isString() && !value.asString().isBlank()) {
                return text(data, name);
            }
        }
        throw new Unreadable(
                "data." + field + " is missing: the event cannot be told from another about the same" + " payment");
    }

    /**
     * An amount in kobo: an integer from 0 to {@link #AMOUNT_MAX}. Anything else is
     * permanent (the record goes to the dead-letter topic with this reason): no retry
     * could make it a payment we can post, and no sum of such amounts can overflow.
     */
    private static long integer(JsonNode node, String field) {
        JsonNode amount = node.path(field);
        if (!amount.isIntegralNumber() || !amount.canConvertToLong()) {
            throw new Unreadable("data." + field + " is not an integer amount in kobo");
        }
        long value = amount.asLong();
        if (value < 0) {
            throw new Unreadable("data." + field + " is negative");
        }
        if (value > AMOUNT_MAX) {
            throw new Unreadable("data." + field + " is past the largest amount in kobo (" + AMOUNT_MAX + ")");
        }
        return value;
    }

    /**
     * An amount in kobo as Paystack sends it in refunds and disputes: an integer, or a
     * string of digits.
     */
    private static long amount(JsonNode node, String field) {
        JsonNode amount = node.path(field);
        if (amount.isString() && amount.asString().matches("[0-9]{1,15}")) {
            return Long.parseLong(amount.asString());
        }
        return integer(node, field);
    }

    /** A dispute's currency: its own, or its transaction's. */
    private static String currency(JsonNode data) {
        return nullable(data, "currency") != null ? text(data, "currency") : text(data.path("transaction"), "currency");
    }

    /**
     * A payment Paystack reports successful: by webhook, or as Verify Transaction
     * answered it.
     */
    public boolean isSuccessfulCharge() {
        return (CHARGE_SUCCESS.equals(event) || TRANSACTION_VERIFIED.equals(event)) && "success".equals(status);
    }

    /** A payment Verify Transaction reports reversed: it must never be credited. */
    public boolean isVerifiedReversal() {
        return TRANSACTION_VERIFIED.equals(event) && "reversed".equals(status);
    }

    /**
     * Paystack's confirmation of a deposit in review that an operator decided to credit
     * ({@link #subjectId} names the decision).
     */
    public boolean isOperatorCredit() {
        return OPERATOR_CREDIT.equals(event) && "success".equals(status);
    }

    /** A fact about a deposit: its payment, a refund of it, or a dispute over it. */
    public boolean concernsADeposit() {
        return isSuccessfulCharge() || isVerifiedReversal() || isOperatorCredit() || isRefund() || isDispute();
    }

    /** A fact about a withdrawal: the outcome of its Paystack transfer. */
    public boolean concernsAWithdrawal() {
        return switch (event) {
            case TRANSFER_SUCCESS, TRANSFER_FAILED, TRANSFER_REVERSED, TRANSFER_VERIFIED -> true;
            default -> false;
        };
    }

    /** A fact ledger-worker posts; other events change nothing. */
    public boolean movesMoney() {
        return concernsADeposit() || concernsAWithdrawal();
    }

    /** A refund Paystack processed (partial or whole). */
    public boolean isRefund() {
        return REFUND_PROCESSED.equals(event) && "processed".equals(status);
    }

    public boolean isDispute() {
        return DISPUTE_CREATE.equals(event) || DISPUTE_RESOLVE.equals(event);
    }

    /**
     * A resolved dispute the customer won: Paystack's resolution
     * {@code merchant-accepted} (we accepted the chargeback) or {@code auto-accepted} (we
     * did not answer in time).
     */
    public boolean customerWon() {
        return DISPUTE_RESOLVE.equals(event) && resolution != null
                && (resolution.equals("merchant-accepted") || resolution.equals("auto-accepted"));
    }

    /** A resolved dispute we won: Paystack's resolution {@code declined}. */
    public boolean merchantWon() {
        return DISPUTE_RESOLVE.equals(event) && "declined".equals(resolution);
    }

    /**
     * What this record means, whichever topic position it has: the event about the
     * payment, refund, dispute or transfer.
     */
    public String messageId() {
        return event + ":" + reference + ":" + (subjectId != null ? subjectId : Long.toString(paystackId));
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
