package dev.walletpipeline.contracts.states;

/** A webhook delivery's status ({@code webhook_deliveries.status}). */
public enum DeliveryStatus {

    /** Waiting for its first or next attempt, or for the one before it in its queue. */
    PENDING,
    /** The endpoint answered 2xx. */
    DELIVERED,
    /** Every attempt of the retry schedule failed; a resend makes it pending again. */
    FAILED;

    public String wire() {
        return Wire.of(this);
    }

    public static DeliveryStatus of(String wire) {
        return Wire.parse(DeliveryStatus.class, wire);
    }

}
