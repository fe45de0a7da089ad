package dev.walletpipeline.contracts.proof;

/**
 * The Kafka headers that carry a money-moving record's proof to ledger-worker. Writing to
 * Kafka proves nothing: ledger-worker posts a Paystack fact only when one of these
 * verifies over the record's exact bytes.
 */
public final class Proof {

    /**
     * Paystack's own {@code x-paystack-signature}, forwarded by webhook-ingest with the
     * raw body it signs. Verified with the Paystack secret key.
     */
    public static final String PAYSTACK_SIGNATURE = "x-paystack-signature";

    /**
     * The signature of a fact webhook-ingest verified itself with Paystack (Verify
     * Transaction), keyed with the reconciliation key that only webhook-ingest and
     * ledger-worker hold.
     */
    public static final String RECONCILIATION_SIGNATURE = "x-wallet-reconciliation-signature";

    private Proof() {
    }

}
