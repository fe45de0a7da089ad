package dev.walletpipeline.api.money;

import dev.walletpipeline.api.problem.WalletProblem;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code Idempotency-Key} of a request that moves money: checked when it arrives, and
 * looked up before anything new is recorded, so that a repeated request answers what the
 * first one did and a key reused for another request is refused.
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /** The header checked: absent, or 1 to 200 characters. */
    public static @Nullable String check(@Nullable String header) {
        if (header != null && (header.isBlank() || header.length() > 200)) {
            throw WalletProblem.invalid("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
        }
        return header;
    }

    /**
     * The id of the earlier request made with this key from this wallet, if any.
     * @param table {@code transfers} or {@code withdrawals}: a table with {@code id},
     * {@code idempotency_key} and {@code request_hash}
     * @param walletColumn the column naming the wallet the key belongs to
     * @param requestHash the hash of the request now made
     * @throws WalletProblem {@code idempotency_conflict} when the key was used with a
     * different request
     */
    public static Optional<UUID> earlier(JdbcClient jdbc, String table, String walletColumn, UUID wallet, String key,
            byte[] requestHash) {
        var earlier = jdbc
            .sql("select id, request_hash from " + table + " where " + walletColumn + " = ? and idempotency_key = ?")
            .params(wallet, key)
            .query((rs, n) -> new Object[] { rs.getObject(1, UUID.class), rs.getBytes(2) })
            .optional();
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual((byte[]) earlier.get()[1], requestHash)) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "idempotency_conflict",
                    "this Idempotency-Key was used with a different request");
        }
        return Optional.of((UUID) earlier.get()[0]);
    }

}
