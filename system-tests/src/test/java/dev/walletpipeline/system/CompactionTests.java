package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.localstack.KafkaBroker;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code paystack.events} is compacted, and a payment has many facts. With ledger-worker
 * away while the log cleaner runs, every fact must still be there for it when it comes
 * back: compaction may fold repeated deliveries of one fact, never two facts into one.
 */
@ExtendWith(LocalStackExtension.class)
class CompactionTests {

    private static Pipeline pipeline;

    private static LocalStack stack;

    /**
     * A cleaner that compacts within seconds: small segments, any dirty ratio, and no
     * compaction lag (the topic's own is seven days, which no test can wait for).
     */
    private static final Map<String, String> EAGER = Map.of("segment.ms", "100", "min.cleanable.dirty.ratio", "0.01",
            "min.compaction.lag.ms", "0");

    @BeforeAll
    static void startServices(LocalStack shared) {
        stack = shared;
        pipeline = Pipeline.shared(shared);
        pipeline.ensureRunning();
    }

    @Test
    void aChargeTwoPartialRefundsAndADisputeAreAllAppliedAfterCompactionRanWhileTheWorkerWasStopped() throws Exception {
        LedgerProbe ledger = pipeline.ledger;
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 20_000);
        byte[] charge = PaystackBodies.chargeSuccess(reference, 20_000, "NGN");
        List<byte[]> facts = List.of(charge, PaystackBodies.refundProcessed(reference, 601, 5_000),
                PaystackBodies.refundProcessed(reference, 602, 3_000),
                PaystackBodies.dispute(reference, 603, 2_000, null));

        pipeline.ledgerWorker.kill();
        try {
            configure(EAGER);
            for (byte[] fact : facts) {
                assertThat(pipeline.postWebhook(fact, PaystackSigner.sign(fact, Pipeline.PAYSTACK_SECRET)))
                    .isEqualTo(200);
            }
            // Paystack delivers the dispute again: the one record compaction may fold.
            byte[] dispute = facts.get(3);
            assertThat(pipeline.postWebhook(dispute, PaystackSigner.sign(dispute, Pipeline.PAYSTACK_SECRET)))
                .isEqualTo(200);

            // The cleaner has run over them once the repeated dispute is gone. A record
            // about another payment on the same partition rolls the segment each time,
            // since the cleaner never touches the one being written.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                byte[] roll = PaystackBodies.chargeSuccess(onTheSamePartitionAs(reference), 100, "NGN");
                pipeline.postWebhook(roll, PaystackSigner.sign(roll, Pipeline.PAYSTACK_SECRET));
                return keys(reference).size() == facts.size();
            });
            assertThat(Set.copyOf(keys(reference))).hasSize(facts.size());
        }
        finally {
            configure(null);
            pipeline.ensureRunning();
        }

        await().atMost(Duration.ofSeconds(60))
            .untilAsserted(() -> assertThat(state(ledger, wallet, reference))
                .isEqualTo("balance 10000, deposit success, 2 refunds, dispute held, 0 exceptions"));
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    /** What the ledger made of the payment's facts. */
    private static String state(LedgerProbe ledger, UUID wallet, String reference) throws Exception {
        return "balance " + ledger.balance(wallet) + ", deposit " + ledger.depositStatus(reference) + ", "
                + ledger.queryAsOwner("select count(*)::text from refunds where deposit_reference = ?", reference)
                + " refunds, dispute "
                + ledger.queryAsOwner("select coalesce(max(status), 'none') from disputes where deposit_reference = ?",
                        reference)
                + ", "
                + ledger.queryAsOwner("select count(*)::text from payment_exceptions where reference = ?", reference)
                + " exceptions";
    }

    /** Another payment's reference, whose facts share this one's partition. */
    private static String onTheSamePartitionAs(String reference) {
        while (true) {
            String other = "WLT-ROLL-" + UUID.randomUUID();
            if (partition(other) == partition(reference)) {
                return other;
            }
        }
    }

    private static int partition(String reference) {
        return Topic.partitionOf(reference, stack.partitions());
    }

    private static List<String> keys(String reference) {
        return pipeline.topics.keysOnPartitionOf(Topic.PAYSTACK_EVENTS.name(), reference, reference + "#",
                Duration.ofSeconds(2));
    }

    /** These settings on the topic, or (null) back to its own. */
    private static void configure(Map<String, String> settings) throws Exception {
        Properties props = new Properties();
        props.putAll(stack.kafka().clientProperties(KafkaBroker.ADMIN));
        try (Admin admin = Admin.create(props)) {
            Collection<AlterConfigOp> ops = (settings == null ? EAGER : settings).entrySet()
                .stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()),
                        settings == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET))
                .toList();
            admin
                .incrementalAlterConfigs(
                        Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topic.PAYSTACK_EVENTS.name()), ops))
                .all()
                .get();
        }
    }

}
