package dev.walletpipeline.api.signin;

import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.problem.WalletProblem;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The OpenID Connect provider (Google, or the local stand-in): its endpoints from the
 * discovery document, the code exchange with PKCE, and the ID token's validation
 * (signature through the provider's JWKS, issuer, audience, expiry, nonce).
 */
@Component
class GoogleOidc {

    private final ApiSettings.Google settings;

    private final String redirectUri;

    private final RestClient http;

    private volatile @Nullable Discovery discovery;

    GoogleOidc(ApiSettings settings) {
        this.settings = settings.google();
        this.redirectUri = settings.publicBaseUrl() + "/auth/google/callback";
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build());
        requests.setReadTimeout(Duration.ofSeconds(5));
        this.http = RestClient.builder().requestFactory(requests).build();
    }

    record Discovery(String authorizationEndpoint, String tokenEndpoint, NimbusJwtDecoder idTokens) {
    }

    record Identity(String subject, String email, @Nullable String name) {
    }

    String authorizationUrl(String state, String nonce, String codeChallenge, @Nullable String loginHint) {
        UriComponentsBuilder url = UriComponentsBuilder.fromUriString(discovery().authorizationEndpoint())
            .queryParam("client_id", settings.clientId())
            .queryParam("redirect_uri", redirectUri)
            .queryParam("response_type", "code")
            .queryParam("scope", "openid email profile")
            .queryParam("state", state)
            .queryParam("nonce", nonce)
            .queryParam("code_challenge", codeChallenge)
            .queryParam("code_challenge_method", "S256");
        if (loginHint != null && !loginHint.isBlank()) {
            url.queryParam("login_hint", loginHint);
        }
        return url.encode().build().toUriString();
    }

    Identity exchange(String code, String codeVerifier, String expectedNonce) {
        Discovery provider = discovery();
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("grant_type", "authorization_code");
        form.add("code", code);
        form.add("redirect_uri", redirectUri);
        form.add("client_id", settings.clientId());
        form.add("client_secret", settings.clientSecret());
        form.add("code_verifier", codeVerifier);
        Map<?, ?> answer;
        try {
            answer = http.post()
                .uri(provider.tokenEndpoint())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(form)
                .retrieve()
                .body(Map.class);
        }
        catch (RestClientException e) {
            throw new SignInRefused("the sign-in provider did not accept the authorization code");
        }
        Object idToken = answer == null ? null : answer.get("id_token");
        if (!(idToken instanceof String token)) {
            throw new SignInRefused("the sign-in provider returned no ID token");
        }
        Jwt jwt;
        try {
            jwt = provider.idTokens().decode(token);
        }
        catch (JwtException e) {
            throw new SignInRefused("the ID token did not validate");
        }
        if (!expectedNonce.equals(jwt.getClaimAsString("nonce"))) {
            throw new SignInRefused("the ID token's nonce does not belong to this sign-in");
        }
        String email = jwt.getClaimAsString("email");
        // Google's email_verified must be true: absent is not verified.
        if (email == null || jwt.getSubject() == null
                || !Boolean.TRUE.equals(jwt.getClaimAsBoolean("email_verified"))) {
            throw new SignInRefused("the ID token carries no verified email");
        }
        return new Identity(jwt.getSubject(), email.toLowerCase(Locale.ROOT), jwt.getClaimAsString("name"));
    }

    private Discovery discovery() {
        Discovery known = discovery;
        if (known != null) {
            return known;
        }
        Map<?, ?> document;
        try {
            document = http.get()
                .uri(settings.issuer() + "/.well-known/openid-configuration")
                .retrieve()
                .body(Map.class);
        }
        catch (RestClientException e) {
            throw new WalletProblem(WalletProblem.Kind.UPSTREAM_FAILED, "sign_in_unavailable",
                    "the sign-in provider cannot be reached");
        }
        if (document == null || !settings.issuer().equals(document.get("issuer"))) {
            throw new WalletProblem(WalletProblem.Kind.UPSTREAM_FAILED, "sign_in_unavailable",
                    "the sign-in provider's discovery document is not for " + settings.issuer());
        }
        NimbusJwtDecoder idTokens = NimbusJwtDecoder.withJwkSetUri((String) document.get("jwks_uri"))
            .jwsAlgorithm(SignatureAlgorithm.RS256)
            .build();
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(settings.clientId()));
        idTokens.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(Duration.ofSeconds(30)),
                new JwtIssuerValidator(settings.issuer()), audience));
        known = new Discovery((String) document.get("authorization_endpoint"), (String) document.get("token_endpoint"),
                idTokens);
        discovery = known;
        return known;
    }

    /**
     * The sign-in cannot complete: a bad, replayed or expired attempt, or a token that
     * does not validate.
     */
    static final class SignInRefused extends WalletProblem {

        SignInRefused(String detail) {
            super(Kind.UNAUTHENTICATED, "sign_in_failed", detail);
        }

    }

}
