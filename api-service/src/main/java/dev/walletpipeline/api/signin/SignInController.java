package dev.walletpipeline.api.signin;

import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.ops.OpsSettings;
import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.ratelimit.ClientAddress;
import dev.walletpipeline.api.ratelimit.RateLimiter;
import dev.walletpipeline.api.wallet.Wallet;
import dev.walletpipeline.api.wallet.Wallets;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SignInController {

    private final GoogleOidc google;

    private final SignInAttempts attempts;

    private final Users users;

    private final AccessTokens accessTokens;

    private final RefreshTokens refreshTokens;

    private final Wallets wallets;

    private final RateLimiter rateLimiter;

    private final ApiSettings.RateLimits limits;

    private final ClientAddress clientAddress;

    private final boolean secureCookies;

    private final OpsSettings ops;

    /** Binds a sign-in attempt to the browser that started it. */
    static final String BINDING_COOKIE = "wallet_signin";

    SignInController(GoogleOidc google, SignInAttempts attempts, Users users, AccessTokens accessTokens,
            RefreshTokens refreshTokens, Wallets wallets, RateLimiter rateLimiter, ClientAddress clientAddress,
            ApiSettings settings, OpsSettings ops) {
        this.clientAddress = clientAddress;
        this.ops = ops;
        this.secureCookies = settings.publicBaseUrl().startsWith("https:");
        this.google = google;
        this.attempts = attempts;
        this.users = users;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.wallets = wallets;
        this.rateLimiter = rateLimiter;
        this.limits = settings.rateLimits();
    }

    record AuthorizationUrl(String authorizationUrl) {
    }

    record UserView(UUID id, String email, @Nullable String name, String walletNumber) {
    }

    record Tokens(String accessToken, String refreshToken, String tokenType, long expiresIn, UserView user) {
    }

    record RefreshRequest(@Nullable String refreshToken) {
    }

    record Me(UUID id, String email, @Nullable String name, String walletNumber, long balance, String currency) {
    }

    /**
     * Starts a sign-in. The attempt is bound to this browser by a short-lived HttpOnly
     * cookie (SameSite=Lax, so that it comes back on the provider's top-level redirect to
     * the callback).
     */
    @GetMapping("/auth/google")
    ResponseEntity<AuthorizationUrl> start(HttpServletRequest request,
            @RequestParam(defaultValue = "false") boolean redirect,
            @RequestParam(name = "login_hint", required = false) @Nullable String loginHint) {
        rateLimiter.acquire("sign-in", clientAddress.of(request), limits.signInPerAddressPerMinute());
        SignInAttempts.Attempt attempt = attempts.start();
        String url = google.authorizationUrl(attempt.state(), attempt.nonce(),
                Secrets.s256Challenge(attempt.codeVerifier()), loginHint);
        String cookie = bindingCookie(attempt.browserBinding(), attempts.ttl()).toString();
        if (redirect) {
            return ResponseEntity.status(302).location(URI.create(url)).header(HttpHeaders.SET_COOKIE, cookie).build();
        }
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie).body(new AuthorizationUrl(url));
    }

    @GetMapping("/auth/google/callback")
    ResponseEntity<Tokens> callback(HttpServletRequest request, @RequestParam(required = false) @Nullable String code,
            @RequestParam(required = false) @Nullable String state,
            @RequestParam(required = false) @Nullable String error,
            @CookieValue(name = BINDING_COOKIE, required = false) @Nullable String browserBinding) {
        rateLimiter.acquire("sign-in", clientAddress.of(request), limits.signInPerAddressPerMinute());
        if (error != null) {
            throw new GoogleOidc.SignInRefused("the sign-in provider refused: " + error);
        }
        if (code == null || code.isBlank() || state == null || state.isBlank()) {
            throw WalletProblem.invalid(code == null || code.isBlank() ? "code" : "state",
                    "code and state are required");
        }
        if (browserBinding == null || browserBinding.isBlank()) {
            throw new GoogleOidc.SignInRefused("this sign-in was not started in this browser (no sign-in cookie)");
        }
        SignInAttempts.Attempt attempt = attempts.consume(state, browserBinding)
            .orElseThrow(() -> new GoogleOidc.SignInRefused(
                    "this sign-in attempt is unknown, expired, already used," + " or was started in another browser"));
        GoogleOidc.Identity identity = google.exchange(code, attempt.codeVerifier(), attempt.nonce());
        Users.User user = users.signIn(identity.subject(), identity.email(), identity.name());
        return ResponseEntity.ok()
            .header(HttpHeaders.SET_COOKIE, bindingCookie("", Duration.ZERO).toString())
            .body(tokensFor(user, refreshTokens.startFamily(user.id())));
    }

    /**
     * Ends the sign-in: the refresh token's whole family is revoked. Harmless to repeat.
     */
    @PostMapping("/auth/logout")
    ResponseEntity<Void> logout(HttpServletRequest http, @RequestBody RefreshRequest request) {
        rateLimiter.acquire("logout", clientAddress.of(http), limits.signInPerAddressPerMinute());
        if (request.refreshToken() == null || request.refreshToken().isBlank()) {
            throw WalletProblem.invalid("refresh_token", "refresh_token is required");
        }
        refreshTokens.revokeFamily(request.refreshToken());
        return ResponseEntity.noContent().build();
    }

    private ResponseCookie bindingCookie(String value, Duration maxAge) {
        return ResponseCookie.from(BINDING_COOKIE, value)
            .httpOnly(true)
            .secure(secureCookies)
            .sameSite("Lax")
            .path("/auth/google")
            .maxAge(maxAge)
            .build();
    }

    @PostMapping("/auth/refresh")
    Tokens refresh(HttpServletRequest http, @RequestBody RefreshRequest request) {
        rateLimiter.acquire("refresh", clientAddress.of(http), limits.signInPerAddressPerMinute());
        if (request.refreshToken() == null || request.refreshToken().isBlank()) {
            throw WalletProblem.invalid("refresh_token", "refresh_token is required");
        }
        RefreshTokens.Rotated rotated = refreshTokens.rotate(request.refreshToken());
        return tokensFor(users.find(rotated.userId()), rotated.refreshToken());
    }

    @GetMapping("/auth/me")
    Me me(@AuthenticationPrincipal Caller caller) {
        Users.User user = users.find(caller.require(Permission.READ).userId());
        Wallet wallet = wallets.findByUserId(user.id()).orElseThrow(() -> WalletProblem.notFound("wallet"));
        return new Me(user.id(), user.email(), user.name(), user.walletNumber(), wallet.balance(), wallet.currency());
    }

    @GetMapping("/.well-known/jwks.json")
    Map<String, Object> jwks() {
        return accessTokens.jwks();
    }

    private Tokens tokensFor(Users.User user, String refreshToken) {
        AccessTokens.Issued access = accessTokens.issue(user.id(), ops.isOperator(user.email()));
        return new Tokens(access.token(), refreshToken, "Bearer", access.expiresIn().toSeconds(),
                new UserView(user.id(), user.email(), user.name(), user.walletNumber()));
    }

}
