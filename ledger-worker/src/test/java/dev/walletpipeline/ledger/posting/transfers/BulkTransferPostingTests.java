package dev.walletpipeline.ledger.posting.transfers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.TransferBatchRequested;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A bulk transfer's one command debits its items in order; an atomic batch is debited
 * whole or rejected whole, however its items arrive.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class BulkTransferPostingTests {

    private LedgerProbe ledger;

    private TopicProbe topics;

    private UUID alice;

    /** On alice's partition: credited in the same step as her debit. */
    private UUID bob;

    /** On another partition: credited by its credit leg. */
    private UUID carol;

    @BeforeEach
    void setUp(LocalStack stack) throws Exception {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
        alice = ledger.newWallet();
        bob = ledger.newWalletWhosePartition(alice, true);
        carol = ledger.newWalletWhosePartition(alice, false);
    }

    @Test
    void anAtomicBatchTheSenderCanPayIsDebitedWholeAndEachItemCreditedOnceEvenWhenItsCommandIsRedelivered()
            throws Exception {
        ledger.fund(alice, 10_000);
        List<UUID> items = ledger.newPendingBatch(alice, true, List.of(bob, carol), List.of(4_000L, 5_000L));

        publishBatch(items);
        publishBatch(items);

        await().atMost(Duration.ofSeconds(30))
            .until(() -> ledger.transferStatus(items.get(0)).equals("completed")
                    && ledger.transferStatus(items.get(1)).equals("completed"));
        assertThat(ledger.balance(alice)).isEqualTo(1_000);
        assertThat(ledger.balance(bob)).isEqualTo(4_000);
        assertThat(ledger.balance(carol)).isEqualTo(5_000);
        assertThat(topics.committedEvents(alice, Duration.ofSeconds(3)))
            .extracting(LedgerEvent::type, LedgerEvent::balanceAfter)
            .containsExactly(tuple(LedgerEvent.Type.TransferCompleted, 6_000L),
                    tuple(LedgerEvent.Type.TransferCompleted, 1_000L));
        assertThat(topics.committedEvents(carol, Duration.ofSeconds(2))).hasSize(1);
        assertThat(ledger.moneyInTransit()).isZero();
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void anAtomicBatchTheSenderCannotPayWholeIsRejectedWholeAndMovesNothing() throws Exception {
        ledger.fund(alice, 5_000);
        List<UUID> items = ledger.newPendingBatch(alice, true, List.of(bob, carol), List.of(3_000L, 3_000L));

        publishBatch(items);

        await().atMost(Duration.ofSeconds(30))
            .until(() -> ledger.transferStatus(items.get(0)).equals("rejected")
                    && ledger.transferStatus(items.get(1)).equals("rejected"));
        assertThat(ledger.queryAsOwner(
                "select string_agg(reason, ',' order by batch_item) from transfers where batch_id = ?",
                ledger.batchOf(items.get(0))))
            .isEqualTo("insufficient_funds,insufficient_funds");
        assertThat(ledger.balance(alice)).isEqualTo(5_000);
        assertThat(ledger.balance(bob)).isZero();
        assertThat(ledger.balance(carol)).isZero();
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void anItemOfAnAtomicBatchSentAloneIsDecidedWithItsWholeBatch() throws Exception {
        ledger.fund(alice, 5_000);
        List<UUID> items = ledger.newPendingBatch(alice, true, List.of(bob, carol), List.of(3_000L, 3_000L));

        // As the outbox sweep re-sends a transfer still pending: the first item alone,
        // which alice could pay on its own.
        topics.publishTransferCommand(items.get(0), alice, bob, 3_000);

        await().atMost(Duration.ofSeconds(30))
            .until(() -> ledger.transferStatus(items.get(0)).equals("rejected")
                    && ledger.transferStatus(items.get(1)).equals("rejected"));
        assertThat(ledger.balance(alice)).isEqualTo(5_000);
        assertThat(ledger.balance(bob)).isZero();
    }

    @Test
    void inABatchThatIsNotAtomicEachItemIsDecidedAloneInOrder() throws Exception {
        ledger.fund(alice, 5_000);
        List<UUID> items = ledger.newPendingBatch(alice, false, List.of(bob, carol, carol),
                List.of(3_000L, 3_000L, 2_000L));

        publishBatch(items);

        await().atMost(Duration.ofSeconds(30))
            .until(() -> !ledger.transferStatus(items.get(2)).equals("pending")
                    && ledger.transferStatus(items.get(0)).equals("completed"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(items.get(2)).equals("completed"));
        assertThat(ledger.transferStatus(items.get(1))).isEqualTo("rejected");
        assertThat(ledger.balance(alice)).isZero();
        assertThat(ledger.balance(bob)).isEqualTo(3_000);
        assertThat(ledger.balance(carol)).isEqualTo(2_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aBatchWhoseEveryItemWasRefusedWhenAcceptedIsACommandThatChangesNothing() throws Exception {
        ledger.fund(alice, 1_000);
        List<UUID> items = ledger.newPendingBatch(alice, false, List.of(bob, carol), List.of(4_000L, 5_000L));
        // As api-service records items the available balance cannot cover: its batch row
        // is streamed all the same.
        ledger.executeAsOwner("""
                update transfers set status = 'rejected', reason = 'insufficient_funds', completed_at = now()
                where batch_id = ?""", ledger.batchOf(items.get(0)));
        publishBatch(items);
        UUID later = ledger.newPendingTransfer(alice, bob, 600);
        topics.publishTransferCommand(later, alice, bob, 600);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(later).equals("completed"));
        assertThat(items).allSatisfy(item -> assertThat(ledger.transferStatus(item)).isEqualTo("rejected"));
        assertThat(ledger.balance(alice)).isEqualTo(400);
        assertThat(topics.committedEvents(alice, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.TransferCompleted);
        assertThat(ledger.queryAsOwner(
                "select count(*)::text from dead_letters where record_key = convert_to(?, 'UTF8')", alice.toString()))
            .isEqualTo("0");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    private void publishBatch(List<UUID> items) throws Exception {
        TransferBatchRequested command = new TransferBatchRequested(TransferBatchRequested.VERSION,
                ledger.batchOf(items.get(0)), alice, Instant.now());
        topics.publishWalletCommand(alice.toString(), WalletCommand.TRANSFER_BATCH_REQUESTED,
                command.toJson().getBytes(StandardCharsets.UTF_8));
    }

}
