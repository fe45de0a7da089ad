package dev.walletpipeline.api.signin;

import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.api.ApiSettings;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Sign-in attempts: created with a fresh state, nonce and PKCE verifier, bound to the
 * browser that started them (the hash of a value in its cookie); consumed at most once,
 * and only by that browser.
 */
@Repository
class SignInAttempts {

    private final JdbcClient jdbc;

    private final Duration ttl;

    SignInAttempts(JdbcClient jdbc, ApiSettings settings) {
        this.jdbc = jdbc;
        this.ttl = settings.google().attemptTtl();
    }

    /**
     * @param browserBinding the value the starting browser keeps in its cookie
     */
    record Attempt(String state, String nonce, String codeVerifier, String browserBinding) {
    }

    Duration ttl() {
        return ttl;
    }

    Attempt start() {
        Attempt attempt = new Attempt(Secrets.random(32), Secrets.random(32), Secrets.random(48), Secrets.random(32));
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("delete from signin_attempts where expires_at < ?").param(now.minusHours(1)).update();
        jdbc.sql("""
                insert into signin_attempts (state_hash, nonce, code_verifier, browser_binding_hash, expires_at)
                values (?, ?, ?, ?, ?)""")
            .params(Secrets.sha256(attempt.state()), attempt.nonce(), attempt.codeVerifier(),
                    Secrets.sha256(attempt.browserBinding()), now.plus(ttl))
            .update();
        return attempt;
    }

    /**
     * The attempt for this state, marked used, if the browser presenting it is the one
     * that started it; empty when unknown, expired, already used, or started elsewhere
     * (then it stays usable by its own browser).
     */
    Optional<Attempt> consume(String state, String browserBinding) {
        return jdbc.sql("""
                update signin_attempts set used_at = now()
                where state_hash = ? and browser_binding_hash = ? and used_at is null and expires_at > now()
                returning nonce, code_verifier""")
            .param(Secrets.sha256(state))
            .param(Secrets.sha256(browserBinding))
            .query((rs, n) -> new Attempt(state, rs.getString(1), rs.getString(2), browserBinding))
            .optional();
    }

}
