package dev.walletpipeline.contracts.states;

/** A transfer's status ({@code transfers.status}). */
public enum TransferStatus {

    /** Accepted by the API; not yet posted or refused by ledger-worker. */
    PENDING,
    /** Both legs posted. */
    COMPLETED,
    /** Refused by ledger-worker, with a reason; nothing moved. */
    REJECTED;

    public String wire() {
        return Wire.of(this);
    }

    public static TransferStatus of(String wire) {
        return Wire.parse(TransferStatus.class, wire);
    }

    /** A transfer ends once: pending to completed or rejected, nothing after. */
    public TransferStatus to(TransferStatus next) {
        if (this != PENDING || next == PENDING) {
            throw Wire.refused(this, next);
        }
        return next;
    }

}
