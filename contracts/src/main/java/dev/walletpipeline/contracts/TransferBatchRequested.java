package dev.walletpipeline.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * The command on {@code wallet.transfer-commands} for a bulk transfer, keyed by the
 * sending wallet: apply the batch's transfers, each a row of {@code transfers} naming the
 * batch. Written by api-service into its outbox in the same transaction as the batch and
 * its transfer rows; ledger-worker reads the items from those rows, so the command is the
 * same size for one item or a hundred. An atomic batch is decided whole: every item
 * debited, or every item rejected.
 *
 * @param batchId the batch, and the command's identity for deduplication
 * @param fromWalletId the wallet every item debits
 * @param requestedAt when the API accepted it
 */
public record TransferBatchRequested(int version, UUID batchId, UUID fromWalletId, Instant requestedAt) {

    public static final int VERSION = 1;

    public static final String TYPE = "TransferBatchRequested";

    public String toJson() {
        return Json.MAPPER.writeValueAsString(this);
    }

    /**
     * @throws IllegalArgumentException or a Jackson exception when the bytes are not such
     * a command
     */
    public static TransferBatchRequested fromJson(byte[] json) {
        return Json.MAPPER.readValue(json, TransferBatchRequested.class);
    }

}
