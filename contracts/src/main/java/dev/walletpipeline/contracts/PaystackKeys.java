package dev.walletpipeline.contracts;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * The start-up rule for Paystack's secret key, the same in every service that holds it. A
 * key that is missing stops the service; so does a test key ({@code sk_test_...}) next to
 * Paystack's real API, where anyone who knows the test key (the local one is in the
 * README) could sign a {@code charge.success} for their own deposit. The local run and
 * the tests select the local key and the local stand-in explicitly; nothing falls back to
 * them.
 */
public final class PaystackKeys {

    private static final String REAL_PAYSTACK_HOST = "api.paystack.co";

    private PaystackKeys() {
    }

    /**
     * @param secretKey {@code PAYSTACK_SECRET_KEY}
     * @param baseUrl {@code PAYSTACK_BASE_URL}, or null for a service that never calls
     * Paystack
     * @throws IllegalArgumentException naming the variable, when the key must not be used
     */
    public static void requireUsable(String secretKey, @Nullable String baseUrl) {
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("PAYSTACK_SECRET_KEY is not set: set it to the Paystack secret key"
                    + " (the local run and the tests set their own)");
        }
        if (baseUrl != null && secretKey.startsWith("sk_test_")
                && REAL_PAYSTACK_HOST.equalsIgnoreCase(URI.create(baseUrl).getHost())) {
            throw new IllegalArgumentException("PAYSTACK_SECRET_KEY is a test key (sk_test_...) but PAYSTACK_BASE_URL"
                    + " is Paystack's real API: set the live key, or point PAYSTACK_BASE_URL at a stand-in");
        }
    }

}
