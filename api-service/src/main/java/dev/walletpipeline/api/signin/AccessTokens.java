package dev.walletpipeline.api.signin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.CredentialCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/**
 * Our access tokens: ES256 JWTs with a key id, issued here and checked here with Spring Security's
 * resource-server decoder; only ES256 is accepted, so {@code alg: none} and keys of other types
 * never verify. The public half is served as a JWKS.
 */
@Component
class AccessTokens implements CredentialCheck.BearerTokens {

    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);

    private final ECKey key;
    private final JwtEncoder encoder;
    private final JwtDecoder decoder;
    private final ApiSettings.Tokens settings;
    private final Clock clock = Clock.systemUTC();

    AccessTokens(ApiSettings settings) throws JOSEException {
        this.settings = settings.tokens();
        this.key = signingKey(this.settings.signingKey());
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<SecurityContext>(new JWKSet(key)));
        NimbusJwtDecoder nimbus = NimbusJwtDecoder
                .withJwkSource(new ImmutableJWKSet<SecurityContext>(new JWKSet(key.toPublicJWK())))
                .jwsAlgorithm(SignatureAlgorithm.ES256).build();
        JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ofSeconds(30));
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(this.settings.audience()));
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps,
                new JwtIssuerValidator(this.settings.issuer()), audience));
        this.decoder = nimbus;
    }

    private static ECKey signingKey(String jwk) throws JOSEException {
        if (jwk == null || jwk.isBlank()) {
            log.warn("wallet.api.tokens.signing-key is not set: generated a key for this process only;"
                    + " tokens will not survive a restart and other instances will not accept them");
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true).generate();
        }
        try {
            ECKey ec = ECKey.parse(jwk);
            if (!ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())) {
                throw new IllegalArgumentException("wallet.api.tokens.signing-key must be a private EC P-256 JWK");
            }
            return new ECKey.Builder(ec).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint().build();
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("wallet.api.tokens.signing-key is not a JWK", e);
        }
    }

    record Issued(String token, Duration expiresIn) {
    }

    Issued issue(UUID userId) {
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(settings.issuer())
                .audience(List.of(settings.audience()))
                .subject(userId.toString())
                .issuedAt(now)
                .expiresAt(now.plus(settings.accessTokenTtl()))
                .id(UUID.randomUUID().toString())
                .build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.ES256).keyId(key.getKeyID()).build();
        return new Issued(encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue(),
                settings.accessTokenTtl());
    }

    @Override
    public Caller verify(String presented) {
        Jwt jwt;
        try {
            jwt = decoder.decode(presented);
        } catch (JwtValidationException e) {
            boolean expired = e.getErrors().stream().anyMatch(error -> error.getDescription() != null
                    && error.getDescription().contains("expired"));
            throw expired ? new CredentialCheck.Refused("token_expired", "the access token has expired")
                    : new CredentialCheck.Refused("token_invalid", "the access token is not valid here");
        } catch (JwtException e) {
            throw new CredentialCheck.Refused("token_invalid", "the access token is not valid");
        }
        try {
            return Caller.person(UUID.fromString(jwt.getSubject()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CredentialCheck.Refused("token_invalid", "the access token names no user");
        }
    }

    Map<String, Object> jwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject();
    }
}
