package dev.walletpipeline.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * The command on {@code wallet.transfer-commands}, keyed by the wallet: take
 * {@code amount} out of it into payouts in flight, for a Paystack transfer to a bank
 * account. Written by api-service into its outbox in the same transaction as the
 * withdrawal row; applied at most once by ledger-worker, whatever is redelivered.
 *
 * @param withdrawalId the withdrawal, and the command's identity for deduplication
 * @param walletId the wallet debited
 * @param amount minor units, positive
 * @param currency ISO 4217
 * @param requestedAt when the API accepted it
 */
public record WithdrawalRequested(int version, UUID withdrawalId, UUID walletId, long amount, String currency,
        Instant requestedAt) {

    public static final int VERSION = 1;

    public static final String TYPE = "WithdrawalRequested";

    public WithdrawalRequested {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
    }

    public String toJson() {
        return Json.MAPPER.writeValueAsString(this);
    }

    /**
     * @throws IllegalArgumentException or a Jackson exception when the bytes are not such
     * a command
     */
    public static WithdrawalRequested fromJson(byte[] json) {
        return Json.MAPPER.readValue(json, WithdrawalRequested.class);
    }
}
