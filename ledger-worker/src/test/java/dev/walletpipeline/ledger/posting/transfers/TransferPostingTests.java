package dev.walletpipeline.ledger.posting.transfers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class TransferPostingTests {

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
    }

    @Test
    void aTransferMovesMoneyOnceWithOneEventPerSideEvenWhenItsCommandIsRedelivered() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 10_000);
        UUID transfer = ledger.newPendingTransfer(alice, bob, 3_000);

        topics.publishTransferCommand(transfer, alice, bob, 3_000);
        topics.publishTransferCommand(transfer, alice, bob, 3_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(ledger.balance(alice)).isEqualTo(7_000);
        assertThat(ledger.balance(bob)).isEqualTo(3_000);
        assertThat(topics.committedEvents(bob, Duration.ofSeconds(3)))
            .extracting(LedgerEvent::type, LedgerEvent::balanceAfter)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.TransferCompleted, 3_000L));
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aWalletsEntriesAreNeverPostedEarlierThanTheEntryBeforeThemWhateverTheClockSays() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 10_000);
        // As if the worker that posted alice's and bob's last entries had a clock a
        // minute ahead.
        String ahead = Instant.now().plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MICROS).toString();
        ledger.executeAsOwner("update wallets set last_posted_at = ?::timestamptz where id in (?, ?)", ahead, alice,
                bob);
        UUID transfer = ledger.newPendingTransfer(alice, bob, 3_000);

        topics.publishTransferCommand(transfer, alice, bob, 3_000);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(ledger.queryAsOwner("""
                select count(*)::text from ledger_entries
                where transfer_id = ? and wallet_id in (?, ?) and created_at = ?::timestamptz""", transfer, alice, bob,
                ahead))
            .as("both sides posted at the later time, not the worker's own")
            .isEqualTo("2");
        assertThat(ledger.queryAsOwner(
                "select count(*)::text from wallets where id in (?, ?) and last_posted_at = ?::timestamptz", alice, bob,
                ahead))
            .isEqualTo("2");
        assertThat(topics.committedEvents(bob, Duration.ofSeconds(3))).extracting(e -> e.occurredAt().toString())
            .containsExactly(ahead);
    }

    @Test
    void aTransferThatNoLongerFitsTheBalanceAtApplyTimeIsRejectedWithAReason() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 1_000);
        UUID first = ledger.newPendingTransfer(alice, bob, 800);
        UUID second = ledger.newPendingTransfer(alice, bob, 800);

        topics.publishTransferCommand(first, alice, bob, 800);
        topics.publishTransferCommand(second, alice, bob, 800);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(second).equals("rejected"));
        assertThat(ledger.transferStatus(first)).isEqualTo("completed");
        assertThat(ledger.balance(alice)).isEqualTo(200);
        assertThat(topics.committedEvents(alice, Duration.ofSeconds(3)))
            .extracting(LedgerEvent::type, LedgerEvent::reason)
            .endsWith(Tuple.tuple(LedgerEvent.Type.TransferRejected, "insufficient_funds"));
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void transfersBothWaysBetweenTwoWalletsNeverDeadlock() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 100_000);
        ledger.fund(bob, 100_000);
        List<UUID> transfers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean forth = i % 2 == 0;
            UUID from = forth ? alice : bob;
            UUID to = forth ? bob : alice;
            UUID transfer = ledger.newPendingTransfer(from, to, 100 + i);
            transfers.add(transfer);
            topics.publishTransferCommand(transfer, from, to, 100 + i);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (UUID transfer : transfers) {
                if (!ledger.transferStatus(transfer).equals("completed")) {
                    return false;
                }
            }
            return true;
        });
        assertThat(ledger.balance(alice) + ledger.balance(bob)).isEqualTo(200_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void anUnreadableCommandGoesToTheDeadLetterTopicAndTheConsumerCarriesOn() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 1_000);
        topics.publishRaw("wallet.transfer-commands", alice.toString(), "{not json".getBytes());
        UUID transfer = ledger.newPendingTransfer(alice, bob, 500);
        topics.publishTransferCommand(transfer, alice, bob, 500);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(topics.recordsOn("wallet.transfer-commands.dlt", alice.toString(), Duration.ofSeconds(3)))
            .anySatisfy(body -> assertThat(new String(body)).isEqualTo("{not json"));
    }

    @Test
    void aCommandAtAPositionSeenBeforeIsAppliedWhenItMeansAnotherTransfer() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 5_000);
        UUID transfer = ledger.newPendingTransfer(alice, bob, 1_500);
        // As if the topic had been recreated: the position the command will take is
        // already in processed_messages, for another transfer, with events of its own.
        long[] next = topics.nextPosition("wallet.transfer-commands", alice.toString());
        ledger.executeAsOwner("""
                insert into processed_messages (topic, kafka_partition, kafka_offset, message_id, emitted)
                values ('wallet.transfer-commands', ?, ?, ?, '[]')""", (int) next[0], next[1],
                "transfer:" + UUID.randomUUID());

        topics.publishTransferCommand(transfer, alice, bob, 1_500);

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(transfer).equals("completed"));
        assertThat(ledger.balance(bob)).isEqualTo(1_500);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

}
