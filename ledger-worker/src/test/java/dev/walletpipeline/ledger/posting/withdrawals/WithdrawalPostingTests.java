package dev.walletpipeline.ledger.posting.withdrawals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.WithdrawalRequested;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Withdrawals in the ledger: the request's debit into payouts in flight, and Paystack's
 * proven verdicts, each applied once however often they come.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class WithdrawalPostingTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
    }

    @Test
    void aWithdrawalIsDebitedIntoPayoutsOnceAndPaidOutOnceWhateverIsRedelivered() throws Exception {
        UUID wallet = ledger.newWallet();
        ledger.fund(wallet, 100_000);
        UUID withdrawal = ledger.newWithdrawal(wallet, 60_000);
        topics.publishWalletCommand(wallet.toString(), WithdrawalRequested.TYPE,
                new WithdrawalRequested(1, withdrawal, wallet, 60_000, "NGN", Instant.now()).toJson().getBytes());
        await().atMost(WAIT).until(() -> status(withdrawal).equals("processing"));
        assertThat(ledger.balance(wallet)).isEqualTo(40_000);
        assertThat(payoutsInFlight()).isEqualTo(60_000);

        byte[] paid = PaystackBodies.transferEvent("transfer.success", withdrawal, 60_000);
        topics.publish(withdrawal.toString(), paid);
        topics.publish(withdrawal.toString(), paid);

        await().atMost(WAIT).until(() -> status(withdrawal).equals("completed"));
        assertThat(ledger.balance(wallet)).isEqualTo(40_000);
        assertThat(payoutsInFlight()).isZero();
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3)))
            .extracting(LedgerEvent::type, LedgerEvent::balanceAfter)
            .endsWith(Tuple.tuple(LedgerEvent.Type.WithdrawalRequested, 40_000L),
                    Tuple.tuple(LedgerEvent.Type.WithdrawalCompleted, 40_000L));
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aReversalAfterThePayoutReturnsTheMoneyFromClearingOnce() throws Exception {
        UUID wallet = ledger.newWallet();
        ledger.fund(wallet, 50_000);
        UUID withdrawal = ledger.newWithdrawal(wallet, 50_000);
        await().atMost(WAIT).until(() -> status(withdrawal).equals("processing"));
        topics.publish(withdrawal.toString(), PaystackBodies.transferEvent("transfer.success", withdrawal, 50_000));
        await().atMost(WAIT).until(() -> status(withdrawal).equals("completed"));

        byte[] reversed = PaystackBodies.transferEvent("transfer.reversed", withdrawal, 50_000);
        topics.publish(withdrawal.toString(), reversed);
        topics.publish(withdrawal.toString(), reversed);

        await().atMost(WAIT).until(() -> status(withdrawal).equals("reversed"));
        assertThat(ledger.balance(wallet)).isEqualTo(50_000);
        assertThat(ledger.queryAsOwner(
                "select string_agg(entry_type || ' ' || amount, ', ' order by amount) from ledger_entries where posting_id = ?",
                "withdrawal:" + withdrawal + ":returned"))
            .isEqualTo("payout_clearing -50000, withdrawal_returned 50000");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aWithdrawalOfMoreThanTheBalanceFailsAndMovesNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        ledger.fund(wallet, 10_000);

        UUID withdrawal = ledger.newWithdrawal(wallet, 20_000);

        await().atMost(WAIT).until(() -> status(withdrawal).equals("failed"));
        assertThat(ledger.queryAsOwner("select reason from withdrawals where id = ?", withdrawal))
            .isEqualTo("insufficient_funds");
        assertThat(ledger.balance(wallet)).isEqualTo(10_000);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.WithdrawalReturned);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aTransferSuccessWithoutPaystacksSignatureIsDeadLetteredAndPaysNothingOut() throws Exception {
        UUID wallet = ledger.newWallet();
        ledger.fund(wallet, 30_000);
        UUID withdrawal = ledger.newWithdrawal(wallet, 30_000);
        await().atMost(WAIT).until(() -> status(withdrawal).equals("processing"));

        topics.publish(withdrawal.toString(), PaystackBodies.transferEvent("transfer.failed", withdrawal, 30_000),
                Map.of());

        await().atMost(WAIT)
            .until(() -> ledger.queryAsOwner(
                    "select count(*)::text from dead_letters where topic = 'paystack.events' and record_key = convert_to(?, 'UTF8')",
                    withdrawal.toString()), "1"::equals);
        assertThat(status(withdrawal)).isEqualTo("processing");
        assertThat(ledger.balance(wallet)).isZero();
        topics.publish(withdrawal.toString(), PaystackBodies.transferEvent("transfer.failed", withdrawal, 30_000));
        await().atMost(WAIT).until(() -> status(withdrawal).equals("failed"));
        assertThat(ledger.balance(wallet)).isEqualTo(30_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    private String status(UUID withdrawal) throws Exception {
        return ledger.queryAsOwner("select status from withdrawals where id = ?", withdrawal);
    }

    private long payoutsInFlight() throws Exception {
        return Long.parseLong(ledger
            .queryAsOwner("select coalesce(sum(balance), 0)::text from wallets where kind = 'payouts_in_flight'"));
    }

}
