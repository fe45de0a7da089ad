package dev.walletpipeline.contracts;

import org.jspecify.annotations.Nullable;

/**
 * Who is calling, by address, behind our own proxy: the one trust rule for
 * webhook-ingest's allow-list and api-service's rate limits. When a trusted proxy header
 * is configured (for example {@code X-Forwarded-For}), the client is its last entry, the
 * one our proxy appended; entries before it are whatever the caller claimed. Without the
 * setting the socket's address is the client.
 */
public final class ClientAddresses {

    private ClientAddresses() {
    }

    /**
     * @param remoteAddress the socket's peer (our proxy, when there is one)
     * @param trustedHeaderValue the trusted header's value, or null when none is
     * configured or sent
     */
    public static String resolve(String remoteAddress, @Nullable String trustedHeaderValue) {
        if (trustedHeaderValue == null || trustedHeaderValue.isBlank()) {
            return remoteAddress;
        }
        String[] hops = trustedHeaderValue.split(",");
        String last = hops[hops.length - 1].trim();
        return last.isEmpty() ? remoteAddress : last;
    }

}
