package dev.walletpipeline.api.signin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.CredentialCheck;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

/**
 * Our access tokens: ES256 JWTs with a key id, issued here and checked here with Spring
 * Security's resource-server decoder; only ES256 is accepted, so {@code alg: none} and
 * keys of other types never verify. The public half is served as a JWKS.
 */
@Component
class AccessTokens implements CredentialCheck.BearerTokens {

    /** The claim that carries a token's scopes, space-separated (RFC 8693, RFC 9068). */
    static final String SCOPE_CLAIM = "scope";

    /** The scope of the operator's desk, given only to people on the allow-list. */
    static final String OPERATOR_SCOPE = "operator";

    private final ECKey key;

    /**
     * The current key and the previous ones, public halves: what verifies and what is
     * published.
     */
    private final JWKSet publicKeys;

    private final JwtEncoder encoder;

    private final JwtDecoder decoder;

    private final ApiSettings.Tokens settings;

    private final Clock clock = Clock.systemUTC();

    AccessTokens(ApiSettings settings) throws JOSEException {
        this.settings = settings.tokens();
        this.key = signingKey(this.settings.signingKey());
        List<JWK> published = new ArrayList<>(List.of(key.toPublicJWK()));
        published.addAll(previousKeys(this.settings.previousSigningKeys()));
        this.publicKeys = new JWKSet(published);
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<SecurityContext>(new JWKSet(key)));
        NimbusJwtDecoder nimbus = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<SecurityContext>(publicKeys))
            .jwsAlgorithm(SignatureAlgorithm.ES256)
            .build();
        // Spring's timestamp validator lets a token without exp through, and its claim
        // conversion makes up an iat from exp: both are required of the token as signed.
        MappedJwtClaimSetConverter claims = MappedJwtClaimSetConverter.withDefaults(Map.of());
        nimbus.setClaimSetConverter(raw -> {
            if (raw.get(JwtClaimNames.IAT) == null) {
                throw new BadJwtException("the token has no iat");
            }
            return claims.convert(raw);
        });
        JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ofSeconds(30));
        OAuth2TokenValidator<Jwt> expires = new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull);
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                aud -> aud != null && aud.contains(this.settings.audience()));
        nimbus.setJwtValidator(new DelegatingOAuth2TokenValidator<>(expires, timestamps,
                new JwtIssuerValidator(this.settings.issuer()), audience));
        this.decoder = nimbus;
    }

    /** The public halves of keys from before a rotation: a JWK, or a JWK set. */
    private static List<JWK> previousKeys(@Nullable String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            List<JWK> keys = json.contains("\"keys\"") ? JWKSet.parse(json).getKeys() : List.of(JWK.parse(json));
            List<JWK> publicHalves = new ArrayList<>();
            for (JWK previous : keys) {
                if (!(previous instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve())) {
                    throw new IllegalArgumentException("JWT_PREVIOUS_SIGNING_KEYS must hold EC P-256 keys");
                }
                publicHalves
                    .add(new ECKey.Builder(ec.toPublicJWK()).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint().build());
            }
            return publicHalves;
        }
        catch (ParseException | JOSEException e) {
            throw new IllegalArgumentException("JWT_PREVIOUS_SIGNING_KEYS is not a JWK or a JWK set", e);
        }
    }

    private static ECKey signingKey(String jwk) throws JOSEException {
        try {
            ECKey ec = ECKey.parse(jwk);
            if (!ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())) {
                throw new IllegalArgumentException("wallet.api.tokens.signing-key must be a private EC P-256 JWK");
            }
            return new ECKey.Builder(ec).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint().build();
        }
        catch (ParseException e) {
            throw new IllegalArgumentException("wallet.api.tokens.signing-key is not a JWK", e);
        }
    }

    record Issued(String token, Duration expiresIn) {
    }

    /**
     * An access token for this person; an operator's carries the {@value #OPERATOR_SCOPE}
     * scope.
     */
    Issued issue(UUID userId, boolean operator) {
        Instant now = clock.instant();
        JwtClaimsSet.Builder builder = JwtClaimsSet.builder()
            .issuer(settings.issuer())
            .audience(List.of(settings.audience()))
            .subject(userId.toString())
            .issuedAt(now)
            .expiresAt(now.plus(settings.accessTokenTtl()))
            .id(UUID.randomUUID().toString());
        if (operator) {
            builder.claim(SCOPE_CLAIM, OPERATOR_SCOPE);
        }
        JwtClaimsSet claims = builder.build();
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.ES256).keyId(key.getKeyID()).build();
        return new Issued(encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue(),
                settings.accessTokenTtl());
    }

    @Override
    public Caller verify(String presented) {
        Jwt jwt;
        try {
            jwt = decoder.decode(presented);
        }
        catch (JwtValidationException e) {
            boolean expired = e.getErrors()
                .stream()
                .anyMatch(error -> error.getDescription() != null && error.getDescription().contains("expired"));
            throw expired ? new CredentialCheck.Refused("token_expired", "the access token has expired")
                    : new CredentialCheck.Refused("token_invalid", "the access token is not valid here");
        }
        catch (JwtException e) {
            throw new CredentialCheck.Refused("token_invalid", "the access token is not valid");
        }
        try {
            UUID userId = UUID.fromString(jwt.getSubject());
            return operatorScope(jwt) ? Caller.operator(userId) : Caller.person(userId);
        }
        catch (IllegalArgumentException | NullPointerException e) {
            throw new CredentialCheck.Refused("token_invalid", "the access token names no user");
        }
    }

    private static boolean operatorScope(Jwt jwt) {
        String scope = jwt.getClaimAsString(SCOPE_CLAIM);
        return scope != null && List.of(scope.split(" ")).contains(OPERATOR_SCOPE);
    }

    Map<String, Object> jwks() {
        return publicKeys.toJSONObject();
    }

}
