package dev.walletpipeline.api.ratelimit;

import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.contracts.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The calling client's address, for limits on callers who are not signed in: behind our
 * load balancer the socket's address is the balancer's, so the client is read from the
 * trusted proxy header ({@code TRUSTED_PROXY_HEADER}), with webhook-ingest's rule (its
 * last entry).
 */
@Component
public class ClientAddress {

    private final @Nullable String trustedProxyHeader;

    ClientAddress(ApiSettings settings) {
        String header = settings.rateLimits().trustedProxyHeader();
        this.trustedProxyHeader = header == null || header.isBlank() ? null : header;
    }

    public String of(HttpServletRequest request) {
        return ClientAddresses.resolve(request.getRemoteAddr(),
                trustedProxyHeader == null ? null : request.getHeader(trustedProxyHeader));
    }

}
