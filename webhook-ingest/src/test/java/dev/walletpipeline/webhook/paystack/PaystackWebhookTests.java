package dev.walletpipeline.webhook.paystack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.TopicProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PaystackWebhookTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final String SECRET = "sk_test_local";

    @LocalServerPort
    int port;

    private LocalStack stack;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
    }

    @Test
    void aCorrectlySignedChargeIsPublishedKeyedByItsReferenceBeforeTheAnswer() throws Exception {
        String reference = "WLT-" + UUID.randomUUID();
        byte[] body = new String(fixture("paystack/charge-success.json"), StandardCharsets.UTF_8)
            .replace("WLT-7Q2M9X4K8D1P", reference)
            .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(body, sign(body, SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":true}");
        assertThat(publishedWithKey(reference)).singleElement()
            .satisfies(published -> assertThat(published).isEqualTo(body));
    }

    @Test
    void refundsDisputesAndTransfersArePublishedKeyedByOurReferenceAndOtherEventsAreOnlyAcknowledged()
            throws Exception {
        String payment = "WLT-" + UUID.randomUUID();
        String withdrawal = UUID.randomUUID().toString();
        byte[] refund = PaystackBodies.refundProcessed(payment, 42, 1_000);
        byte[] dispute = PaystackBodies.dispute(payment, 43, 2_000, null);
        byte[] paidOut = PaystackBodies.transferEvent("transfer.success", UUID.fromString(withdrawal), 3_000);
        String other = "{\"event\":\"subscription.create\",\"data\":{\"reference\":\"" + payment + "-sub\"}}";

        for (byte[] body : List.of(refund, dispute, paidOut, other.getBytes(StandardCharsets.UTF_8))) {
            HttpResponse<String> response = post(body, sign(body, SECRET));
            assertThat(response.statusCode()).isEqualTo(200);
        }

        assertThat(publishedWithKey(payment)).containsExactly(refund, dispute);
        assertThat(publishedWithKey(withdrawal)).containsExactly(paidOut);
        assertThat(publishedWithKey(payment + "-sub")).isEmpty();
    }

    @Test
    void eachFactOfAPaymentHasAKeyOfItsOwnSoCompactionCannotReplaceOneWithAnother() throws Exception {
        String payment = "WLT-" + UUID.randomUUID();
        byte[] charge = PaystackBodies.chargeSuccess(payment, 20_000, "NGN");
        byte[] firstRefund = PaystackBodies.refundProcessed(payment, 51, 5_000);
        byte[] secondRefund = PaystackBodies.refundProcessed(payment, 52, 3_000);

        for (byte[] body : List.of(charge, firstRefund, secondRefund, charge)) {
            assertThat(post(body, sign(body, SECRET)).statusCode()).isEqualTo(200);
        }

        List<String> keys = new TopicProbe(stack).keysOnPartitionOf(Topic.PAYSTACK_EVENTS.name(), payment,
                payment + "#", Duration.ofSeconds(3));
        assertThat(keys).hasSize(4).allSatisfy(key -> assertThat(key).matches(payment + "#[0-9a-f]{32}"));
        assertThat(keys.get(0)).as("a repeated delivery shares its key, so compaction keeps it once")
            .isEqualTo(keys.get(3));
        assertThat(Set.copyOf(keys)).hasSize(3);
    }

    @Test
    void aWrongSignatureIsRefusedWith401AndNothingIsPublished() throws Exception {
        String reference = "WLT-" + UUID.randomUUID();
        byte[] body = new String(fixture("paystack/charge-success.json"), StandardCharsets.UTF_8)
            .replace("WLT-7Q2M9X4K8D1P", reference)
            .getBytes(StandardCharsets.UTF_8);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("500000", "900000")
            .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> wrongSecret = post(body, sign(body, "sk_test_other"));
        HttpResponse<String> tamperedBody = post(tampered, sign(body, SECRET));
        HttpResponse<String> missing = post(body, null);

        for (HttpResponse<String> response : List.of(wrongSecret, tamperedBody, missing)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
            assertThat(response.body()).contains("\"code\":\"signature_invalid\"");
        }
        assertThat(publishedWithKey(reference)).isEmpty();
    }

    @Test
    void aSignedBodyThatIsNotJsonIsRefusedWith400() throws Exception {
        byte[] body = "not json at all".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = post(body, sign(body, SECRET));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"validation_failed\"");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413() throws Exception {
        byte[] body = new byte[1024 * 1024 + 1];
        Arrays.fill(body, (byte) ' ');
        HttpResponse<String> response = post(body, sign(body, SECRET));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"code\":\"payload_too_large\"");
    }

    private HttpResponse<String> post(byte[] body, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://localhost:" + port + "/wallet/paystack/webhook"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("x-paystack-signature", signature);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(byte[] body, String secret) {
        return PaystackSigner.sign(body, secret);
    }

    private static byte[] fixture(String path) throws IOException {
        try (InputStream in = PaystackWebhookTests.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    /**
     * The facts published about this reference: each keyed {@code <reference>#<digest>},
     * on the partition the reference alone would choose.
     */
    private List<byte[]> publishedWithKey(String reference) {
        return new TopicProbe(stack).recordsOnPartitionOf(Topic.PAYSTACK_EVENTS.name(), reference, reference + "#",
                Duration.ofSeconds(3));
    }

}
