package dev.walletpipeline.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.contracts.proof.Proof;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The service facing the internet holds no secret that makes a record ledger-worker takes
 * as proof: whatever api-service can write to Kafka, signed with whatever it holds,
 * credits nothing.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ApiServiceCannotMintMoneyTests {

    private LocalStack stack;

    private LedgerProbe ledger;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        this.ledger = new LedgerProbe(stack);
    }

    @Test
    void apiServiceHoldsNeitherPaystacksKeyNorTheReconciliationKey() {
        Map<String, String> apiService = stack.environment("api-service");
        assertThat(apiService).doesNotContainKeys("PAYSTACK_SECRET_KEY", "RECONCILIATION_SIGNING_KEY")
            .doesNotContainValue(LocalStack.PAYSTACK_SECRET_KEY)
            .doesNotContainValue(LocalStack.RECONCILIATION_SIGNING_KEY);
    }

    @Test
    void aChargeSignedWithEverySecretApiServiceHoldsAndWrittenWithItsKafkaUserCreditsNothing() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 9_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 9_000, "NGN");

        int forged = 0;
        for (String secret : stack.environment("api-service").values()) {
            writeAsApiService(wallet, body, Map.of(Proof.PAYSTACK_SIGNATURE, PaystackSigner.sign(body, secret),
                    Proof.RECONCILIATION_SIGNATURE, PaystackSigner.sign(body, secret)));
            forged++;
        }

        await().atMost(Duration.ofSeconds(60))
            .until(() -> Integer.parseInt(ledger.queryAsOwner(
                    "select count(*)::text from dead_letters where record_key = convert_to(?, 'UTF8')",
                    wallet.toString())) == forgedCount(stack));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> ledger.balance(wallet) == 0);
        assertThat(forged).isGreaterThan(10);
        assertThat(ledger.depositStatus(reference)).isEqualTo("pending");
        assertThat(ledger.ledgerInvariantViolations()).isEmpty();
    }

    /**
     * The same record signed with the key webhook-ingest holds is credited: the refusal
     * above is the missing key, not a record the worker would refuse anyway.
     */
    @Test
    void theSameRecordSignedWithPaystacksKeyIsCredited() throws Exception {
        UUID wallet = ledger.newWallet();
        String reference = ledger.newPendingDeposit(wallet, 9_000);
        byte[] body = PaystackBodies.chargeSuccess(reference, 9_000, "NGN");

        writeAsApiService(wallet, body,
                Map.of(Proof.PAYSTACK_SIGNATURE, PaystackSigner.sign(body, LocalStack.PAYSTACK_SECRET_KEY)));

        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.balance(wallet) == 9_000);
        assertThat(ledger.depositStatus(reference)).isEqualTo("success");
    }

    private static int forgedCount(LocalStack stack) {
        return stack.environment("api-service").size();
    }

    /**
     * Onto {@code wallet.transfer-commands}, keyed by the deposit's wallet and marked as
     * a routed Paystack event, with api-service's own Kafka credentials.
     */
    private void writeAsApiService(UUID wallet, byte[] body, Map<String, String> headers) {
        Map<String, Object> props = new HashMap<>(stack.kafka().clientProperties("api-service"));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.TRANSFER_COMMANDS.name(),
                    wallet.toString(), body);
            record.headers()
                .add(WalletCommand.HEADER, WalletCommand.PAYSTACK_EVENT.getBytes(StandardCharsets.US_ASCII));
            headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.US_ASCII)));
            producer.send(record).get();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
