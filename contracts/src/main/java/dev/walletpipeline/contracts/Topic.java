package dev.walletpipeline.contracts;

/**
 * A Kafka topic of the pipeline and the policy it is created with.
 *
 * @param name the topic name
 * @param compacted {@code cleanup.policy=compact} when true, {@code delete} otherwise
 * @param retentionMs {@code retention.ms}; -1 keeps records forever
 */
public record Topic(String name, boolean compacted, long retentionMs) {

    /**
     * Verified Paystack webhook bodies, key = payment reference. Compacted: the latest
     * event per reference is what matters.
     */
    public static final Topic PAYSTACK_EVENTS = new Topic("paystack.events", true, -1);

    /**
     * Each wallet's command log, key = the wallet the command writes: transfer requests
     * from the api-service outbox (key = sender), the credit legs of debited transfers
     * and the Paystack facts routed to their deposit's wallet (both from ledger-worker).
     * See {@link WalletCommand}.
     */
    public static final Topic TRANSFER_COMMANDS = new Topic("wallet.transfer-commands", false, -1);

    /** The public ledger events, key = wallet id. */
    public static final Topic LEDGER_EVENTS = new Topic("wallet.ledger-events", false, -1);

    /** Paystack events that could not be read at all, with the original bytes. */
    public static final Topic PAYSTACK_EVENTS_DLT = new Topic("paystack.events.dlt", false, 30L * 24 * 3600 * 1000);

    /** Transfer commands that could not be read at all, with the original bytes. */
    public static final Topic TRANSFER_COMMANDS_DLT = new Topic("wallet.transfer-commands.dlt", false,
            30L * 24 * 3600 * 1000);

    public static final java.util.List<Topic> ALL = java.util.List.of(PAYSTACK_EVENTS, TRANSFER_COMMANDS, LEDGER_EVENTS,
            PAYSTACK_EVENTS_DLT, TRANSFER_COMMANDS_DLT);

    public Topic {
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name is blank");
        }
    }

    public String cleanupPolicy() {
        return compacted ? "compact" : "delete";
    }
}
