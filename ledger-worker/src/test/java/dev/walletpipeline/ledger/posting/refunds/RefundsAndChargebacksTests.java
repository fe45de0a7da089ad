package dev.walletpipeline.ledger.posting.refunds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Refunds and chargebacks of credited deposits, through the real routing and posting:
 * Paystack-signed events on {@code paystack.events}, ledger-worker, PostgreSQL.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class RefundsAndChargebacksTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
    }

    @Test
    void aPartialRefundDebitsTheWalletOnceHoweverOftenPaystackSendsIt() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = creditedDeposit(wallet, 500_000);
        long refundId = id();

        byte[] refund = PaystackBodies.refundProcessed(reference, refundId, 200_000);
        topics.publish(reference, refund);
        topics.publish(reference, refund);

        await().atMost(WAIT).until(() -> ledger.balance(wallet) == 300_000);
        List<LedgerEvent> events = topics.committedEvents(wallet, Duration.ofSeconds(3));
        assertThat(events).extracting(LedgerEvent::type, LedgerEvent::amount, LedgerEvent::balanceAfter)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.DepositCredited, 500_000L, 500_000L),
                    Tuple.tuple(LedgerEvent.Type.DepositRefunded, 200_000L, 300_000L));
        assertThat(events.get(1).reference()).isEqualTo(reference);
        assertThat(events.get(1).reason()).isEqualTo("refund " + refundId);
        assertThat(ledger
            .queryAsOwner("select string_agg(entry_type || ' ' || amount, ', ' order by amount) from ledger_entries"
                    + " where posting_id = ?", "refund:" + reference + ":" + refundId))
            .isEqualTo("refund -200000, refund_clearing 200000");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void refundsThatWouldTakeBackMoreThanTheDepositMoveNothingAndAreRecordedForAPerson() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = creditedDeposit(wallet, 100_000);
        long tooMuch = id();

        topics.publish(reference, PaystackBodies.refundProcessed(reference, id(), 60_000));
        topics.publish(reference, PaystackBodies.refundProcessed(reference, tooMuch, 60_000));

        await().atMost(WAIT)
            .until(() -> ledger.queryAsOwner(
                    "select count(*)::text from payment_exceptions where reference = ? and reason like ?", reference,
                    "refund " + tooMuch + " of 60000 would take back more than the deposit%"), "1"::equals);
        assertThat(ledger.balance(wallet)).isEqualTo(40_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aRefundOfMoneyAlreadySpentPutsTheWalletInDebtWhichRefusesItsTransfersUntilMoneyComesIn() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID friend = ledger.newWallet();
        String reference = creditedDeposit(wallet, 100_000);
        UUID spent = ledger.newPendingTransfer(wallet, friend, 80_000);
        topics.publishTransferCommand(spent, wallet, friend, 80_000);
        await().atMost(WAIT).until(() -> ledger.transferStatus(spent).equals("completed"));

        topics.publish(reference, PaystackBodies.refundProcessed(reference, id(), 100_000));
        await().atMost(WAIT).until(() -> ledger.balance(wallet) == -80_000);

        UUID refused = ledger.newPendingTransfer(wallet, friend, 100);
        topics.publishTransferCommand(refused, wallet, friend, 100);
        await().atMost(WAIT).until(() -> ledger.transferStatus(refused).equals("rejected"));
        assertThat(ledger.queryAsOwner("select reason from transfers where id = ?", refused))
            .isEqualTo("wallet_in_debt");

        String next = creditedDeposit(wallet, 100_000);
        assertThat(ledger.balance(wallet)).isEqualTo(20_000);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3))).extracting(LedgerEvent::type)
            .containsExactly(LedgerEvent.Type.DepositCredited, LedgerEvent.Type.TransferCompleted,
                    LedgerEvent.Type.DepositRefunded, LedgerEvent.Type.TransferRejected,
                    LedgerEvent.Type.DepositCredited);
        assertThat(next).isNotEqualTo(reference);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void theDatabaseRefusesAnyOtherEntryThatTakesACustomerBelowZero() throws Exception {
        UUID wallet = ledger.newWallet();
        String sql = """
                insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                    transfer_id, event_id)
                values ('forged', ?, -100, -100, 1, 'transfer_out', ?, gen_random_uuid())""";
        UUID transfer = ledger.newPendingTransfer(wallet, ledger.newWallet(), 100);

        Assertions.assertThatThrownBy(() -> ledger.executeAsOwner(sql, wallet, transfer))
            .hasMessageContaining("below_zero_only_by_refund_or_chargeback");
    }

    @Test
    void aDisputeHoldsTheAmountAtOnceAndResolvedForUsGivesItBack() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = creditedDeposit(wallet, 300_000);
        long dispute = id();

        topics.publish(reference, PaystackBodies.dispute(reference, dispute, 120_000, null));
        await().atMost(WAIT).until(() -> ledger.balance(wallet) == 180_000);
        assertThat(disputesHeld()).isEqualTo(120_000);

        topics.publish(reference, PaystackBodies.dispute(reference, dispute, 120_000, "declined"));
        await().atMost(WAIT).until(() -> ledger.balance(wallet) == 300_000);

        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3)))
            .extracting(LedgerEvent::type, LedgerEvent::balanceAfter)
            .containsExactly(Tuple.tuple(LedgerEvent.Type.DepositCredited, 300_000L),
                    Tuple.tuple(LedgerEvent.Type.ChargebackHeld, 180_000L),
                    Tuple.tuple(LedgerEvent.Type.ChargebackReleased, 300_000L));
        assertThat(disputesHeld()).isZero();
        assertThat(ledger.queryAsOwner("select status || ' ' || resolution from disputes where id = ?",
                Long.toString(dispute)))
            .isEqualTo("released declined");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aDisputeTheCustomerWinsIsChargedBackOnceEvenWhenTheResolutionComesTwice() throws Exception {
        UUID wallet = ledger.newWallet();
        UUID friend = ledger.newWallet();
        String reference = creditedDeposit(wallet, 50_000);
        UUID spent = ledger.newPendingTransfer(wallet, friend, 50_000);
        topics.publishTransferCommand(spent, wallet, friend, 50_000);
        await().atMost(WAIT).until(() -> ledger.transferStatus(spent).equals("completed"));
        long dispute = id();
        String clearingBefore = clearing();

        topics.publish(reference, PaystackBodies.dispute(reference, dispute, 50_000, null));
        byte[] resolved = PaystackBodies.dispute(reference, dispute, 50_000, "merchant-accepted");
        topics.publish(reference, resolved);
        topics.publish(reference, resolved);

        await().atMost(WAIT)
            .until(() -> ledger.queryAsOwner("select status from disputes where id = ?", Long.toString(dispute)),
                    "charged_back"::equals);
        assertThat(topics.committedEvents(wallet, Duration.ofSeconds(3)))
            .extracting(LedgerEvent::type, LedgerEvent::balanceAfter)
            .endsWith(Tuple.tuple(LedgerEvent.Type.ChargebackHeld, -50_000L),
                    Tuple.tuple(LedgerEvent.Type.ChargebackDebited, -50_000L));
        assertThat(ledger.balance(wallet)).isEqualTo(-50_000);
        assertThat(disputesHeld()).isZero();
        assertThat(Long.parseLong(clearing()) - Long.parseLong(clearingBefore)).isEqualTo(50_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void refundsAndDisputesOfReferencesWeNeverIssuedAreRecordedAndMoveNothing() throws Exception {
        String unknown = "WLT-NEVER-" + id();

        topics.publish(unknown, PaystackBodies.refundProcessed(unknown, id(), 1_000));
        topics.publish(unknown, PaystackBodies.dispute(unknown, id(), 1_000, null));

        await().atMost(WAIT)
            .until(() -> ledger.queryAsOwner(
                    "select count(*)::text from payment_exceptions where reference = ? and reason = 'unknown reference'",
                    unknown), "2"::equals);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    private String creditedDeposit(UUID wallet, long amount) throws Exception {
        String reference = ledger.newPendingDeposit(wallet, amount);
        topics.publish(reference, PaystackBodies.chargeSuccess(reference, amount, "NGN"));
        await().atMost(WAIT).until(() -> ledger.depositStatus(reference).equals("success"));
        return reference;
    }

    private long disputesHeld() throws Exception {
        return Long.parseLong(ledger
            .queryAsOwner("select coalesce(sum(balance), 0)::text from wallets where kind = 'disputes_held'"));
    }

    private String clearing() throws Exception {
        return ledger
            .queryAsOwner("select coalesce(sum(balance), 0)::text from wallets where kind = 'paystack_clearing'");
    }

    private static long id() {
        return ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000);
    }

}
