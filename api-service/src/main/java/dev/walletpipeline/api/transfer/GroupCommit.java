package dev.walletpipeline.api.transfer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
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

    private final BiConsumer<K, List<Member<R, O>>> turn;

    /**
     * @param groupSizeMax the most requests one turn decides: a bound on how long one
     * turn holds the key's lock
     * @param turn decides a group of requests of one key and answers each of them
     */
    GroupCommit(int groupSizeMax, BiConsumer<K, List<Member<R, O>>> turn) {
        if (groupSizeMax < 1) {
            throw new IllegalArgumentException("groupSizeMax must be at least 1, not " + groupSizeMax);
        }
        this.groupSizeMax = groupSizeMax;
        this.turn = turn;
    }

    /**
     * Decides the request in a turn of its key: runs the turn on this thread, or waits
     * for the turn that decides it.
     * @throws RuntimeException what the turn failed this request with
     */
    O submit(K key, R request) {
        Waiter<R, O> self = new Waiter<>(request);
        boolean[] first = { false };
        waiting.compute(key, (k, queue) -> {
            ArrayDeque<Waiter<R, O>> q = queue;
            if (q == null) {
                q = new ArrayDeque<>();
                first[0] = true;
            }
            q.addLast(self);
            waitingCount.incrementAndGet();
            return q;
        });
        if (first[0] || self.awaitTurnOrAnswer()) {
            runTurn(key);
        }
        return self.answer();
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
         * @return whether this caller must run the next turn
         */
        boolean awaitTurnOrAnswer() {
            CompletableFuture.anyOf(answered, yourTurn).handle((ignored, failure) -> null).join();
            return !answered.isDone();
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
