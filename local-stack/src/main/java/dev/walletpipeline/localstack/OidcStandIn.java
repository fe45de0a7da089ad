package dev.walletpipeline.localstack;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real OpenID Connect provider in Google's place, for tests and the local run:
 * discovery, authorization endpoint (authorization code with PKCE S256, {@code state} and
 * {@code nonce} passed through), token endpoint with client authentication, RS256 ID
 * tokens and a JWKS. Given {@code login_hint} it signs in as that email at once, as
 * docs/API.md "Local defaults" describes; without it, it shows a one-field form a person
 * can fill in.
 */
public final class OidcStandIn extends HttpStandIn {

    public static final String CLIENT_ID = "wallet-local-client";

    public static final String CLIENT_SECRET = "wallet-local-secret";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RSAKey key;

    private final Map<String, Grant> codes = new ConcurrentHashMap<>();

    private OidcStandIn(Exposure exposure) {
        super(exposure);
        try {
            key = new RSAKeyGenerator(2048).keyID("local-oidc-1").generate();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        route("/.well-known/openid-configuration", this::discovery);
        route("/authorize", this::authorize);
        route("/token", this::token);
        route("/jwks",
                exchange -> respond(exchange, 200, "application/json", new JWKSet(key.toPublicJWK()).toString()));
    }

    /** Starts serving on the port (0 for any free one). */
    public static OidcStandIn start(int port) {
        return start(Exposure.local(port));
    }

    static OidcStandIn start(Exposure exposure) {
        OidcStandIn server = new OidcStandIn(exposure);
        server.serve();
        return server;
    }

    public String issuer() {
        return baseUrl();
    }

    private void discovery(HttpExchange exchange) throws IOException {
        String issuer = issuer();
        respond(exchange, 200, "application/json", """
                {"issuer":"%1$s","authorization_endpoint":"%2$s/authorize","token_endpoint":"%1$s/token",\
                "jwks_uri":"%1$s/jwks","response_types_supported":["code"],"subject_types_supported":["public"],\
                "id_token_signing_alg_values_supported":["RS256"],"code_challenge_methods_supported":["S256"],\
                "scopes_supported":["openid","email","profile"],\
                "token_endpoint_auth_methods_supported":["client_secret_post","client_secret_basic"]}"""
            .formatted(issuer, publicUrl()));
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> request = "POST".equals(exchange.getRequestMethod()) ? form(exchange)
                : query(exchange.getRequestURI().getRawQuery());
        String redirectUri = request.get("redirect_uri");
        if (!CLIENT_ID.equals(request.get("client_id")) || redirectUri == null
                || !"code".equals(request.get("response_type")) || !"S256".equals(request.get("code_challenge_method"))
                || request.get("code_challenge") == null) {
            respond(exchange, 400, "text/plain", "invalid authorization request");
            return;
        }
        String email = request.getOrDefault("login_hint", request.get("email"));
        if (email == null || email.isBlank()) {
            respond(exchange, 200, "text/html; charset=utf-8", loginForm(request));
            return;
        }
        String code = random();
        codes.put(code, new Grant(email.trim().toLowerCase(Locale.ROOT), redirectUri, request.get("code_challenge"),
                request.get("nonce"), Instant.now().plus(Duration.ofMinutes(2))));
        String state = request.get("state");
        redirect(exchange, redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code=" + encode(code)
                + (state == null ? "" : "&state=" + encode(state)));
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> request = form(exchange);
        String clientId = request.get("client_id");
        String clientSecret = request.get("client_secret");
        String basic = exchange.getRequestHeaders().getFirst("authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8)
                .split(":", 2);
            clientId = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
            clientSecret = pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "";
        }
        if (!CLIENT_ID.equals(clientId) || !CLIENT_SECRET.equals(clientSecret)) {
            respond(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
            return;
        }
        Grant grant = codes.remove(request.getOrDefault("code", ""));
        if (!"authorization_code".equals(request.get("grant_type")) || grant == null
                || grant.expiresAt.isBefore(Instant.now()) || !grant.redirectUri.equals(request.get("redirect_uri"))
                || !grant.codeChallenge.equals(s256(request.getOrDefault("code_verifier", "")))) {
            respond(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        respond(exchange, 200, "application/json", """
                {"access_token":"%s","id_token":"%s","token_type":"Bearer","expires_in":3600,\
                "scope":"openid email profile"}""".formatted(random(), idToken(grant)));
    }

    private String idToken(Grant grant) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer())
            .audience(CLIENT_ID)
            .subject(accounts.getOrDefault(grant.email, new Account(subjectOf(grant.email), true)).subject())
            .claim("email", grant.email)
            .claim("email_verified", accounts.getOrDefault(grant.email, new Account("", true)).emailVerified())
            .claim("name",
                    grant.email.substring(0,
                            grant.email.indexOf('@') < 0 ? grant.email.length() : grant.email.indexOf('@')))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
        if (grant.nonce != null) {
            claims.claim("nonce", grant.nonce);
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Google account as the next sign-ins with its email will present it. */
    private record Account(String subject, boolean emailVerified) {
    }

    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    /**
     * From now on, signing in as {@code email} presents this account: another subject (a
     * second Google account with the same address) or an address Google has not verified.
     */
    public void account(String email, String subject, boolean emailVerified) {
        accounts.put(email.toLowerCase(Locale.ROOT), new Account(subject, emailVerified));
    }

    /** Google's subjects are stable per account; so is this one, per email. */
    static String subjectOf(String email) {
        return "1" + new BigInteger(1, sha256(email.getBytes(StandardCharsets.UTF_8))).toString().substring(0, 20);
    }

    private static String loginForm(Map<String, String> request) {
        StringBuilder hidden = new StringBuilder();
        request.forEach((name, value) -> hidden.append("<input type=\"hidden\" name=\"")
            .append(html(name))
            .append("\" value=\"")
            .append(html(value))
            .append("\">"));
        return """
                <!doctype html><html><head><title>Sign in (local Google stand-in)</title></head>
                <body style="font-family:sans-serif;max-width:28em;margin:4em auto">
                <h1>Sign in</h1><p>Local stand-in for Google. Any email signs in.</p>
                <form method="post" action="/authorize">%s
                <label>Email <input name="email" type="email" required autofocus></label>
                <button type="submit">Continue</button></form></body></html>""".formatted(hidden);
    }

    private static String s256(String verifier) {
        return Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private record Grant(String email, String redirectUri, String codeChallenge, String nonce, Instant expiresAt) {
    }

}
