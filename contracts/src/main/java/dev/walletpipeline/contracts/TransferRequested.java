package dev.walletpipeline.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * The command on {@code wallet.transfer-commands}, keyed by the source wallet id: move
 * {@code amount} from one wallet to another. Written by api-service into its outbox in
 * the same transaction as the transfer row; applied at most once by ledger-worker,
 * whatever Debezium redelivers.
 *
 * @param transferId the transfer, and the command's identity for deduplication
 * @param fromWalletId the wallet debited
 * @param toWalletId the wallet credited
 * @param amount minor units, positive
 * @param currency ISO 4217
 * @param requestedAt when the API accepted it
 */
public record TransferRequested(int version, UUID transferId, UUID fromWalletId, UUID toWalletId, long amount,
        String currency, Instant requestedAt) {

    public static final int VERSION = 1;

    public static final String TYPE = "TransferRequested";

    public TransferRequested {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        if (fromWalletId.equals(toWalletId)) {
            throw new IllegalArgumentException("a transfer needs two different wallets");
        }
    }

    public String toJson() {
        return Json.MAPPER.writeValueAsString(this);
    }

    /**
     * @throws IllegalArgumentException or a Jackson exception when the bytes are not such
     * a command
     */
    public static TransferRequested fromJson(byte[] json) {
        return Json.MAPPER.readValue(json, TransferRequested.class);
    }
}
