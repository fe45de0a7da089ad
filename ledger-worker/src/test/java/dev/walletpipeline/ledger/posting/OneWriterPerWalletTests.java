package dev.walletpipeline.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PostgresServer;
import dev.walletpipeline.localstack.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Each wallet has one writer: the consumer that owns its partition. Four consumers in
 * this worker (its own instance id, next to the other test classes' worker in the same
 * group) share the partitions.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = { "spring.kafka.listener.concurrency=4", "wallet.ledger.instance-id=one-writer-tests" })
class OneWriterPerWalletTests {

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private KafkaListenerEndpointRegistry listeners;

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
    }

    @Test
    void manyConsumersPostingTransfersAcrossPartitionsNeverWaitForAnotherConsumersLock() throws Exception {
        awaitSteadyAssignment();
        List<UUID> wallets = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            UUID wallet = ledger.newWallet();
            ledger.fund(wallet, 50_000);
            wallets.add(wallet);
        }
        Timer waiting = meters.get("wallet.ledger.batch.waiting").timer();
        long batchesBefore = waiting.count();
        double waitedBefore = waiting.totalTime(TimeUnit.NANOSECONDS);

        Random random = new Random(14);
        List<UUID> transfers = new ArrayList<>();
        List<TransferRequested> commands = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            UUID from = wallets.get(random.nextInt(wallets.size()));
            UUID to = wallets.get(random.nextInt(wallets.size()));
            if (from.equals(to)) {
                continue;
            }
            long amount = 100 + random.nextInt(20_000);
            UUID transfer = ledger.newPendingTransfer(from, to, amount);
            commands.add(
                    new TransferRequested(TransferRequested.VERSION, transfer, from, to, amount, "NGN", Instant.now()));
            transfers.add(transfer);
        }
        topics.publishTransferCommands(commands);
        await().atMost(Duration.ofSeconds(60))
            .until(() -> ledger
                .queryAsOwner(
                        "select count(*)::text from transfers where status = 'pending'" + " and id = any(?::uuid[])",
                        (Object) transfers.stream().map(UUID::toString).toArray(String[]::new))
                .equals("0"));

        assertThat(waiting.count() - batchesBefore).as("batches posted").isPositive();
        assertThat(waiting.totalTime(TimeUnit.NANOSECONDS) - waitedBefore).as("time waited for another consumer")
            .isZero();
        assertThat(ledger.moneyInTransit()).isZero();
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
        long total = 0;
        Map<UUID, List<LedgerEvent>> eventsOf = topics.committedEvents(Set.copyOf(wallets), Duration.ofSeconds(3));
        for (UUID wallet : wallets) {
            total += ledger.balance(wallet);
            List<LedgerEvent> events = eventsOf.getOrDefault(wallet, List.of());
            assertThat(events).as("events of wallet %s", wallet).isNotEmpty();
            // As a read_committed consumer reads them, unsorted: 1, 2, 3, ... with no
            // hole.
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).sequence()).as("event %d of wallet %s", i, wallet).isEqualTo(i + 2L);
            }
        }
        assertThat(total).isEqualTo(16 * 50_000L);
    }

    @Test
    void aBatchThatFindsItsWalletLockedByAnotherTransactionReportsTheTimeItWaited(LocalStack stack) throws Exception {
        awaitSteadyAssignment();
        UUID alice = walletOnAPartitionOfThisWorker();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 10_000);
        UUID transfer = ledger.newPendingTransfer(alice, bob, 1_000);
        Timer waiting = meters.get("wallet.ledger.batch.waiting").timer();
        double waitedBefore = waiting.totalTime(TimeUnit.MILLISECONDS);
        try (Connection other = stack.postgres().connect(PostgresServer.OWNER)) {
            // What a worker that lost the partition and has not noticed yet would hold.
            other.setAutoCommit(false);
            other.createStatement().execute("select 1 from wallets where id = '" + alice + "' for no key update");
            topics.publishTransferCommand(transfer, alice, bob, 1_000);
            await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> ledger.transferStatus(transfer).equals("pending"));
            other.commit();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(waiting.totalTime(TimeUnit.MILLISECONDS) - waitedBefore).isGreaterThan(500);
    }

    @Test
    void aTransferIsADebitIntoTransitAndACreditOutOfItEachPostedOnItsOwnWalletsPartition() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWalletWhosePartition(alice, false);
        ledger.fund(alice, 10_000);
        UUID transfer = ledger.newPendingTransfer(alice, bob, 4_000);
        topics.publishTransferCommand(transfer, alice, bob, 4_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(ledger.queryAsOwner("""
                select string_agg(posting_id || ' ' || entry_type || ' ' || amount, ', ' order by id)
                from ledger_entries where transfer_id = ?""", transfer))
            .isEqualTo(("transfer:%1$s:debit transfer_out -4000, transfer:%1$s:debit in_transit 4000, "
                    + "transfer:%1$s:credit in_transit -4000, transfer:%1$s:credit transfer_in 4000")
                .formatted(transfer));
        assertThat(
                ledger.queryAsOwner("select (debited_at <= completed_at)::text from transfers where id = ?", transfer))
            .isEqualTo("true");
        assertThat(ledger.balance(alice)).isEqualTo(6_000);
        assertThat(ledger.balance(bob)).isEqualTo(4_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aTransferBetweenTwoWalletsOfOnePartitionIsPostedWholeInOneStepWithNoCreditLeg() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWalletWhosePartition(alice, true);
        ledger.fund(alice, 10_000);
        UUID transfer = ledger.newPendingTransfer(alice, bob, 4_000);
        topics.publishTransferCommand(transfer, alice, bob, 4_000);
        // Delivered twice: the second finds the transfer completed.
        topics.publishTransferCommand(transfer, alice, bob, 4_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(ledger.queryAsOwner("""
                select string_agg(posting_id || ' ' || entry_type || ' ' || amount, ', ' order by id)
                from ledger_entries where transfer_id = ?""", transfer))
            .isEqualTo("transfer:%1$s transfer_out -4000, transfer:%1$s transfer_in 4000".formatted(transfer));
        assertThat(
                ledger.queryAsOwner("select (debited_at = completed_at)::text from transfers where id = ?", transfer))
            .isEqualTo("true");
        Map<UUID, List<LedgerEvent>> events = topics.committedEvents(Set.of(alice, bob), Duration.ofSeconds(3));
        // The funding was written straight in the database: sequence 1, no event.
        assertThat(events.get(alice)).extracting(LedgerEvent::type, LedgerEvent::balanceAfter, LedgerEvent::sequence)
            .containsExactly(tuple(LedgerEvent.Type.TransferCompleted, 6_000L, 2L));
        assertThat(events.get(bob)).extracting(LedgerEvent::type, LedgerEvent::balanceAfter, LedgerEvent::sequence)
            .containsExactly(tuple(LedgerEvent.Type.TransferCompleted, 4_000L, 1L));
        assertThat(topics.recordsOnPartitionOf("wallet.transfer-commands", bob.toString(), bob.toString(),
                Duration.ofSeconds(2)))
            .as("no credit leg keyed by the recipient")
            .isEmpty();
        assertThat(ledger.moneyInTransit()).isZero();
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aCreditLegForATransferThatWasNeverDebitedMovesNothing() throws Exception {
        Pending pending = pendingTransferOf4000();
        UUID alice = pending.from();
        UUID bob = pending.to();
        UUID transfer = pending.id();

        topics.publishWalletCommand(bob.toString(), WalletCommand.TRANSFER_IN_TRANSIT, pending.command());

        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterReason(transfer).contains("never debited"));
        assertThat(ledger.balance(bob)).isZero();
        assertThat(ledger.transferStatus(transfer)).isEqualTo("pending");
        // The real request still goes through, once.
        topics.publishTransferCommand(transfer, alice, bob, 4_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(ledger.balance(bob)).isEqualTo(4_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aCommandKeyedByAnotherWalletThanTheOneItWritesIsRefused() throws Exception {
        Pending pending = pendingTransferOf4000();
        UUID alice = pending.from();
        UUID bob = pending.to();
        UUID transfer = pending.id();

        topics.publishWalletCommand(bob.toString(), WalletCommand.TRANSFER_REQUESTED, pending.command());

        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterReason(transfer).contains("keyed by " + bob));
        assertThat(ledger.balance(alice)).isEqualTo(10_000);
        assertThat(ledger.transferStatus(transfer)).isEqualTo("pending");
    }

    /**
     * A pending transfer of 4,000 between two new wallets, the sender funded with 10,000.
     */
    private record Pending(UUID id, UUID from, UUID to) {

        byte[] command() {
            return new TransferRequested(TransferRequested.VERSION, id, from, to, 4_000, "NGN", Instant.now()).toJson()
                .getBytes(StandardCharsets.UTF_8);
        }

    }

    private Pending pendingTransferOf4000() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 10_000);
        return new Pending(ledger.newPendingTransfer(alice, bob, 4_000), alice, bob);
    }

    private String deadLetterReason(UUID transfer) throws Exception {
        return ledger.queryAsOwner("""
                select coalesce(string_agg(reason, '; '), '') from dead_letters
                where topic = 'wallet.transfer-commands' and convert_from(payload, 'UTF8') like ?""",
                "%" + transfer + "%");
    }

    /**
     * A new wallet whose commands this worker's consumers read (other test classes'
     * workers may read the rest).
     */
    private UUID walletOnAPartitionOfThisWorker() throws Exception {
        MessageListenerContainer container = listeners.getListenerContainer("transfer-commands");
        var assigned = container == null ? null : container.getAssignedPartitions();
        assertThat(assigned).isNotEmpty();
        while (true) {
            UUID wallet = ledger.newWallet();
            int partition = (int) topics.nextPosition("wallet.transfer-commands", wallet.toString())[0];
            if (assigned.contains(new TopicPartition("wallet.transfer-commands", partition))) {
                return wallet;
            }
        }
    }

    /** Until this worker's consumers own the same partitions for two seconds running. */
    private void awaitSteadyAssignment() {
        MessageListenerContainer container = listeners.getListenerContainer("transfer-commands");
        List<Set<TopicPartition>> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var assigned = container == null ? null : container.getAssignedPartitions();
            seen.add(assigned == null ? Set.of() : Set.copyOf(assigned));
            int n = seen.size();
            return n >= 5 && !seen.get(n - 1).isEmpty() && seen.subList(n - 5, n).stream().distinct().count() == 1;
        });
    }

}
