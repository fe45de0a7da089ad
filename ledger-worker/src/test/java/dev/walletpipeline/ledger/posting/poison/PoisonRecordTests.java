package dev.walletpipeline.ledger.posting.poison;

import dev.walletpipeline.contracts.WalletCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * No record stops the ledger: records no retry can apply are set aside, and the rest go
 * on.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class PoisonRecordTests {

    private LocalStack stack;

    private LedgerProbe ledger;

    private TopicProbe topics;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
    }

    @Test
    void aSignedWebhookHoldingANulEscapeIsDeadLetteredAndDepositsOnEveryPartitionAreStillCredited() throws Exception {
        String poisonKey = "WLT-NUL-" + UUID.randomUUID();
        // Valid JSON, correctly signed: the payer typed U+0000 into the reference and a
        // custom field.
        byte[] poison = ("{\"event\":\"charge.success\",\"data\":{\"id\":1,\"status\":\"success\",\"reference\":\""
                + poisonKey + "\\u0000\",\"amount\":10000,\"currency\":\"NGN\",\"metadata\":{\"custom_fields\":"
                + "[{\"value\":\"a\\u0000b\"}]}}}")
            .getBytes(StandardCharsets.UTF_8);
        // And one for an unknown reference with U+0000 only in metadata: readable, so it
        // is recorded for a person as an exception (bytes, no cast), not dead-lettered.
        String unknown = "WLT-UNKNOWN-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] oddButReadable = new String(PaystackBodies.chargeSuccess(unknown, 5_000, "NGN"), StandardCharsets.UTF_8)
            .replace("\"metadata\":0", "\"metadata\":{\"note\":\"x\\u0000y\"}")
            .getBytes(StandardCharsets.UTF_8);

        topics.publish(poisonKey, poison);
        topics.publish(unknown, oddButReadable);
        List<UUID> wallets = new ArrayList<>();
        List<String> references = depositsOnEveryPartition(8, wallets);
        for (String reference : references) {
            topics.publish(reference, PaystackBodies.chargeSuccess(reference, 20_000, "NGN"));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> allSettled(references));
        for (UUID wallet : wallets) {
            assertThat(ledger.balance(wallet)).isEqualTo(20_000);
        }
        assertThat(ledger.queryAsOwner("""
                select reason from dead_letters where topic = 'paystack.events'
                and record_key = convert_to(?, 'UTF8')""", poisonKey)).contains("NUL");
        assertThat(topics.recordsOn("paystack.events.dlt", poisonKey, Duration.ofSeconds(3))).singleElement()
            .isEqualTo(poison);
        assertThat(ledger.queryAsOwner("select count(*)::text from payment_exceptions where reference = ?", unknown))
            .isEqualTo("1");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aPaystackAmountThatIsNegativeOrPastTheKoboMaximumIsDeadLetteredWithItsReasonNotRetried() throws Exception {
        UUID wallet = ledger.newWallet();
        String negative = ledger.newPendingDeposit(wallet, 10_000);
        String huge = ledger.newPendingDeposit(wallet, 10_000);
        String refunded = ledger.newPendingDeposit(wallet, 10_000);
        topics.publish(negative,
                new String(PaystackBodies.chargeSuccess(negative, 10_000, "NGN"), StandardCharsets.UTF_8)
                    .replace("\"amount\":10000", "\"amount\":-10000")
                    .getBytes(StandardCharsets.UTF_8));
        topics.publish(huge, PaystackBodies.chargeSuccess(huge, 9_223_372_036_854_775_807L, "NGN"));
        topics.publish(refunded, PaystackBodies.chargeSuccess(refunded, 10_000, "NGN"));
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.balance(wallet) == 10_000);
        // A refund so large that refunded + amount would wrap round past Long.MAX_VALUE.
        topics.publish(refunded,
                new String(PaystackBodies.refundProcessed(refunded, 77, 9_223_372_036_854_775_000L),
                        StandardCharsets.UTF_8)
                    .replace("\"amount\":\"9223372036854775000\"", "\"amount\":9223372036854775000")
                    .getBytes(StandardCharsets.UTF_8));

        String reason = "select string_agg(reason, ' | ') from dead_letters"
                + " where position(convert_to(?, 'UTF8') in payload) > 0";
        for (String reference : List.of(negative, huge, refunded)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.queryAsOwner(reason, reference) != null);
        }
        assertThat(ledger.queryAsOwner(reason, negative)).contains("negative");
        assertThat(ledger.queryAsOwner(reason, huge)).contains("largest amount");
        assertThat(ledger.queryAsOwner(reason, refunded)).contains("largest amount");
        assertThat(ledger.balance(wallet)).isEqualTo(10_000);
        assertThat(ledger.depositStatus(negative)).isEqualTo("pending");
        assertThat(ledger.depositStatus(huge)).isEqualTo("pending");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aDepositTheDatabaseRefusesIsDeadLetteredWhileTheRestOfItsBatchIsCredited() throws Exception {
        UUID refusedWallet = ledger.newWallet();
        String refused = ledger.newPendingDeposit(refusedWallet, 30_000);
        // A rule added to the database that this one record breaks, as a future
        // constraint might.
        try (AutoCloseable rule = refusingUpdates("deposits", "new.reference = '" + refused + "'", "23514")) {
            List<UUID> wallets = new ArrayList<>();
            List<String> references = depositsOnEveryPartition(6, wallets);
            topics.publish(refused, PaystackBodies.chargeSuccess(refused, 30_000, "NGN"));
            for (String reference : references) {
                topics.publish(reference, PaystackBodies.chargeSuccess(reference, 20_000, "NGN"));
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> allSettled(references));
            // Refused where it is posted: on its wallet's partition, keyed by the wallet.
            String deadLetter = """
                    from dead_letters where topic = 'wallet.transfer-commands'
                    and record_key = convert_to(?, 'UTF8') and convert_from(payload, 'UTF8') like ?""";
            await().atMost(Duration.ofSeconds(10))
                .until(() -> ledger
                    .queryAsOwner("select count(*)::text " + deadLetter, refusedWallet.toString(), "%" + refused + "%")
                    .equals("1"));
            assertThat(
                    ledger.queryAsOwner("select reason " + deadLetter, refusedWallet.toString(), "%" + refused + "%"))
                .contains("refused by a rule");
            // Kept with the header that says what it is, so that an operator can replay
            // it.
            assertThat(ledger.queryAsOwner("select record_headers ->> '" + WalletCommand.HEADER + "' " + deadLetter,
                    refusedWallet.toString(), "%" + refused + "%"))
                .isNotBlank();
            assertThat(ledger.depositStatus(refused)).isEqualTo("pending");
            assertThat(ledger.balance(refusedWallet)).isZero();
        }
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aTransferCommandTheDatabaseRefusesIsDeadLetteredAndLaterCommandsComplete() throws Exception {
        UUID alice = ledger.newWallet();
        UUID bob = ledger.newWallet();
        ledger.fund(alice, 10_000);
        UUID refused = ledger.newPendingTransfer(alice, bob, 1_000);
        UUID fine = ledger.newPendingTransfer(alice, bob, 2_000);
        try (AutoCloseable rule = refusingUpdates("transfers", "new.id = '" + refused + "'", "22023")) {
            topics.publishTransferCommand(refused, alice, bob, 1_000);
            topics.publishTransferCommand(fine, alice, bob, 2_000);

            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.transferStatus(fine).equals("completed"));
            assertThat(ledger.transferStatus(refused)).isEqualTo("pending");
            assertThat(ledger.queryAsOwner("""
                    select count(*)::text from dead_letters where topic = 'wallet.transfer-commands'
                    and convert_from(payload, 'UTF8') like ?""", "%" + refused + "%")).isEqualTo("1");
        }
        assertThat(ledger.balance(alice)).isEqualTo(8_000);
        assertThat(ledger.balance(bob)).isEqualTo(2_000);
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    @Test
    void aFailureThatTimeFixesIsRetriedNotSkipped() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 40_000);
        // The worker loses a privilege it needs: not the record's fault, so nothing is
        // dead-lettered.
        ledger.executeAsOwner(
                "revoke update (status, settled_at, review_reason, paystack_id) on deposits from wallet_worker");
        try {
            topics.publish(reference, PaystackBodies.chargeSuccess(reference, 40_000, "NGN"));
            await().during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(() -> ledger.depositStatus(reference).equals("pending"));
        }
        finally {
            ledger.executeAsOwner(
                    "grant update (status, settled_at, review_reason, paystack_id) on deposits to wallet_worker");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.depositStatus(reference).equals("success"));
        assertThat(ledger.balance(wallet)).isEqualTo(40_000);
        assertThat(ledger.queryAsOwner(
                "select count(*)::text from dead_letters where record_key = convert_to(?, 'UTF8')", reference))
            .isEqualTo("0");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    /**
     * Pending deposits whose references, as record keys, land on every partition of the
     * topic.
     */
    private List<String> depositsOnEveryPartition(int count, List<UUID> wallets) throws Exception {
        int partitions = stack.partitions();
        List<String> references = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        while (references.size() < count) {
            UUID wallet = ledger.newWallet();
            String reference = ledger.newPendingDeposit(wallet, 20_000);
            int partition = Topic.partitionOf(reference, partitions);
            boolean needed = !covered.contains(partition) || covered.size() == partitions;
            if (needed) {
                covered.add(partition);
                references.add(reference);
                wallets.add(wallet);
            }
        }
        assertThat(covered).hasSize(Math.min(partitions, count));
        return references;
    }

    /**
     * A rule in the database that refuses updates of the rows matching {@code condition}
     * with this SQLSTATE, as a constraint added later might; dropped on close.
     */
    private AutoCloseable refusingUpdates(String table, String condition, String sqlState) throws Exception {
        String name = "refuse_" + table;
        ledger.executeAsOwner(
                "create function " + name + "() returns trigger language plpgsql as $$ begin" + " raise exception '"
                        + table + " row refused by a rule' using errcode = '" + sqlState + "';" + " end $$");
        ledger.executeAsOwner("create trigger " + name + " before update on " + table + " for each row when ("
                + condition + ") execute function " + name + "()");
        return () -> {
            ledger.executeAsOwner("drop trigger " + name + " on " + table);
            ledger.executeAsOwner("drop function " + name + "()");
        };
    }

    private boolean allSettled(List<String> references) throws Exception {
        for (String reference : references) {
            if (!ledger.depositStatus(reference).equals("success")) {
                return false;
            }
        }
        return true;
    }

}
