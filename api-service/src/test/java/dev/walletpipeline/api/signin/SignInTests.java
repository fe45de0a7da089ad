package dev.walletpipeline.api.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.ApiClient.As;
import dev.walletpipeline.localstack.LocalStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SignInTests {

    /** The service's signing key, known to this test so that it can forge tokens the service would accept. */
    private static final ECKey SIGNING_KEY = generate();

    @DynamicPropertySource
    static void signingKey(DynamicPropertyRegistry registry) {
        registry.add("wallet.api.tokens.signing-key", SignInTests::jwk);
    }

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
    }

    @Test
    void aPersonSignsInThroughTheProviderAndGetsAUserAWalletAndTokens() {
        String email = "ada-" + UUID.randomUUID() + "@example.com";
        ApiClient.SignedIn ada = api.signIn(email);

        ApiClient.Response me = api.get("/auth/me", ada.as());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.text("email")).isEqualTo(email);
        assertThat(me.text("wallet_number")).matches("[1-9][0-9]{12}").isEqualTo(ada.walletNumber());
        assertThat(me.json().path("balance").asLong()).isZero();
        assertThat(me.text("currency")).isEqualTo("NGN");

        ApiClient.SignedIn again = api.signIn(email);
        assertThat(again.userId()).isEqualTo(ada.userId());
        assertThat(again.walletNumber()).isEqualTo(ada.walletNumber());
    }

    @Test
    void twoRacingFirstSignInsCreateOneUserAndOneWallet() {
        String email = "race-" + UUID.randomUUID() + "@example.com";
        List<ApiClient.SignedIn> both = List.of(
                CompletableFuture.supplyAsync(() -> api.signIn(email)),
                CompletableFuture.supplyAsync(() -> api.signIn(email)),
                CompletableFuture.supplyAsync(() -> api.signIn(email)))
                .stream().map(CompletableFuture::join).toList();
        assertThat(both).extracting(ApiClient.SignedIn::userId).containsOnly(both.get(0).userId());
        assertThat(both).extracting(ApiClient.SignedIn::walletNumber).containsOnly(both.get(0).walletNumber());
    }

    @Test
    void aStateIsUsableOnceAndATamperedStateIsRefused() {
        ApiClient.Response start = api.get("/auth/google?login_hint=replay@example.com", As.NOBODY);
        String callback = ApiClient.getAbsolute(start.text("authorization_url")).header("location");
        String path = callback.substring(callback.indexOf("/auth/google/callback"));

        ApiClient.Response tampered = api.get(path.replaceAll("state=[^&]+", "state=forged"), As.NOBODY);
        assertThat(tampered.status()).isEqualTo(401);
        assertThat(tampered.code()).isEqualTo("sign_in_failed");

        assertThat(api.get(path, As.NOBODY).status()).isEqualTo(200);
        ApiClient.Response replayed = api.get(path, As.NOBODY);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.code()).isEqualTo("sign_in_failed");
    }

    @Test
    void theRedirectFormAnswers302ToTheProvider() {
        ApiClient.Response redirect = api.get("/auth/google?redirect=true", As.NOBODY);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("location")).contains("code_challenge_method=S256").contains("nonce=")
                .contains("state=");
    }

    @Test
    void forgedAccessTokensAreRefusedWithTheirCodes() throws Exception {
        ApiClient.SignedIn person = api.signIn("forge-" + UUID.randomUUID() + "@example.com");
        String sub = person.userId();
        Instant now = Instant.now();

        assertThat(api.get("/auth/me", As.person(sign(SIGNING_KEY, claims(sub, "wallet-pipeline", "wallet-api",
                now.plusSeconds(600))))).status()).as("a well-formed token of ours").isEqualTo(200);

        assertRefused(sign(generate(), claims(sub, "wallet-pipeline", "wallet-api", now.plusSeconds(600))),
                "token_invalid");
        assertRefused(new PlainJWT(claims(sub, "wallet-pipeline", "wallet-api", now.plusSeconds(600))).serialize(),
                "token_invalid");
        assertRefused(sign(SIGNING_KEY, claims(sub, "wallet-pipeline", "wallet-api", now.minusSeconds(120))),
                "token_expired");
        assertRefused(sign(SIGNING_KEY, claims(sub, "someone-else", "wallet-api", now.plusSeconds(600))),
                "token_invalid");
        assertRefused(sign(SIGNING_KEY, claims(sub, "wallet-pipeline", "another-api", now.plusSeconds(600))),
                "token_invalid");
        assertRefused("not.a.jwt", "token_invalid");
    }

    @Test
    void aRefreshTokenRotatesAndItsReuseRevokesTheWholeFamily() {
        ApiClient.SignedIn person = api.signIn("refresh-" + UUID.randomUUID() + "@example.com");

        ApiClient.Response first = api.post("/auth/refresh", As.NOBODY,
                "{\"refresh_token\":\"" + person.refreshToken() + "\"}");
        assertThat(first.status()).isEqualTo(200);
        String next = first.text("refresh_token");
        assertThat(next).isNotEqualTo(person.refreshToken());
        assertThat(api.get("/auth/me", As.person(first.text("access_token"))).status()).isEqualTo(200);

        ApiClient.Response reuse = api.post("/auth/refresh", As.NOBODY,
                "{\"refresh_token\":\"" + person.refreshToken() + "\"}");
        assertThat(reuse.status()).isEqualTo(401);
        assertThat(reuse.code()).isEqualTo("token_invalid");

        ApiClient.Response revoked = api.post("/auth/refresh", As.NOBODY, "{\"refresh_token\":\"" + next + "\"}");
        assertThat(revoked.status()).isEqualTo(401);
    }

    @Test
    void ourPublicKeysArePublished() throws Exception {
        ApiClient.Response jwks = api.get("/.well-known/jwks.json", As.NOBODY);
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.json().path("keys").get(0).path("kid").asString()).isEqualTo(SIGNING_KEY.computeThumbprint().toString());
        assertThat(jwks.json().path("keys").get(0).has("d")).as("no private part").isFalse();
    }

    private void assertRefused(String token, String code) {
        ApiClient.Response response = api.get("/auth/me", As.person(token));
        assertThat(response.status()).as(code).isEqualTo(401);
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
    }

    private static JWTClaimsSet claims(String sub, String issuer, String audience, Instant expires) {
        return new JWTClaimsSet.Builder().subject(sub).issuer(issuer).audience(audience)
                .issueTime(Date.from(expires.minus(Duration.ofMinutes(15)))).expirationTime(Date.from(expires))
                .jwtID(UUID.randomUUID().toString()).build();
    }

    private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.computeThumbprint().toString()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jwk() {
        return SIGNING_KEY.toJSONString();
    }
}
