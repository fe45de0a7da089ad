package dev.walletpipeline.api.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The turn-taking itself, without a database: who runs a turn, what it decides, and that
 * no request is lost, answered twice or left waiting. {@link TransferRequestTests} shows
 * the same against PostgreSQL.
 */
class GroupCommitTests {

    private final ExecutorService callers = Executors.newFixedThreadPool(16);

    @AfterEach
    void stopCallers() throws InterruptedException {
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void requestsThatArriveDuringATurnAreDecidedTogetherInTheNextOne() throws Exception {
        CountDownLatch firstTurnMayEnd = new CountDownLatch(1);
        List<List<Integer>> groups = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, Integer, Integer> turns = new GroupCommit<>(32, 1_000, Duration.ofSeconds(30), Busy::new,
                (key, group) -> {
                    groups.add(group.stream().map(GroupCommit.Member::request).toList());
                    if (groups.size() == 1) {
                        awaitLatch(firstTurnMayEnd);
                    }
                    group.forEach(m -> m.answer(m.request() * 10));
                });

        Future<Integer> first = callers.submit(() -> turns.submit("wallet", 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.size() == 1);
        List<Future<Integer>> later = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            int request = i;
            later.add(callers.submit(() -> turns.submit("wallet", request)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.waiting() == 5);
        firstTurnMayEnd.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
        for (int i = 1; i <= 5; i++) {
            assertThat(later.get(i - 1).get(10, TimeUnit.SECONDS)).isEqualTo(i * 10);
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsExactly(0);
        assertThat(groups.get(1)).as("one turn, in arrival order").hasSize(5);
        assertThat(turns.waiting()).isZero();
    }

    @Test
    void turnsOfOneKeyNeverOverlapAndEachRequestGetsItsOwnAnswerOnce() throws Exception {
        Map<String, AtomicInteger> inTurn = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger answers = new AtomicInteger();
        AtomicInteger largestGroup = new AtomicInteger();
        GroupCommit<String, Integer, Integer> turns = new GroupCommit<>(8, 1_000, Duration.ofSeconds(30), Busy::new,
                (key, group) -> {
                    if (inTurn.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    largestGroup.accumulateAndGet(group.size(), Math::max);
                    Thread.yield();
                    group.forEach(m -> {
                        m.answer(-m.request());
                        answers.incrementAndGet();
                    });
                    inTurn.get(key).decrementAndGet();
                });

        List<Future<Boolean>> results = new ArrayList<>();
        for (int caller = 0; caller < 16; caller++) {
            int base = caller * 1_000;
            results.add(callers.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    int request = base + i;
                    if (turns.submit("wallet-" + (i % 3), request) != -request) {
                        return false;
                    }
                }
                return true;
            }));
        }
        for (Future<Boolean> result : results) {
            assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(overlaps).hasValue(0);
        assertThat(answers).hasValue(16 * 500);
        assertThat(largestGroup.get()).isBetween(1, 8);
        assertThat(turns.waiting()).isZero();
    }

    @Test
    void aTurnThatFailsFailsItsGroupOnlyAndTheNextTurnStillRuns() throws Exception {
        CountDownLatch firstTurnMayEnd = new CountDownLatch(1);
        AtomicInteger turnsRun = new AtomicInteger();
        GroupCommit<String, Integer, Integer> turns = new GroupCommit<>(32, 1_000, Duration.ofSeconds(30), Busy::new,
                (key, group) -> {
                    if (turnsRun.incrementAndGet() == 1) {
                        awaitLatch(firstTurnMayEnd);
                        throw new IllegalArgumentException("the database went away");
                    }
                    group.forEach(m -> m.answer(m.request()));
                });

        Future<Integer> failing = callers.submit(() -> turns.submit("wallet", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> turnsRun.get() == 1);
        Future<Integer> next = callers.submit(() -> turns.submit("wallet", 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.waiting() == 1);
        firstTurnMayEnd.countDown();

        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).cause()
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the database went away");
        assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void aRequestATurnLeavesUnansweredFailsInsteadOfWaitingForever() {
        BiConsumer<String, List<GroupCommit.Member<Integer, Integer>>> forgetful = (key, group) -> {
        };
        GroupCommit<String, Integer, Integer> turns = new GroupCommit<>(32, 1_000, Duration.ofSeconds(30), Busy::new,
                forgetful);

        assertThatThrownBy(() -> turns.submit("wallet", 1)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("did not answer");
        assertThatThrownBy(() -> turns.submit("wallet", 2)).as("the key's turn was released")
            .isInstanceOf(IllegalStateException.class);
        assertThat(turns.waiting()).isZero();
    }

    @Test
    void aRequestBeyondTheWaitingBoundIsRefusedAtOnceAndTheOthersAreDecided() throws Exception {
        FirstTurnHeld held = new FirstTurnHeld(2, Duration.ofSeconds(30));
        GroupCommit<String, Integer, Integer> turns = held.turns;
        Future<Integer> running = held.running;
        List<Future<Integer>> queued = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            int request = i;
            queued.add(callers.submit(() -> turns.submit("wallet", request)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.waiting() == 2);

        assertThatThrownBy(() -> turns.submit("other wallet", 3)).as("the bound counts every key's requests")
            .isInstanceOf(Busy.class);
        held.release();
        assertThat(running.get(10, TimeUnit.SECONDS)).isZero();
        for (Future<Integer> f : queued) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertThat(held.decided).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(turns.submit("other wallet", 4)).as("room again once the queue drained").isEqualTo(4);
    }

    @Test
    void aRequestThatWaitsPastItsTimeIsRefusedAndNeverDecided() throws Exception {
        FirstTurnHeld held = new FirstTurnHeld(1_000, Duration.ofMillis(200));
        GroupCommit<String, Integer, Integer> turns = held.turns;
        Future<Integer> running = held.running;
        Future<Integer> late = callers.submit(() -> turns.submit("wallet", 1));

        assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(Busy.class);
        assertThat(turns.waiting()).isZero();
        held.release();
        assertThat(running.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(turns.submit("wallet", 2)).as("the key's turns go on").isEqualTo(2);
        assertThat(held.decided).containsExactly(0, 2);
    }

    /**
     * Turns that decide every request and answer it with itself, the first of them held
     * (with request 0 of "wallet") until released, so that later requests wait.
     */
    private final class FirstTurnHeld {

        final List<Integer> decided = Collections.synchronizedList(new ArrayList<>());

        final CountDownLatch mayEnd = new CountDownLatch(1);

        final GroupCommit<String, Integer, Integer> turns;

        final Future<Integer> running;

        FirstTurnHeld(int waitingMax, Duration waitMax) {
            CountDownLatch started = new CountDownLatch(1);
            turns = new GroupCommit<>(32, waitingMax, waitMax, Busy::new, (key, group) -> {
                if (decided.isEmpty()) {
                    started.countDown();
                    awaitLatch(mayEnd);
                }
                group.forEach(m -> {
                    decided.add(m.request());
                    m.answer(m.request());
                });
            });
            running = callers.submit(() -> turns.submit("wallet", 0));
            awaitLatch(started);
        }

        void release() {
            mayEnd.countDown();
        }

    }

    /** The problem a bound refuses with. */
    private static final class Busy extends RuntimeException {

        Busy() {
            super("busy");
        }

    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
