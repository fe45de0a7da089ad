package dev.walletpipeline.api.signin;

import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.caller.CredentialCheck;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refresh tokens, stored as SHA-256 hashes. Each use spends the token and issues the next
 * one of its family; presenting a spent token again revokes the whole family. A family
 * lives for the refresh-token lifetime counted from its sign-in: every token of it
 * expires when the first one does, so using them never slides the sign-in forward.
 */
@Repository
class RefreshTokens {

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final Duration ttl;

    RefreshTokens(JdbcClient jdbc, TransactionTemplate transaction, ApiSettings settings) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.ttl = settings.tokens().refreshTokenTtl();
    }

    record Rotated(UUID userId, String refreshToken) {
    }

    /** The first token of a new family, at sign-in. */
    String startFamily(UUID userId) {
        return insert(userId, UUID.randomUUID(), OffsetDateTime.now(ZoneOffset.UTC).plus(ttl));
    }

    Rotated rotate(String presented) {
        Rotated rotated = transaction.execute(status -> {
            var row = jdbc.sql("""
                    select id, user_id, family_id, expires_at, spent_at, revoked_at from refresh_tokens
                    where token_hash = ? for update""")
                .param(Secrets.sha256(presented))
                .query((rs, n) -> new Row(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                        rs.getObject("family_id", UUID.class), rs.getObject("expires_at", OffsetDateTime.class),
                        rs.getObject("spent_at", OffsetDateTime.class) != null,
                        rs.getObject("revoked_at", OffsetDateTime.class) != null))
                .optional()
                .orElseThrow(() -> new CredentialCheck.Refused("token_invalid", "unknown refresh token"));
            if (row.revoked) {
                throw new CredentialCheck.Refused("token_invalid", "this refresh token was revoked");
            }
            if (row.spent) {
                jdbc.sql("update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null")
                    .param(row.familyId)
                    .update();
                return null;
            }
            if (row.expiresAt.isBefore(OffsetDateTime.now(ZoneOffset.UTC))) {
                throw new CredentialCheck.Refused("token_expired", "the refresh token has expired");
            }
            jdbc.sql("update refresh_tokens set spent_at = now() where id = ?").param(row.id).update();
            return new Rotated(row.userId, insert(row.userId, row.familyId, row.expiresAt));
        });
        if (rotated == null) {
            // Committed above: the reuse revoked the family, and the refusal must not
            // roll that back.
            throw new CredentialCheck.Refused("token_invalid",
                    "this refresh token was already used; every token of its sign-in is now revoked");
        }
        return rotated;
    }

    /**
     * Revokes the family of this token (logout); an unknown token revokes nothing,
     * silently.
     */
    void revokeFamily(String presented) {
        jdbc.sql("""
                update refresh_tokens set revoked_at = now()
                where family_id = (select family_id from refresh_tokens where token_hash = ?) and revoked_at is null""")
            .param(Secrets.sha256(presented))
            .update();
    }

    private String insert(UUID userId, UUID familyId, OffsetDateTime expiresAt) {
        String token = "rt_" + Secrets.random(32);
        jdbc.sql("""
                insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
                values (?, ?, ?, ?, ?)""")
            .params(UUID.randomUUID(), userId, familyId, Secrets.sha256(token), expiresAt)
            .update();
        return token;
    }

    private record Row(UUID id, UUID userId, UUID familyId, OffsetDateTime expiresAt, boolean spent, boolean revoked) {
    }

}
