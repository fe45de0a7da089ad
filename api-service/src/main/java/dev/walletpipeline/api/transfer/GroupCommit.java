package dev.walletpipeline.api.transfer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Group commit for requests that must take turns, one key (a sending wallet) at a time.
 * Without it every request of a busy wallet waits in PostgreSQL for the wallet's lock,
 * and the lock is held through each request's commit: one wallet goes no faster than one
 * commit (a WAL flush) after another. Here, on one instance, the requests that arrive
 * while a turn runs wait in memory instead, and the next turn decides all of them
 * together, in arrival order, in one transaction with one commit.
 * <p>
 * No thread of its own: the caller that finds no turn running runs one, for its own
 * request and whatever queued before it started. When a turn ends and more requests are
 * waiting, the oldest of their callers runs the next one, so each caller runs at most one
 * turn, and that turn always includes its own request.
 * <p>
 * Bounded: at most {@code waitingMax} requests wait on an instance, and none waits for
 * its turn longer than {@code waitMax}; a request refused either way was never decided
 * and is answered with the problem {@code refused} gives (the client may send it again).
 * <p>
 * Only a throughput device. What keeps money safe is still the database: the turn holds
 * the wallet's lock, and other instances (and withdrawals) take turns with it there.
 */
final class GroupCommit<K, R, O> {

    /**
     * One request in a turn; the turn answers each exactly once, or the request fails
     * with {@link IllegalStateException}.
     */
    interface Member<R, O> {

        R request();

        void answer(O outcome);

        void fail(RuntimeException problem);

    }

    private final ConcurrentHashMap<K, ArrayDeque<Waiter<R, O>>> waiting = new ConcurrentHashMap<>();

    private final AtomicInteger waitingCount = new AtomicInteger();

    private final int groupSizeMax;

    private final int waitingMax;

    private final Duration waitMax;

    private final Supplier<RuntimeException> refused;

    private final BiConsumer<K, List<Member<R, O>>> turn;

    /**
     * @param groupSizeMax the most requests one turn decides: a bound on how long one
     * turn holds the key's lock
     * @param waitingMax the most requests waiting for a turn, of every key together
     * @param waitMax the longest a request waits for its turn to start
     * @param refused the problem for a request refused by either bound
     * @param turn decides a group of requests of one key and answers each of them
     */
    GroupCommit(int groupSizeMax, int waitingMax, Duration waitMax, Supplier<RuntimeException> refused,
            BiConsumer<K, List<Member<R, O>>> turn) {
        if (groupSizeMax < 1 || waitingMax < 1) {
            throw new IllegalArgumentException(
                    "groupSizeMax and waitingMax must be at least 1, not " + groupSizeMax + " and " + waitingMax);
        }
        this.groupSizeMax = groupSizeMax;
        this.waitingMax = waitingMax;
        this.waitMax = waitMax;
        this.refused = refused;
        this.turn = turn;
    }

    /**
     * Decides the request in a turn of its key: runs the turn on this thread, or waits
     * for the turn that decides it.
     * @throws RuntimeException what the turn failed this request with
     */
    O submit(K key, R request) {
        if (waitingCount.incrementAndGet() > waitingMax) {
            waitingCount.decrementAndGet();
            throw refused.get();
        }
        Waiter<R, O> self = new Waiter<>(request);
        boolean[] first = { false };
        waiting.compute(key, (k, queue) -> {
            ArrayDeque<Waiter<R, O>> q = queue;
            if (q == null) {
                q = new ArrayDeque<>();
                first[0] = true;
            }
            q.addLast(self);
            return q;
        });
        if (first[0] || awaitTurnOrAnswer(key, self)) {
            runTurn(key);
        }
        return self.answer();
    }

    /**
     * Waits until the request is answered or it is this caller's turn, at most
     * {@code waitMax}; a request still in the queue then leaves it, refused.
     * @return whether this caller must run the next turn
     */
    private boolean awaitTurnOrAnswer(K key, Waiter<R, O> self) {
        if (self.awaitTurnOrAnswer(waitMax)) {
            return !self.answered.isDone();
        }
        boolean[] left = { false };
        // Under the key's lock, where a turn takes its group and names the next caller: a
        // request already taken stays for its answer, one named stays to run its turn.
        waiting.computeIfPresent(key, (k, queue) -> {
            if (!self.yourTurn.isDone() && queue.remove(self)) {
                left[0] = true;
                waitingCount.decrementAndGet();
            }
            return queue;
        });
        if (left[0]) {
            throw refused.get();
        }
        self.awaitTurnOrAnswer(null);
        return !self.answered.isDone();
    }

    /**
     * Requests of every key waiting for a turn to start (not those in a running turn).
     */
    int waiting() {
        return waitingCount.get();
    }

    /** Runs one turn; the caller's own request is at the head of the queue. */
    private void runTurn(K key) {
        List<Waiter<R, O>> group = new ArrayList<>();
        waiting.computeIfPresent(key, (k, queue) -> {
            while (!queue.isEmpty() && group.size() < groupSizeMax) {
                group.add(queue.pollFirst());
                waitingCount.decrementAndGet();
            }
            return queue;
        });
        try {
            turn.accept(key, List.copyOf(group));
        }
        catch (RuntimeException failure) {
            group.forEach(w -> w.fail(failure));
        }
        finally {
            group.forEach(w -> w.fail(new IllegalStateException("the turn did not answer this request")));
            waiting.computeIfPresent(key, (k, queue) -> {
                Waiter<R, O> next = queue.peekFirst();
                if (next == null) {
                    return null;
                }
                next.yourTurn.complete(null);
                return queue;
            });
        }
    }

    private static final class Waiter<R, O> implements Member<R, O> {

        private final R request;

        private final CompletableFuture<@Nullable O> answered = new CompletableFuture<>();

        private final CompletableFuture<@Nullable Void> yourTurn = new CompletableFuture<>();

        Waiter(R request) {
            this.request = request;
        }

        @Override
        public R request() {
            return request;
        }

        @Override
        public void answer(O outcome) {
            answered.complete(outcome);
        }

        /** Has no effect once answered: the first answer stands. */
        @Override
        public void fail(RuntimeException problem) {
            answered.completeExceptionally(problem);
        }

        /**
         * @param timeout the longest to wait, or null for as long as it takes
         * @return false when the time ran out first
         */
        boolean awaitTurnOrAnswer(@Nullable Duration timeout) {
            CompletableFuture<@Nullable Object> either = CompletableFuture.anyOf(answered, yourTurn);
            try {
                if (timeout == null) {
                    either.handle((ignored, failure) -> null).join();
                }
                else {
                    either.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                }
                return true;
            }
            catch (ExecutionException failed) {
                return true;
            }
            catch (TimeoutException late) {
                return false;
            }
            catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        O answer() {
            try {
                O outcome = answered.join();
                if (outcome == null) {
                    throw new IllegalStateException("a turn answered null");
                }
                return outcome;
            }
            catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException problem) {
                    throw problem;
                }
                throw e;
            }
        }

    }

}
