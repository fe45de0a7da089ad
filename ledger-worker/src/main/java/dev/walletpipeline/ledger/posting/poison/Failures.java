package dev.walletpipeline.ledger.posting.poison;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Tells a failure that retrying cannot fix from one that time can. Permanent: the record
 * is unreadable or unproven, the database refused its values (SQLSTATE class 22, data
 * exception: a U+0000 in a string, an out-of-range number) or a constraint refused what
 * it asked (class 23), or arithmetic overflowed. Everything else (no connection, the
 * server shutting down, a deadlock or serialization failure, a broker away, a missing
 * grant) is retried, never skipped: skipping would lose money, and none of those are
 * caused by the record itself.
 */
public final class Failures {

    private Failures() {
    }

    public static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PoisonRecord || t instanceof ArithmeticException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sqlState(sql);
                return state != null && (state.startsWith("22") || state.startsWith("23"));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The reason kept with a dead letter: the innermost message, without bytes Postgres
     * text refuses.
     */
    public static String reason(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = failure instanceof PoisonRecord ? failure.getMessage()
                : innermost.getClass().getSimpleName() + ": " + innermost.getMessage();
        return printable(message == null ? failure.getClass().getSimpleName() : message);
    }

    /** Why a record was refused before anything was posted: unproven, or unreadable. */
    public static String refusal(RuntimeException refused) {
        String reason = refused instanceof PoisonRecord ? refused.getMessage() : "unreadable: " + refused.getMessage();
        return printable(String.valueOf(reason));
    }

    public static String printable(String text) {
        String cleaned = text.replace("\0", "\\u0000");
        return cleaned.length() > 2000 ? cleaned.substring(0, 2000) + "..." : cleaned;
    }

    private static @Nullable String sqlState(SQLException sql) {
        for (SQLException e = sql; e != null; e = e.getNextException()) {
            if (e.getSQLState() != null) {
                return e.getSQLState();
            }
        }
        return null;
    }

}
