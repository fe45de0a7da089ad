package dev.walletpipeline.api.problem;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Something the API refuses, with the stable {@code code} of docs/API.md. Features throw
 * it (or a subclass named after what went wrong) without knowing about HTTP;
 * {@link ProblemAdvice} turns the {@link Kind} into a status.
 */
public class WalletProblem extends RuntimeException {

    public enum Kind {

        VALIDATION(400), UNAUTHENTICATED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), TOO_LARGE(413),
        REFUSED(422), RATE_LIMITED(429), UPSTREAM_FAILED(502), UNAVAILABLE(503), UPSTREAM_TIMEOUT(504);

        final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

    }

    private final Kind kind;

    private final String code;

    private final @Nullable String field;

    private final @Nullable Duration retryAfter;

    public WalletProblem(Kind kind, String code, String detail) {
        this(kind, code, detail, null, null);
    }

    protected WalletProblem(Kind kind, String code, String detail, @Nullable String field,
            @Nullable Duration retryAfter) {
        super(detail, null, false, false);
        this.kind = kind;
        this.code = code;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    public static WalletProblem invalid(String field, String detail) {
        return new WalletProblem(Kind.VALIDATION, "validation_failed", detail, field, null);
    }

    /** A parameter refused with a code of its own (not {@code validation_failed}). */
    public static WalletProblem invalid(String field, String code, String detail) {
        return new WalletProblem(Kind.VALIDATION, code, detail, field, null);
    }

    public static WalletProblem notFound(String what) {
        return new WalletProblem(Kind.NOT_FOUND, "not_found", what + " not found");
    }

    /**
     * A refund or chargeback took back money the wallet had already spent: it sends
     * nothing (transfers, withdrawals) until it is back to zero or above.
     */
    public static WalletProblem inDebt(long balance) {
        return new WalletProblem(Kind.REFUSED, "wallet_in_debt", "the wallet's balance is " + balance
                + " after a refund or chargeback; it can send money again once it is back to zero or above");
    }

    public static WalletProblem rateLimited(Duration retryAfter) {
        return new WalletProblem(Kind.RATE_LIMITED, "rate_limited", "too many requests; retry later", null, retryAfter);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public @Nullable String field() {
        return field;
    }

    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

}
