package dev.walletpipeline.api.deposit;

import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.secret.Secrets;
import dev.walletpipeline.contracts.states.DepositStatus;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Deposit rows as api-service may touch them: opened, given their checkout URL, failed.
 * Never credited here.
 */
@Repository
class Deposits {

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    Deposits(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Deposit(String reference, UUID walletId, long amount, String currency, DepositStatus status,
            @Nullable String authorizationUrl, Instant createdAt) {
    }

    /**
     * Opens a pending deposit under a fresh reference, or returns the one opened earlier
     * with the same Idempotency-Key and amount (409 if the amount differs).
     */
    Deposit open(UUID walletId, long amount, @Nullable String idempotencyKey) {
        byte[] hash = Secrets.sha256(Long.toString(amount));
        if (idempotencyKey != null) {
            Optional<Deposit> earlier = findByIdempotencyKey(walletId, idempotencyKey, hash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        String reference = newReference();
        try {
            jdbc.sql("""
                    insert into deposits (reference, wallet_id, amount, idempotency_key, request_hash)
                    values (?, ?, ?, ?, ?)""").params(reference, walletId, amount, idempotencyKey, hash).update();
        }
        catch (DuplicateKeyException raced) {
            if (idempotencyKey != null) {
                return findByIdempotencyKey(walletId, idempotencyKey, hash).orElseThrow(() -> raced);
            }
            throw raced;
        }
        return find(reference).orElseThrow();
    }

    private Optional<Deposit> findByIdempotencyKey(UUID walletId, String key, byte[] hash) {
        var earlier = jdbc
            .sql("select reference, request_hash from deposits where wallet_id = ? and idempotency_key = ?")
            .params(walletId, key)
            .query((rs, n) -> new Object[] { rs.getString(1), rs.getBytes(2) })
            .optional();
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual((byte[]) earlier.get()[1], hash)) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "idempotency_conflict",
                    "this Idempotency-Key was used with a different request");
        }
        return find((String) earlier.get()[0]);
    }

    void checkoutReady(String reference, String authorizationUrl) {
        jdbc.sql("update deposits set authorization_url = ? where reference = ?")
            .params(authorizationUrl, reference)
            .update();
    }

    /**
     * Ends a deposit that never became a payment; a deposit no longer pending keeps its
     * status.
     */
    boolean end(String reference, DepositStatus status) {
        // The one change api-service makes (DepositStatus.to says which are allowed).
        DepositStatus.PENDING.to(status);
        return jdbc.sql("update deposits set status = ? where reference = ? and status = 'pending'")
            .params(status.wire(), reference)
            .update() == 1;
    }

    Optional<Deposit> find(String reference) {
        return jdbc.sql("select * from deposits where reference = ?")
            .param(reference)
            .query((rs, n) -> new Deposit(rs.getString("reference"), rs.getObject("wallet_id", UUID.class),
                    rs.getLong("amount"), rs.getString("currency").trim(), DepositStatus.of(rs.getString("status")),
                    rs.getString("authorization_url"), rs.getObject("created_at", OffsetDateTime.class).toInstant()))
            .optional();
    }

    /**
     * Pending deposits older than {@code age}, the least recently reconciled first (never
     * reconciled before all others), each marked as reconciled now: a run takes its turn
     * through all of them instead of asking about the same oldest ones every time.
     */
    List<Deposit> pendingOlderThan(Duration age, int limit) {
        return jdbc.sql("""
                update deposits set reconciled_at = now()
                where reference in (
                    select reference from deposits where status = 'pending' and created_at < ?
                    order by reconciled_at nulls first, created_at limit ?
                    for no key update skip locked)
                returning *""")
            .params(OffsetDateTime.now(ZoneOffset.UTC).minus(age), limit)
            .query((rs, n) -> new Deposit(rs.getString("reference"), rs.getObject("wallet_id", UUID.class),
                    rs.getLong("amount"), rs.getString("currency").trim(), DepositStatus.of(rs.getString("status")),
                    rs.getString("authorization_url"), rs.getObject("created_at", OffsetDateTime.class).toInstant()))
            .list();
    }

    /** {@code WLT-} and 16 characters Paystack accepts, unambiguous when read aloud. */
    private static String newReference() {
        char[] chars = new char[16];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return "WLT-" + new String(chars);
    }

}
