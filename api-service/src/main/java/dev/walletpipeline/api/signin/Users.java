package dev.walletpipeline.api.signin;

import java.security.SecureRandom;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import dev.walletpipeline.api.problem.WalletProblem;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * People and their wallets: the first sign-in creates both in one transaction, later ones
 * find them.
 */
@Repository
class Users {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    Users(JdbcClient jdbc, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    record User(UUID id, String email, @Nullable String name, String walletNumber) {
    }

    /**
     * The user with this Google subject, created with a wallet if new. Two racing first
     * sign-ins meet at the unique subject: one inserts, the other waits for it and finds
     * its user and wallet.
     */
    User signIn(String subject, String email, @Nullable String name) {
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                User user = transaction.execute(status -> findOrCreate(subject, email, name));
                if (user != null) {
                    return user;
                }
            }
            catch (DuplicateKeyException walletNumberTaken) {
                // a 13-digit number drawn twice: draw again
            }
        }
        throw new IllegalStateException("could not create a wallet for a new user");
    }

    private User findOrCreate(String subject, String email, @Nullable String name) {
        UUID id = UUID.randomUUID();
        // Any conflict: the subject (signed in before) or the email (another Google
        // account has it).
        int inserted = jdbc.sql("""
                insert into users (id, email, name, google_subject) values (?, ?, ?, ?)
                on conflict do nothing""").params(id, email, name, subject).update();
        if (inserted == 1) {
            jdbc.sql("insert into wallets (id, user_id, number) values (?, ?, ?)")
                .params(UUID.randomUUID(), id, newWalletNumber())
                .update();
        }
        try {
            return userWhere("u.google_subject = ?", subject);
        }
        catch (EmptyResultDataAccessException emailTakenByAnotherAccount) {
            throw new WalletProblem(WalletProblem.Kind.CONFLICT, "email_already_registered",
                    "this email already belongs to a wallet signed up with another Google account");
        }
    }

    User find(UUID id) {
        return userWhere("u.id = ?", id);
    }

    private User userWhere(String condition, Object value) {
        return jdbc
            .sql("select u.id, u.email, u.name, w.number from users u join wallets w on w.user_id = u.id where "
                    + condition)
            .param(value)
            .query((rs, n) -> new User(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4)))
            .single();
    }

    /**
     * 13 random digits, not derived from anything: a wallet number says nothing about its
     * owner.
     */
    private static String newWalletNumber() {
        return (1 + RANDOM.nextInt(9)) + String.format("%012d", RANDOM.nextLong(1_000_000_000_000L));
    }

}
