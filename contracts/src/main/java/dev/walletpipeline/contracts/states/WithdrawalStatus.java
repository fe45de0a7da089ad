package dev.walletpipeline.contracts.states;

/** A withdrawal's status ({@code withdrawals.status}). */
public enum WithdrawalStatus {

    /** Accepted by the API; the wallet is not debited yet. */
    PENDING,
    /** Debited into payouts in flight; with Paystack. */
    PROCESSING,
    /** Paystack paid it out. */
    COMPLETED,
    /** Refused before the debit, or failed at Paystack (the money came back). */
    FAILED,
    /** Paystack reversed it (the money came back). */
    REVERSED;

    public String wire() {
        return Wire.of(this);
    }

    public static WithdrawalStatus of(String wire) {
        return Wire.parse(WithdrawalStatus.class, wire);
    }

    /** Whether nothing more happens to it. */
    public boolean ended() {
        return this == FAILED || this == REVERSED;
    }

    /**
     * Pending to processing (debited) or failed (refused); processing to completed,
     * failed or reversed; completed to reversed (Paystack may reverse a payout after
     * paying it). Failed and reversed are final.
     */
    public WithdrawalStatus to(WithdrawalStatus next) {
        boolean allowed = switch (this) {
            case PENDING -> next == PROCESSING || next == FAILED;
            case PROCESSING -> next == COMPLETED || next == FAILED || next == REVERSED;
            case COMPLETED -> next == REVERSED;
            case FAILED, REVERSED -> false;
        };
        if (!allowed) {
            throw Wire.refused(this, next);
        }
        return next;
    }

}
