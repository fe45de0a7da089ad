package dev.walletpipeline.api.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferBatchRequested;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.TopicProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * What the API decides of a bulk transfer on its own, before ledger-worker: validation,
 * the available balance for the batch or each item, the references as idempotency keys,
 * and the one command that reaches Kafka for the whole batch.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BulkTransferTests {

    @LocalServerPort
    int port;

    private ApiClient api;

    private LedgerProbe ledger;

    private TopicProbe topics;

    private ApiClient.SignedIn sender;

    private UUID senderWallet;

    private List<ApiClient.SignedIn> recipients;

    @BeforeEach
    void setUp(LocalStack stack) throws Exception {
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
        sender = api.signIn("bulk-sender-" + UUID.randomUUID() + "@example.com");
        senderWallet = ledger.walletOfUser(UUID.fromString(sender.userId()));
        recipients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            recipients.add(api.signIn("bulk-recipient-" + UUID.randomUUID() + "@example.com"));
        }
    }

    @Test
    void aBatchIsAcceptedAsOnePendingTransferPerItemAndOneCommandForTheWholeBatch() throws Exception {
        ledger.fund(senderWallet, 10_000);

        ApiClient.Response accepted = bulk(false, item(0, 1_000, "a"), item(1, 2_000, "b"), item(2, 3_000, "c"));

        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        JsonNode batch = accepted.json();
        String id = batch.path("batch_id").asString();
        assertThat(accepted.header("location")).isEqualTo("/wallet/transfers/bulk/" + id);
        assertThat(batch.path("status").asString()).isEqualTo("pending");
        assertThat(batch.path("pending").asLong()).isEqualTo(3);
        assertThat(batch.path("transfers"))
            .extracting(i -> i.path("reference").asString(), i -> i.path("amount").asLong(),
                    i -> i.path("status").asString())
            .containsExactly(Tuple.tuple("a", 1_000L, "pending"), Tuple.tuple("b", 2_000L, "pending"),
                    Tuple.tuple("c", 3_000L, "pending"));
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(4_000);
        String transferId = batch.path("transfers").get(1).path("transfer_id").asString();
        assertThat(api.get("/wallet/transfers/" + transferId, sender.as()).text("status")).isEqualTo("pending");

        List<byte[]> commands = await().atMost(Duration.ofSeconds(30))
            .until(() -> topics.recordsOn(Topic.TRANSFER_COMMANDS.name(), senderWallet.toString(),
                    Duration.ofSeconds(2)), c -> !c.isEmpty());
        assertThat(commands).hasSize(1);
        TransferBatchRequested command = TransferBatchRequested.fromJson(commands.get(0));
        assertThat(command.batchId()).hasToString(id);
        assertThat(command.fromWalletId()).isEqualTo(senderWallet);

        ApiClient.Response seen = api.get("/wallet/transfers/bulk/" + id, sender.as());
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.json().path("transfers")).hasSize(3);
        assertThat(api.get("/wallet/transfers/bulk/" + id, recipients.get(0).as()).status())
            .as("a batch is its sender's to see")
            .isEqualTo(404);
    }

    @Test
    void inABatchThatIsNotAtomicEachItemTheBalanceCannotCoverIsRejectedAndTheOthersGoOn() throws Exception {
        ledger.fund(senderWallet, 5_000);

        ApiClient.Response answer = bulk(false, item(0, 3_000, "a"), item(1, 4_000, "b"), item(2, 2_000, "c"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        assertThat(answer.json().path("transfers"))
            .extracting(i -> i.path("status").asString(), i -> i.path("reason").asString(null))
            .containsExactly(Tuple.tuple("pending", null), Tuple.tuple("rejected", "insufficient_funds"),
                    Tuple.tuple("pending", null));
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isZero();
    }

    @Test
    void anAtomicBatchTheBalanceCannotCoverIsRefusedWholeAndRecordsNothing() throws Exception {
        ledger.fund(senderWallet, 5_000);

        ApiClient.Response refused = bulk(true, item(0, 3_000, "a"), item(1, 2_001, "b"));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("insufficient_funds");
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(5_000);
        assertThat(bulk(true, item(0, 3_000, "a"), item(1, 2_000, "b")).status())
            .as("the references were not used by the refused batch")
            .isEqualTo(202);
    }

    @Test
    void theSameBatchSentTenTimesInParallelMakesOneBatchAndReusedReferencesAreRefused() throws Exception {
        ledger.fund(senderWallet, 10_000);
        String[] items = { item(0, 1_000, "x"), item(1, 1_000, "y") };

        List<ApiClient.Response> answers = IntStream.range(0, 10)
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> bulk(false, items)))
            .toList()
            .stream()
            .map(CompletableFuture::join)
            .toList();

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(202));
        assertThat(answers.stream().map(a -> a.text("batch_id")).distinct()).hasSize(1);
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(8_000);

        ApiClient.Response otherAmount = bulk(false, item(0, 1_000, "x"), item(1, 1_500, "y"));
        assertThat(otherAmount.status()).isEqualTo(409);
        assertThat(otherAmount.code()).isEqualTo("idempotency_conflict");
        ApiClient.Response partOfIt = bulk(false, item(0, 1_000, "x"), item(1, 1_000, "z"));
        assertThat(partOfIt.status()).isEqualTo(409);
        assertThat(partOfIt.code()).isEqualTo("idempotency_conflict");
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(8_000);
    }

    @Test
    void badBatchesAreRefusedWithPreciseCodesNamingTheItemAndChangeNothing() throws Exception {
        ledger.fund(senderWallet, 10_000);
        String valid = item(0, 1_000, "ok");

        assertRefused(post("{\"transfers\":[]}"), 400, "validation_failed", "transfers");
        assertRefused(post("{\"transfers\":{}}"), 400, "validation_failed", "transfers");
        assertRefused(post("{\"atomic\":\"yes\",\"transfers\":[" + valid + "]}"), 400, "validation_failed", "atomic");
        assertRefused(post("{\"transfers\":[" + String.join(",", Collections.nCopies(101, valid)) + "]}"), 400,
                "validation_failed", "transfers");
        assertRefused(
                bulk(false, valid,
                        "{\"wallet_number\":\"" + recipients.get(1).walletNumber()
                                + "\",\"amount\":99,\"reference\":\"r\"}"),
                400, "validation_failed", "transfers[1].amount");
        assertRefused(bulk(false, valid, "{\"wallet_number\":\"12\",\"amount\":500,\"reference\":\"r\"}"), 400,
                "validation_failed", "transfers[1].wallet_number");
        assertRefused(
                bulk(false, valid, "{\"wallet_number\":\"" + recipients.get(1).walletNumber() + "\",\"amount\":500}"),
                400, "validation_failed", "transfers[1].reference");
        assertRefused(bulk(false, valid, "7"), 400, "validation_failed", "transfers[1]");
        assertRefused(bulk(false, valid, item(1, 500, "ok")), 400, "validation_failed", "transfers[1].reference");
        assertRefused(bulk(false, valid, "{\"wallet_number\":\"9999999999999\",\"amount\":500,\"reference\":\"r\"}"),
                422, "recipient_not_found", null);
        assertRefused(
                bulk(false, valid,
                        "{\"wallet_number\":\"" + sender.walletNumber() + "\",\"amount\":500,\"reference\":\"r\"}"),
                422, "self_transfer", null);
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(10_000);
    }

    @Test
    void aReadOnlyKeyCannotSendABatch() throws Exception {
        ledger.fund(senderWallet, 10_000);
        String key = api.createKey(sender, "1D", "read");

        ApiClient.Response refused = api.post("/wallet/transfers/bulk", ApiClient.As.key(key),
                "{\"transfers\":[" + item(0, 1_000, "k") + "]}");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(api.get("/wallet/balance", sender.as()).json().path("available").asLong()).isEqualTo(10_000);
    }

    private String item(int recipient, long amount, String reference) {
        return "{\"wallet_number\":\"" + recipients.get(recipient).walletNumber() + "\",\"amount\":" + amount
                + ",\"reference\":\"" + reference + "\"}";
    }

    private ApiClient.Response bulk(boolean atomic, String... items) {
        return post("{\"atomic\":" + atomic + ",\"transfers\":[" + String.join(",", items) + "]}");
    }

    private ApiClient.Response post(String body) {
        return api.post("/wallet/transfers/bulk", sender.as(), body);
    }

    private static void assertRefused(ApiClient.Response response, int status, String code, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.code()).isEqualTo(code);
        if (field != null) {
            assertThat(response.text("field")).isEqualTo(field);
        }
    }

}
