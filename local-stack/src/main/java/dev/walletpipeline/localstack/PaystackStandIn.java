package dev.walletpipeline.localstack;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Paystack, as far as this product meets it, in Paystack's wire format: the money-in APIs
 * ({@link PaystackPayments}: Initialize and Verify Transaction, the checkout page, Create
 * Refund, Resolve Dispute), the money-out APIs ({@link PaystackPayouts}: Resolve Account
 * Number, Create Transfer Recipient, Initiate and Verify Transfer), and, for each, its
 * webhook, signed and retried on Paystack's schedule ({@link PaystackWebhooks}). The
 * public methods are the test controls: what a customer, a bank or Paystack itself does.
 */
public final class PaystackStandIn extends HttpStandIn {

    /**
     * The banks this stand-in resolves accounts at (Paystack's codes). An account number
     * starting with 000 never resolves; one ending in 0001 is paid out and then fails
     * ({@code transfer.failed}), one ending in 0002 is paid out and then reversed
     * ({@code transfer.success}, then {@code transfer.reversed}); any other succeeds.
     */
    public static final Map<String, String> BANKS = Map.of("058", "Guaranty Trust Bank", "044", "Access Bank", "011",
            "First Bank of Nigeria", "033", "United Bank For Africa", "057", "Zenith Bank");

    private final PaystackWebhooks webhooks;

    private final PaystackPayments payments;

    private final PaystackPayouts payouts;

    private final AtomicInteger verifications = new AtomicInteger();

    private PaystackStandIn(Exposure exposure, String secretKey, Duration retryUnit) {
        super(exposure);
        PaystackWire wire = new PaystackWire(secretKey);
        AtomicLong ids = new AtomicLong(4_099_260_000L);
        this.webhooks = new PaystackWebhooks(secretKey, retryUnit);
        this.payments = new PaystackPayments(wire, webhooks, ids, verifications, this::publicUrl);
        this.payouts = new PaystackPayouts(wire, webhooks, ids, verifications);
        route("/transaction/initialize", payments::initialize);
        route("/transaction/verify/", payments::verify);
        route("/checkout/", payments::checkout);
        route("/refund", payments::refundCall);
        route("/dispute/", payments::resolveDisputeCall);
        route("/stand-in/disputes", payments::openDisputeCall);
        route("/bank/resolve", payouts::resolveAccount);
        route("/transferrecipient", payouts::createRecipient);
        route("/transfer", payouts::transfer);
        route("/transfer/verify/", payouts::verifyTransfer);
        route("/stand-in/transfers/", payouts::decideCall);
    }

    /**
     * @param retryUnit Paystack's 3 minutes between webhook retries; tests pass
     * milliseconds
     */
    public static PaystackStandIn start(int port, String secretKey, Duration retryUnit) {
        return start(Exposure.local(port), secretKey, retryUnit);
    }

    static PaystackStandIn start(Exposure exposure, String secretKey, Duration retryUnit) {
        PaystackStandIn server = new PaystackStandIn(exposure, secretKey, retryUnit);
        server.serve();
        return server;
    }

    /** Where webhooks go (webhook-ingest's endpoint); none are sent until it is set. */
    public void webhookUrl(String url) {
        webhooks.url(url);
    }

    /**
     * Marks the payment made without sending its webhook: the webhook that never arrives.
     */
    public void payWithoutWebhook(String reference) {
        payments.payWithoutWebhook(reference);
    }

    /**
     * Paid, then reversed by Paystack (a bank's reversal), without a webhook: Verify
     * Transaction answers {@code reversed} from now on.
     */
    public void reverseWithoutWebhook(String reference) {
        payments.reverseWithoutWebhook(reference);
    }

    /**
     * Paid another amount or currency than opened, without a webhook: what Verify
     * Transaction answers from now on.
     */
    public void paidOtherwiseWithoutWebhook(String reference, long amount, String currency) {
        payments.paidOtherwiseWithoutWebhook(reference, amount, currency);
    }

    /** Pays as the checkout page's Pay button does, webhook and retries included. */
    public void pay(String reference) {
        payments.pay(reference);
    }

    /**
     * Refunds a successful payment as Paystack's Create Refund does: {@code amount} in
     * kobo, or the whole rest when null; then sends {@code refund.processed}, whose
     * amount is a string, as Paystack's is.
     * @return the refund's id
     */
    public long refund(String reference, @Nullable Long amount) {
        return payments.refund(reference, amount);
    }

    /**
     * A customer's bank disputes a payment (Paystack has no API for this: it starts at
     * the customer's bank); sends {@code charge.dispute.create}.
     * @return the dispute's id
     */
    public long openDispute(String reference, long amount) {
        return payments.openDispute(reference, amount);
    }

    /**
     * Resolves a dispute as Paystack's Resolve Dispute does ({@code merchant-accepted}:
     * the customer gets the money; {@code declined}: we keep it); sends
     * {@code charge.dispute.resolve}.
     */
    public void resolveDispute(long id, String resolution) {
        payments.resolveDispute(id, resolution);
    }

    /**
     * Whether Paystack's transfer webhooks are sent; off, transfers still succeed, fail
     * or reverse, and only Verify Transfer tells (the webhook that never comes).
     */
    public void transferWebhooks(boolean send) {
        payouts.webhooks(send);
    }

    /** Fails a transfer not yet final, with {@code transfer.failed}. */
    public void failTransfer(String reference) {
        payouts.fail(reference);
    }

    /** Reverses a transfer, also one paid out, with {@code transfer.reversed}. */
    public void reverseTransfer(String reference) {
        payouts.reverse(reference);
    }

    /** Paystack's status of a transfer, or null when it has none with this reference. */
    public @Nullable String transferStatus(String reference) {
        return payouts.status(reference);
    }

    /** How many webhook deliveries were attempted, retries included. */
    public int webhookDeliveries() {
        return webhooks.deliveries();
    }

    /**
     * How many Verify Transaction and Verify Transfer calls this stand-in has answered.
     */
    public int verifications() {
        return verifications.get();
    }

    @Override
    public void close() {
        webhooks.close();
        super.close();
    }

}
