package dev.walletpipeline.api.money;

/**
 * The limits of an amount in kobo that deposits and transfers share. A request's amount
 * is a JSON integer, never a string or a fraction (the JSON reader coerces nothing).
 */
public final class Amounts {

    /** The least a deposit or a transfer moves: 1 naira. */
    public static final long AMOUNT_KOBO_MIN = 100;

    /** The most a deposit or a transfer moves: 1 million naira. */
    public static final long AMOUNT_KOBO_MAX = 100_000_000;

    private Amounts() {
    }

}
