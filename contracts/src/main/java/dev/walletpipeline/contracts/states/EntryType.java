package dev.walletpipeline.contracts.states;

/**
 * What a ledger entry records ({@code ledger_entries.entry_type}). A posting pairs a
 * customer's entry with a system account's: deposit with deposit_clearing, transfer_out
 * with in_transit or transfer_in, refund with refund_clearing, and so on.
 */
public enum EntryType {

    DEPOSIT, DEPOSIT_CLEARING, TRANSFER_IN, TRANSFER_OUT, IN_TRANSIT, REFUND, REFUND_CLEARING, CHARGEBACK_HOLD,
    DISPUTE_HELD, CHARGEBACK_RELEASED, CHARGEBACK_CLEARING, WITHDRAWAL, PAYOUT_IN_FLIGHT, WITHDRAWAL_RETURNED,
    PAYOUT_CLEARING;

    public String wire() {
        return Wire.of(this);
    }

    public static EntryType of(String wire) {
        return Wire.parse(EntryType.class, wire);
    }

    /**
     * The entries that may take a customer's balance below zero: money taken back after
     * it was spent (the database's {@code below_zero_only_by_refund_or_chargeback} says
     * the same).
     */
    public boolean mayFollowSpentMoney() {
        return this == REFUND || this == CHARGEBACK_HOLD;
    }

}
