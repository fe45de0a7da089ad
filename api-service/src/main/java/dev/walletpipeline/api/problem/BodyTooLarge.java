package dev.walletpipeline.api.problem;

import java.io.IOException;

/**
 * A request body that passed its limit while it was read. Raised from the body's stream,
 * it reaches {@link ProblemAdvice} wrapped as unreadable JSON, and is answered 413
 * {@code payload_too_large}.
 */
public final class BodyTooLarge extends IOException {

    public BodyTooLarge(long max) {
        super("the request body is larger than " + max + " bytes");
    }

    static boolean among(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLarge) {
                return true;
            }
        }
        return false;
    }

}
