package dev.walletpipeline.contracts.states;

/** What a row of {@code wallets} is ({@code wallets.kind}). */
public enum AccountKind {

    /** A person's wallet: never below zero but by a refund or a chargeback. */
    CUSTOMER,
    /**
     * The money Paystack holds for us: the other side of deposits, refunds, chargebacks.
     */
    PAYSTACK_CLEARING,
    /** Transfers debited from their sender and not yet credited (one per partition). */
    TRANSFERS_IN_TRANSIT,
    /** Money held while a dispute is open. */
    DISPUTES_HELD,
    /** Withdrawals debited and not yet paid out or returned. */
    PAYOUTS_IN_FLIGHT;

    public String wire() {
        return Wire.of(this);
    }

    public static AccountKind of(String wire) {
        return Wire.parse(AccountKind.class, wire);
    }

}
