package dev.walletpipeline.api.ratelimit;

import dev.walletpipeline.api.problem.WalletProblem;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/**
 * Fixed one-minute windows per (limit, key), in this instance's memory. Several instances each
 * allow the limit: good enough against a runaway client or a guessing script; a shared store would
 * be the next step for a large fleet.
 */
@Component
public class RateLimiter {

    private static final long WINDOW_MS = 60_000;

    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** Counts one call; refuses it with 429 and Retry-After when the key is over its limit this minute. */
    public void acquire(String limit, String key, int perMinute) {
        long now = clock.millis();
        long windowStart = now - now % WINDOW_MS;
        Window window = windows.compute(limit + ":" + key, (k, current) ->
                current == null || current.start != windowStart ? new Window(windowStart, 1)
                        : new Window(windowStart, current.count + 1));
        if (window.count > perMinute) {
            throw WalletProblem.rateLimited(Duration.ofMillis(windowStart + WINDOW_MS - now));
        }
        if (windows.size() > 100_000) {
            windows.entrySet().removeIf(e -> e.getValue().start < windowStart);
        }
    }

    private record Window(long start, int count) {
    }
}
