package dev.walletpipeline.api.apikey;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.CredentialCheck;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.secret.Secrets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * API keys: created, listed, rolled over, revoked, and checked on every request that
 * carries one.
 */
@Service
class ApiKeys implements CredentialCheck.ApiKeys {

    static final int ACTIVE_MAX = 5;

    private static final String PREFIX = "sk_live_";

    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final ApiKeyCache cache;

    private final Clock clock = Clock.systemUTC();

    ApiKeys(JdbcClient jdbc, TransactionTemplate transaction, ApiKeyCache cache) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.cache = cache;
    }

    record Key(UUID id, UUID userId, String name, String prefix, Set<Permission> permissions, Instant expiresAt,
            @Nullable Instant revokedAt, @Nullable UUID rolledOverTo, @Nullable Instant lastUsedAt, Instant createdAt) {

        boolean expired(Instant now) {
            return !expiresAt.isAfter(now);
        }
    }

    /** A key as created: the secret is in here, and nowhere else ever again. */
    record Created(Key key, String secret) {
    }

    Created create(UUID userId, String name, Set<Permission> permissions, Expiry expiry) {
        return inUserLock(userId, () -> insert(userId, name, permissions, expiry));
    }

    Created rollover(UUID userId, UUID expiredKeyId, Expiry expiry) {
        return inUserLock(userId, () -> {
            Key old = find(userId, expiredKeyId);
            if (old.revokedAt() != null) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "key_revoked",
                        "a revoked key cannot be rolled over");
            }
            if (!old.expired(clock.instant())) {
                throw new WalletProblem(WalletProblem.Kind.REFUSED, "key_not_expired",
                        "only an expired key can be rolled over; this one expires at " + old.expiresAt());
            }
            if (old.rolledOverTo() != null) {
                throw new WalletProblem(WalletProblem.Kind.CONFLICT, "key_already_rolled_over",
                        "this key was already rolled over to key " + old.rolledOverTo());
            }
            Created created = insert(userId, old.name(), old.permissions(), expiry);
            jdbc.sql("update api_keys set rolled_over_to = ? where id = ?")
                .params(created.key().id(), old.id())
                .update();
            return created;
        });
    }

    void revoke(UUID userId, UUID keyId) {
        find(userId, keyId);
        jdbc.sql("update api_keys set revoked_at = now() where id = ? and revoked_at is null").param(keyId).update();
        // committed: this instance refuses the key from its next request on; the others
        // when the announcement reaches them
        cache.forget(keyId);
    }

    List<Key> list(UUID userId) {
        return jdbc.sql("select * from api_keys where user_id = ? order by created_at desc, id desc")
            .param(userId)
            .query((rs, n) -> key(rs))
            .list();
    }

    @Override
    public Caller verify(String presented) {
        byte[] hash = hash(presented);
        Key key = cache.get(hash);
        if (key == null) {
            long readAt = cache.generation();
            key = jdbc.sql("select * from api_keys where key_hash = ?")
                .param(hash)
                .query((rs, n) -> key(rs))
                .optional()
                .orElseThrow(() -> new CredentialCheck.Refused("api_key_invalid", "unknown API key"));
            cache.keep(hash, key, readAt);
        }
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            throw new CredentialCheck.Refused("api_key_revoked", "this API key was revoked");
        }
        if (key.expired(now)) {
            throw new CredentialCheck.Refused("api_key_expired", "this API key expired at " + key.expiresAt());
        }
        if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(now.minus(LAST_USED_RESOLUTION))) {
            jdbc.sql("update api_keys set last_used_at = ? where id = ?")
                .params(OffsetDateTime.ofInstant(now, ZoneOffset.UTC), key.id())
                .update();
            cache.touched(hash, key, new Key(key.id(), key.userId(), key.name(), key.prefix(), key.permissions(),
                    key.expiresAt(), key.revokedAt(), key.rolledOverTo(), now, key.createdAt()));
        }
        return Caller.apiKey(key.userId(), key.permissions(), key.id());
    }

    private Created insert(UUID userId, String name, Set<Permission> permissions, Expiry expiry) {
        long active = jdbc.sql("""
                select count(*) from api_keys where user_id = ? and revoked_at is null and expires_at > now()""")
            .param(userId)
            .query(Long.class)
            .single();
        if (active >= ACTIVE_MAX) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "api_key_limit_reached",
                    "at most " + ACTIVE_MAX + " API keys may be active at once; revoke one first");
        }
        String secret = PREFIX + Secrets.random(32);
        Instant now = clock.instant();
        Key key = new Key(UUID.randomUUID(), userId, name, secret.substring(0, PREFIX.length() + 4),
                EnumSet.copyOf(permissions), expiry.from(now), null, null, null, now);
        jdbc.sql("""
                insert into api_keys (id, user_id, name, prefix, key_hash, permissions, expires_at, created_at)
                values (?, ?, ?, ?, ?, ?::text[], ?, ?)""")
            .params(key.id(), userId, name, key.prefix(), hash(secret),
                    permissions.stream().map(Permission::wireName).sorted().toArray(String[]::new),
                    OffsetDateTime.ofInstant(key.expiresAt(), ZoneOffset.UTC),
                    OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
            .update();
        return new Created(key, secret);
    }

    /**
     * Serialises a user's key changes, so that the five-key limit holds under
     * concurrency.
     */
    private <T> T inUserLock(UUID userId, Supplier<T> work) {
        T result = transaction.execute(status -> {
            jdbc.sql("select id from users where id = ? for no key update").param(userId).query(UUID.class).single();
            return work.get();
        });
        if (result == null) {
            throw new IllegalStateException("the key transaction returned nothing");
        }
        return result;
    }

    private Key find(UUID userId, UUID keyId) {
        return jdbc.sql("select * from api_keys where id = ? and user_id = ?")
            .params(keyId, userId)
            .query((rs, n) -> key(rs))
            .optional()
            .orElseThrow(() -> WalletProblem.notFound("API key"));
    }

    private static Key key(ResultSet rs) throws SQLException {
        Array permissions = rs.getArray("permissions");
        Set<Permission> parsed = EnumSet.noneOf(Permission.class);
        Arrays.stream((String[]) permissions.getArray())
            .map(Permission::fromWire)
            .forEach(p -> p.ifPresent(parsed::add));
        return new Key(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("name"),
                rs.getString("prefix"), parsed, instant(rs, "expires_at"), instantOrNull(rs, "revoked_at"),
                rs.getObject("rolled_over_to", UUID.class), instantOrNull(rs, "last_used_at"),
                instant(rs, "created_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static @Nullable Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static byte[] hash(String secret) {
        return Secrets.sha256(secret);
    }

}
