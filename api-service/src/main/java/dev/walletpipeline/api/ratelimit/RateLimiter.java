package dev.walletpipeline.api.ratelimit;

import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.problem.WalletProblem;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * A generic cell rate limiter (GCRA) per (limit, key): up to {@code perMinute} calls in a
 * burst, refilled evenly over the minute, with an exact Retry-After. Keys are the caller
 * (API key, person) where there is one, the client address (see {@link ClientAddress})
 * otherwise. State lives in this instance's memory, so each instance allows the limit: N
 * instances allow N times it (the README says so). Enough against a runaway client or a
 * guessing script; a shared store would be the next step for a large fleet.
 */
@Component
public class RateLimiter {

    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();

    /**
     * Theoretical arrival time of the next call that fits, per key, in System.nanoTime
     * terms.
     */
    private final ConcurrentMap<String, Long> arrivals = new ConcurrentHashMap<>();

    private final int moneyPerCallerPerMinute;

    RateLimiter(ApiSettings settings) {
        this.moneyPerCallerPerMinute = settings.rateLimits().moneyPerCallerPerMinute();
    }

    /** Counts one call that starts moving money (a deposit, a transfer), per caller. */
    public void acquireMoneyCall(Caller caller) {
        acquire("money", caller.rateLimitKey(), moneyPerCallerPerMinute);
    }

    /**
     * Counts one call; refuses it with 429 and Retry-After when the key is over its
     * limit.
     */
    public void acquire(String limit, String key, int perMinute) {
        long interval = MINUTE_NANOS / Math.max(1, perMinute);
        long tolerance = MINUTE_NANOS - interval;
        long now = System.nanoTime();
        long[] wait = { 0 };
        arrivals.compute(limit + ":" + key, (k, theoretical) -> {
            long start = theoretical == null ? now : Math.max(theoretical, now);
            if (start - now > tolerance) {
                wait[0] = start - now - tolerance;
                return theoretical;
            }
            return start + interval;
        });
        if (wait[0] > 0) {
            throw WalletProblem.rateLimited(Duration.ofNanos(wait[0]).plusMillis(999));
        }
        if (arrivals.size() > 100_000) {
            arrivals.values().removeIf(theoretical -> theoretical < now);
        }
    }

}
