package dev.walletpipeline.api.caller;

import dev.walletpipeline.api.problem.Problems;
import dev.walletpipeline.api.problem.WalletProblem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Resolves the request's credentials into a {@link Caller}. A request carrying both a
 * bearer token and an API key acts as the token's person, but only if the key is valid
 * too: a broken credential is refused even when the other one is fine. A request with
 * none stays anonymous and is refused by the security rules where an endpoint needs a
 * caller.
 */
final class CallerFilter extends OncePerRequestFilter {

    static final String API_KEY_HEADER = "x-api-key";

    private final CredentialCheck.BearerTokens bearerTokens;

    private final CredentialCheck.ApiKeys apiKeys;

    CallerFilter(CredentialCheck.BearerTokens bearerTokens, CredentialCheck.ApiKeys apiKeys) {
        this.bearerTokens = bearerTokens;
        this.apiKeys = apiKeys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        String apiKey = request.getHeader(API_KEY_HEADER);
        try {
            Caller byToken = null;
            if (authorization != null) {
                if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
                    throw new CredentialCheck.Refused("token_invalid", "Authorization must be 'Bearer <token>'");
                }
                byToken = bearerTokens.verify(authorization.substring(7).trim());
            }
            Caller byKey = apiKey == null ? null : apiKeys.verify(apiKey.trim());
            Caller caller = byToken != null ? byToken : byKey;
            if (caller != null) {
                SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller));
            }
        }
        catch (WalletProblem refused) {
            SecurityContextHolder.clearContext();
            Problems.write(response, refused);
            return;
        }
        try {
            chain.doFilter(request, response);
        }
        finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** The authenticated caller, as Spring Security's principal. */
    static final class CallerAuthentication extends AbstractAuthenticationToken {

        private final Caller caller;

        CallerAuthentication(Caller caller) {
            super(List.of());
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Caller getPrincipal() {
            return caller;
        }

    }

}
