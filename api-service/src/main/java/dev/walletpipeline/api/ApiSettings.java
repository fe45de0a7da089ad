package dev.walletpipeline.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of api-service, under {@code wallet.api}.
 *
 * @param publicBaseUrl where clients reach this service; Google redirects back to it
 * @param bootstrapServers the brokers the transfer outbox is streamed to
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
     * @param attemptTtl how long a sign-in attempt (state, nonce, PKCE verifier) stays usable
     */
    public record Google(String issuer, String clientId, String clientSecret, Duration attemptTtl) {
    }

    /**
     * @param issuer the {@code iss} of our access tokens
     * @param audience the {@code aud} of our access tokens
     * @param accessTokenTtl lifetime of an access token
     * @param refreshTokenTtl lifetime of a refresh token
     * @param signingKey the private EC P-256 key that signs access tokens, as a JWK (JSON); every
     *        instance must share it. Unset, a key is generated at start (tokens then die with the process).
     */
    public record Tokens(String issuer, String audience, Duration accessTokenTtl, Duration refreshTokenTtl,
            @Nullable String signingKey) {
    }

    /**
     * @param signInPerAddressPerMinute sign-in calls per client address per minute
     * @param keyCreationPerUserPerMinute key creations per user per minute
     * @param keyCreationPerAddressPerMinute key creations per client address per minute
     */
    public record RateLimits(int signInPerAddressPerMinute, int keyCreationPerUserPerMinute,
            int keyCreationPerAddressPerMinute) {
    }
}
