package dev.walletpipeline.api.money;

import dev.walletpipeline.api.problem.WalletProblem;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code Idempotency-Key} of a request that moves money: checked when it arrives, and
 * looked up before anything new is recorded, so that a repeated request answers what the
 * first one did and a key reused for another request is refused.
 */
public final class IdempotencyKeys {

    /**
     * The longest key: the header, and a bulk item's reference, which shares its
     * namespace.
     */
    public static final int KEY_CHARACTERS_MAX = 200;

    private IdempotencyKeys() {
    }

    /** The header checked: absent, or 1 to {@link #KEY_CHARACTERS_MAX} characters. */
    public static @Nullable String check(@Nullable String header) {
        if (header != null && (header.isBlank() || header.length() > KEY_CHARACTERS_MAX)) {
            throw WalletProblem.invalid("Idempotency-Key",
                    "Idempotency-Key must be 1 to " + KEY_CHARACTERS_MAX + " characters");
        }
        return header;
    }

    /** A request recorded with a key: its id, and the hash of what it asked. */
    public record Recorded(UUID id, byte[] requestHash) {

        /**
         * @return the recorded request's id, when the request now made is the same one
         * @throws WalletProblem {@code idempotency_conflict} when the key was used with a
         * different request
         */
        public UUID sameAs(byte[] requestHash) {
            if (!MessageDigest.isEqual(this.requestHash, requestHash)) {
                throw new WalletProblem(WalletProblem.Kind.CONFLICT, "idempotency_conflict",
                        "this Idempotency-Key was used with a different request");
            }
            return id;
        }

    }

    /**
     * The requests recorded earlier with these keys from this wallet, by key.
     * @param table {@code transfers} or {@code withdrawals}: a table with {@code id},
     * {@code idempotency_key} and {@code request_hash}
     * @param walletColumn the column naming the wallet the key belongs to
     */
    public static Map<String, Recorded> recorded(JdbcClient jdbc, String table, String walletColumn, UUID wallet,
            Collection<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        return jdbc
            .sql("select idempotency_key, id, request_hash from " + table + " where " + walletColumn
                    + " = ? and idempotency_key = any(?::text[])")
            .params(wallet, keys.toArray(String[]::new))
            .query((rs, n) -> Map.entry(rs.getString(1), new Recorded(rs.getObject(2, UUID.class), rs.getBytes(3))))
            .list()
            .stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * The id of the earlier request made with this key from this wallet, if any.
     * @throws WalletProblem {@code idempotency_conflict} when the key was used with a
     * different request
     * @see #recorded
     */
    public static Optional<UUID> earlier(JdbcClient jdbc, String table, String walletColumn, UUID wallet, String key,
            byte[] requestHash) {
        return Optional.ofNullable(recorded(jdbc, table, walletColumn, wallet, List.of(key)).get(key))
            .map(recorded -> recorded.sameAs(requestHash));
    }

}
