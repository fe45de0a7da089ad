package dev.walletpipeline.contracts;

/**
 * What a record on {@code wallet.transfer-commands} asks of the wallet it is keyed by,
 * named by its {@code event_type} header. The topic is each wallet's command log: every
 * record that writes a wallet is keyed by that wallet, so the one consumer that owns the
 * wallet's partition is its only writer.
 */
public final class WalletCommand {

    /**
     * The header naming the kind; a record without it is a {@link #TRANSFER_REQUESTED}.
     */
    public static final String HEADER = "event_type";

    /**
     * The debit leg: api-service's outbox, keyed by the sender. Body:
     * {@link TransferRequested}.
     */
    public static final String TRANSFER_REQUESTED = TransferRequested.TYPE;

    /**
     * A bulk transfer's debit legs, all at once: api-service's outbox, keyed by the
     * sender. Body: {@link TransferBatchRequested}.
     */
    public static final String TRANSFER_BATCH_REQUESTED = TransferBatchRequested.TYPE;

    /**
     * The credit leg: ledger-worker, once the sender was debited, keyed by the recipient.
     * Body: the same {@link TransferRequested}.
     */
    public static final String TRANSFER_IN_TRANSIT = "TransferInTransit";

    /**
     * A withdrawal: api-service's outbox, keyed by the wallet. Body:
     * {@link WithdrawalRequested}.
     */
    public static final String WITHDRAWAL_REQUESTED = WithdrawalRequested.TYPE;

    /**
     * A Paystack fact about a deposit or a withdrawal of the wallet: ledger-worker routes
     * it from {@code paystack.events} (partitioned by reference) to the wallet's
     * partition, with the exact bytes and proof headers it arrived with. Body: Paystack's
     * JSON.
     */
    public static final String PAYSTACK_EVENT = "PaystackEvent";

    private WalletCommand() {
    }

}
