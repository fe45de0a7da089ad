package dev.walletpipeline.api.money;

import dev.walletpipeline.api.problem.WalletProblem;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code amount} from a request body: a JSON integer of kobo, never a string or a
 * fraction.
 */
public final class Amounts {

    /** The least a deposit or a transfer moves: 1 naira. */
    public static final long AMOUNT_KOBO_MIN = 100;

    /** The most a deposit or a transfer moves: 1 million naira. */
    public static final long AMOUNT_KOBO_MAX = 100_000_000;

    private Amounts() {
    }

    public static long from(JsonNode body) {
        long value = positive(body);
        if (value < AMOUNT_KOBO_MIN || value > AMOUNT_KOBO_MAX) {
            throw WalletProblem.invalid("amount",
                    "amount must be between " + AMOUNT_KOBO_MIN + " and " + AMOUNT_KOBO_MAX + " kobo");
        }
        return value;
    }

    /**
     * Any positive number of kobo, for requests whose limits are settings of their own
     * (withdrawals).
     */
    public static long positive(JsonNode body) {
        JsonNode amount = body.path("amount");
        if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.asLong() <= 0) {
            throw WalletProblem.invalid("amount", "amount must be a positive integer number of kobo");
        }
        return amount.asLong();
    }

}
