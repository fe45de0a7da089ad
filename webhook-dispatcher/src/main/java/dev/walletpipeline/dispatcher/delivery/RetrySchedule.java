package dev.walletpipeline.dispatcher.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * When a failed delivery is tried again: the schedule's wait before the next attempt,
 * varied by up to a fifth either way so that the retries of many deliveries that failed
 * together do not arrive together; at least what a 429 or 503 asked for
 * ({@code Retry-After}); never, once the schedule's last attempt has failed.
 */
record RetrySchedule(List<Duration> waits) {

    /**
     * @param attemptsMade attempts made so far, the failed one included
     * @return when to try again, or null to give the delivery up
     */
    @Nullable Instant next(int attemptsMade, Instant failedAt, @Nullable Duration retryAfter) {
        if (attemptsMade >= waits.size()) {
            return null;
        }
        Duration wait = waits.get(attemptsMade);
        long millis = wait.toMillis();
        long jitter = millis / 5;
        long varied = jitter == 0 ? millis : millis + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        Duration chosen = Duration.ofMillis(varied);
        if (retryAfter != null && retryAfter.compareTo(chosen) > 0) {
            chosen = retryAfter.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : retryAfter;
        }
        return failedAt.plus(chosen);
    }

}
