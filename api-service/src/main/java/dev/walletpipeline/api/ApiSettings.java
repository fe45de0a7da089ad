package dev.walletpipeline.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of api-service, under {@code wallet.api}.
 *
 * @param publicBaseUrl where clients reach this service; Google redirects back to it
 * @param bootstrapServers the brokers wallet commands are streamed to
 * @param healthTimeout how long the readiness check waits for the broker
 * @param google the OpenID Connect provider people sign in with
 * @param tokens our own access and refresh tokens
 * @param rateLimits how often sign-in and key creation may be called
 */
@ConfigurationProperties("wallet.api")
public record ApiSettings(String publicBaseUrl, String bootstrapServers, Duration healthTimeout, Google google,
        Tokens tokens, RateLimits rateLimits) {

    /**
     * @param issuer the provider's issuer; its discovery document names the endpoints
     * @param clientId this service's client id at the provider
     * @param clientSecret this service's client secret at the provider
     * @param attemptTtl how long a sign-in attempt (state, nonce, PKCE verifier) stays
     * usable
     */
    public record Google(String issuer, String clientId, String clientSecret, Duration attemptTtl) {
    }

    /**
     * @param issuer the {@code iss} of our access tokens
     * @param audience the {@code aud} of our access tokens
     * @param accessTokenTtl lifetime of an access token
     * @param refreshTokenTtl lifetime of a sign-in's refresh tokens, counted from the
     * sign-in: rotating a refresh token never extends it
     * @param signingKey the private EC P-256 key that signs access tokens, as a JWK
     * (JSON); {@code JWT_SIGNING_KEY}, required, and shared by every instance
     * @param previousSigningKeys keys that signed tokens before a rotation, as a JWK or a
     * JWK set ({@code JWT_PREVIOUS_SIGNING_KEYS}): still accepted and published, never
     * used to sign
     */
    public record Tokens(String issuer, String audience, Duration accessTokenTtl, Duration refreshTokenTtl,
            String signingKey, @Nullable String previousSigningKeys) {

        public Tokens {
            if (signingKey == null || signingKey.isBlank()) {
                throw new IllegalArgumentException("JWT_SIGNING_KEY is not set: every api-service instance must sign"
                        + " with the same private EC P-256 JWK, or tokens fail at random behind a load balancer"
                        + " (the local run and the tests set their own)");
            }
        }
    }

    /**
     * Limits per instance: each api-service instance counts on its own, so N instances
     * allow up to N times each limit (see the README).
     *
     * @param signInPerAddressPerMinute sign-in calls per client address per minute
     * @param keyCreationPerUserPerMinute key creations per user per minute
     * @param keyCreationPerAddressPerMinute key creations per client address per minute
     * @param moneyPerCallerPerMinute deposits and transfers started per caller (API key,
     * or person) per minute
     * @param trustedProxyHeader where our load balancer puts the client's address (for
     * example {@code X-Forwarded-For}); unset, the socket's address is the client's. Set
     * it only behind a proxy that appends to it, or any caller can claim any address
     */
    public record RateLimits(int signInPerAddressPerMinute, int keyCreationPerUserPerMinute,
            int keyCreationPerAddressPerMinute, int moneyPerCallerPerMinute, @Nullable String trustedProxyHeader) {
    }
}
