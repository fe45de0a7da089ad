package dev.walletpipeline.contracts.states;

/** A deposit's status ({@code deposits.status}). */
public enum DepositStatus {

    /** Opened with Paystack; not paid yet (as far as we know). */
    PENDING,
    /** Paid and credited. */
    SUCCESS,
    /** Paystack says the payment failed. */
    FAILED,
    /** Paystack says the customer left the payment. */
    ABANDONED,
    /** Paid, but not as opened (amount or currency): set aside for a person. */
    REVIEW,
    /** Paystack reversed the payment before it was credited. */
    REVERSED,
    /**
     * Was in review, and an operator rejected it: never credited, whatever Paystack says
     * later.
     */
    REJECTED;

    public String wire() {
        return Wire.of(this);
    }

    public static DepositStatus of(String wire) {
        return Wire.parse(DepositStatus.class, wire);
    }

    /**
     * Whether the money of this deposit was credited or set aside (and so never again).
     */
    public boolean charged() {
        return this == SUCCESS || this == REVIEW || this == REJECTED;
    }

    /**
     * A payment's outcome is decided once: credited, set aside or reversed, from any
     * state that is not one of those (a late {@code charge.success} after the
     * reconciliation found it failed or abandoned still credits). Failed and abandoned
     * come from Paystack's Verify, for a deposit still pending. A deposit in review ends
     * by an operator's decision: credited (with the amount Paystack confirms) or
     * rejected.
     */
    public DepositStatus to(DepositStatus next) {
        boolean allowed = switch (next) {
            case SUCCESS -> !charged() && this != REVERSED || this == REVIEW;
            case REVIEW, REVERSED -> !charged() && this != REVERSED;
            case FAILED, ABANDONED -> this == PENDING;
            case REJECTED -> this == REVIEW;
            case PENDING -> false;
        };
        if (!allowed) {
            throw Wire.refused(this, next);
        }
        return next;
    }

}
