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
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /**
     * The service's signing key, known to this test so that it can forge tokens the
     * service would accept.
     */
    private static final ECKey SIGNING_KEY = generate();

    /** The key before the last rotation: its tokens stay valid, it signs nothing new. */
    private static final ECKey PREVIOUS_KEY = generate();

    @DynamicPropertySource
    static void signingKey(DynamicPropertyRegistry registry) {
        registry.add("wallet.api.tokens.signing-key", SignInTests::jwk);
        registry.add("wallet.api.tokens.previous-signing-keys", () -> PREVIOUS_KEY.toPublicJWK().toJSONString());
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
        List<ApiClient.SignedIn> both = List
            .of(CompletableFuture.supplyAsync(() -> api.signIn(email)),
                    CompletableFuture.supplyAsync(() -> api.signIn(email)),
                    CompletableFuture.supplyAsync(() -> api.signIn(email)))
            .stream()
            .map(CompletableFuture::join)
            .toList();
        assertThat(both).extracting(ApiClient.SignedIn::userId).containsOnly(both.get(0).userId());
        assertThat(both).extracting(ApiClient.SignedIn::walletNumber).containsOnly(both.get(0).walletNumber());
    }

    @Test
    void aStateIsUsableOnceAndATamperedStateIsRefused() {
        ApiClient.PendingSignIn pending = api.startSignIn("replay@example.com");

        ApiClient.Response tampered = api.callback(new ApiClient.PendingSignIn(
                pending.callbackPath().replaceAll("state=[^&]+", "state=forged"), pending.cookie()), pending.cookie());
        assertThat(tampered.status()).isEqualTo(401);
        assertThat(tampered.code()).isEqualTo("sign_in_failed");

        assertThat(api.callback(pending, pending.cookie()).status()).isEqualTo(200);
        ApiClient.Response replayed = api.callback(pending, pending.cookie());
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.code()).isEqualTo("sign_in_failed");
    }

    @Test
    void theRedirectFormAnswers302ToTheProvider() {
        ApiClient.Response redirect = api.get("/auth/google?redirect=true", As.NOBODY);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("location")).contains("code_challenge_method=S256")
            .contains("nonce=")
            .contains("state=");
    }

    @Test
    void forgedAccessTokensAreRefusedWithTheirCodes() throws Exception {
        ApiClient.SignedIn person = api.signIn("forge-" + UUID.randomUUID() + "@example.com");
        String sub = person.userId();
        Instant now = Instant.now();

        assertThat(api
            .get("/auth/me",
                    As.person(sign(SIGNING_KEY, claims(sub, "wallet-pipeline", "wallet-api", now.plusSeconds(600)))))
            .status()).as("a well-formed token of ours").isEqualTo(200);

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
    void tokensWithoutExpiryIssuedAtIssuerOrAudienceAreRefused() throws Exception {
        String sub = api.signIn("claims-" + UUID.randomUUID() + "@example.com").userId();
        Instant now = Instant.now();
        JWTClaimsSet complete = claims(sub, "wallet-pipeline", "wallet-api", now.plusSeconds(600));

        for (String missing : List.of("exp", "iat", "iss", "aud")) {
            JWTClaimsSet.Builder without = new JWTClaimsSet.Builder();
            complete.getClaims().forEach((name, value) -> {
                if (!name.equals(missing)) {
                    without.claim(name, value);
                }
            });
            ApiClient.Response response = api.get("/auth/me", As.person(sign(SIGNING_KEY, without.build())));
            assertThat(response.status()).as("a token without " + missing).isEqualTo(401);
            assertThat(response.code()).isEqualTo("token_invalid");
        }
        assertThat(api.get("/auth/me", As.person(sign(SIGNING_KEY, complete))).status()).isEqualTo(200);
    }

    @Test
    void aTokenSignedBeforeAKeyRotationStaysValidAndBothKeysArePublished() throws Exception {
        String sub = api.signIn("rotation-" + UUID.randomUUID() + "@example.com").userId();
        String old = sign(PREVIOUS_KEY, claims(sub, "wallet-pipeline", "wallet-api", Instant.now().plusSeconds(600)));

        assertThat(api.get("/auth/me", As.person(old)).status()).isEqualTo(200);
        List<String> kids = new ArrayList<>();
        api.get("/.well-known/jwks.json", As.NOBODY)
            .json()
            .path("keys")
            .forEach(k -> kids.add(k.path("kid").asString()));
        assertThat(kids).containsExactly(SIGNING_KEY.computeThumbprint().toString(),
                PREVIOUS_KEY.computeThumbprint().toString());
    }

    @Test
    void aCallbackReplayedFromAnotherClientIsRefusedAndTheRealBrowserStillSignsIn() {
        ApiClient.PendingSignIn pending = api.startSignIn("csrf-" + UUID.randomUUID() + "@example.com");

        ApiClient.Response replayed = api.callback(pending, null);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.code()).isEqualTo("sign_in_failed");
        assertThat(replayed.header("content-type")).startsWith("application/problem+json");
        ApiClient.Response otherBrowser = api.callback(pending, SignInController.BINDING_COOKIE + "=someone-elses");
        assertThat(otherBrowser.status()).isEqualTo(401);

        ApiClient.Response own = api.callback(pending, pending.cookie());
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.header("set-cookie")).contains("Max-Age=0");
    }

    @Test
    void theSignInCookieIsHttpOnlySameSiteAndShortLived() {
        ApiClient.Response start = api.get("/auth/google", As.NOBODY);
        assertThat(start.header("set-cookie")).startsWith(SignInController.BINDING_COOKIE + "=")
            .contains("HttpOnly")
            .contains("SameSite=Lax")
            .contains("Max-Age=600")
            .contains("Path=/auth/google");
    }

    @Test
    void aGoogleAccountWithoutAVerifiedEmailCannotSignIn(LocalStack stack) {
        String email = "unverified-" + UUID.randomUUID() + "@example.com";
        stack.oidc().account(email, "unverified-" + UUID.randomUUID(), false);
        ApiClient.PendingSignIn pending = api.startSignIn(email);

        ApiClient.Response refused = api.callback(pending, pending.cookie());

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.code()).isEqualTo("sign_in_failed");
    }

    @Test
    void aSecondGoogleAccountWithTheSameEmailGetsAClearProblemNotA500(LocalStack stack) {
        String email = "twice-" + UUID.randomUUID() + "@example.com";
        api.signIn(email);
        stack.oidc().account(email, "another-subject-" + UUID.randomUUID(), true);
        ApiClient.PendingSignIn pending = api.startSignIn(email);

        ApiClient.Response conflict = api.callback(pending, pending.cookie());

        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.code()).isEqualTo("email_already_registered");
    }

    @Test
    void logoutRevokesTheRefreshTokenFamily() {
        ApiClient.SignedIn person = api.signIn("logout-" + UUID.randomUUID() + "@example.com");
        String next = api.post("/auth/refresh", As.NOBODY, "{\"refresh_token\":\"" + person.refreshToken() + "\"}")
            .text("refresh_token");

        assertThat(api.post("/auth/logout", As.NOBODY, "{\"refresh_token\":\"" + next + "\"}").status()).isEqualTo(204);

        assertThat(api.post("/auth/refresh", As.NOBODY, "{\"refresh_token\":\"" + next + "\"}").status())
            .isEqualTo(401);
        assertThat(api.post("/auth/logout", As.NOBODY, "{\"refresh_token\":\"" + next + "\"}").status())
            .as("harmless to repeat")
            .isEqualTo(204);
    }

    @Test
    void aRefreshedTokenExpiresWithItsSignInNotLater(LocalStack stack) throws Exception {
        ApiClient.SignedIn person = api.signIn("absolute-" + UUID.randomUUID() + "@example.com");
        String next = api.post("/auth/refresh", As.NOBODY, "{\"refresh_token\":\"" + person.refreshToken() + "\"}")
            .text("refresh_token");

        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                Statement sql = db.createStatement();
                ResultSet rs = sql.executeQuery("select count(distinct expires_at), min(expires_at) > now()"
                        + " + interval '29 days' from refresh_tokens where user_id = '" + person.userId() + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("every token of the family ends when the sign-in does").isEqualTo(1);
            assertThat(rs.getBoolean(2)).isTrue();
        }
        assertThat(next).isNotBlank();
    }

    @Test
    void theMeEndpointNeedsTheReadPermissionFromAnApiKey() {
        ApiClient.SignedIn person = api.signIn("me-" + UUID.randomUUID() + "@example.com");

        ApiClient.Response withoutRead = api.get("/auth/me",
                As.key(api.createKey(person, "1H", "transfer", "deposit")));
        assertThat(withoutRead.status()).isEqualTo(403);
        assertThat(withoutRead.code()).isEqualTo("permission_missing");
        assertThat(api.get("/auth/me", As.key(api.createKey(person, "1H", "read"))).status()).isEqualTo(200);
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
        assertThat(jwks.json().path("keys").get(0).path("kid").asString())
            .isEqualTo(SIGNING_KEY.computeThumbprint().toString());
        assertThat(jwks.json().path("keys").get(0).has("d")).as("no private part").isFalse();
    }

    private void assertRefused(String token, String code) {
        ApiClient.Response response = api.get("/auth/me", As.person(token));
        assertThat(response.status()).as(code).isEqualTo(401);
        assertThat(response.code()).isEqualTo(code);
        assertThat(response.header("content-type")).startsWith("application/problem+json");
    }

    private static JWTClaimsSet claims(String sub, String issuer, String audience, Instant expires) {
        return new JWTClaimsSet.Builder().subject(sub)
            .issuer(issuer)
            .audience(audience)
            .issueTime(Date.from(expires.minus(Duration.ofMinutes(15))))
            .expirationTime(Date.from(expires))
            .jwtID(UUID.randomUUID().toString())
            .build();
    }

    private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.computeThumbprint().toString()).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jwk() {
        return SIGNING_KEY.toJSONString();
    }

}
