package dev.walletpipeline.localstack;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * For tests: Paystack's webhook bodies, in its wire format, as webhook-ingest publishes
 * them.
 */
public final class PaystackBodies {

    private PaystackBodies() {
    }

    /**
     * Paystack's {@code transfer.success}, {@code transfer.failed} or
     * {@code transfer.reversed} about a withdrawal.
     */
    public static byte[] transferEvent(String event, UUID withdrawal, long amount) {
        String status = event.substring("transfer.".length());
        return ("""
                {"event":"%s","data":{"amount":%d,"currency":"NGN","domain":"test","failures":null,"id":37272792,\
                "reason":"Wallet withdrawal","reference":"%s","source":"balance","status":"%s",\
                "transfer_code":"TRF_test","recipient":{"recipient_code":"RCP_test"}}}""".formatted(event, amount,
                withdrawal, status))
            .getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] chargeSuccess(String reference, long amount, String currency) {
        return ("""
                {"event":"charge.success","data":{"id":%d,"domain":"test","status":"success","reference":"%s",\
                "amount":%d,"currency":"%s","paid_at":"2026-11-25T09:15:02.000Z","channel":"card","metadata":0,\
                "customer":{"id":1,"email":"ada@example.com"},"authorization":{"authorization_code":"AUTH_x"}}}"""
            .formatted(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE), reference, amount, currency))
            .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Paystack's {@code refund.processed} for (part of) a payment: the amount is a
     * string, as Paystack sends it.
     */
    public static byte[] refundProcessed(String reference, long refundId, long amount) {
        return ("""
                {"event":"refund.processed","data":{"status":"processed","transaction_reference":"%s",\
                "refund_reference":null,"amount":"%d","currency":"NGN","processor":"mpgs_zen",\
                "customer":{"email":"ada@example.com"},"integration":100032,"domain":"test","id":%d}}"""
            .formatted(reference, amount, refundId)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Paystack's {@code charge.dispute.create} ({@code resolution} null) or
     * {@code charge.dispute.resolve} about a payment.
     */
    public static byte[] dispute(String reference, long disputeId, long amount, @Nullable String resolution) {
        return ("""
                {"event":"charge.dispute.%s","data":{"id":%d,"refund_amount":%d,"currency":"NGN","status":"%s",\
                "resolution":%s,"domain":"test","category":"chargeback","transaction":{"id":4099260516,\
                "reference":"%s","amount":%d,"currency":"NGN","status":"success"},"customer":{"email":"ada@example.com"}}}"""
            .formatted(resolution == null ? "create" : "resolve", disputeId, amount,
                    resolution == null ? "awaiting-merchant-feedback" : "resolved",
                    resolution == null ? "null" : "\"" + resolution + "\"", reference, amount))
            .getBytes(StandardCharsets.UTF_8);
    }

}
