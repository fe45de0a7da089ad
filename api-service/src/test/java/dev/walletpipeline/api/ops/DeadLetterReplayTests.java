package dev.walletpipeline.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.proof.Proof;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A dead letter replayed goes back as it came (topic, partition, key, bytes, the headers
 * that said what it was and carried its proof) with one more header naming the decision:
 * a command through this service's own Kafka user, a Paystack fact through
 * webhook-ingest. One kept without its headers cannot be replayed faithfully, and is not.
 */
@ExtendWith(LocalStackExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeadLetterReplayTests {

    @LocalServerPort
    int port;

    private ApiClient api;

    private LocalStack stack;

    private LedgerProbe ledger;

    private TopicProbe topics;

    private ApiClient.SignedIn operator;

    private Desk desk;

    @BeforeEach
    void setUp(LocalStack stack) {
        this.stack = stack;
        api = new ApiClient(port);
        ledger = new LedgerProbe(stack);
        topics = new TopicProbe(stack);
        operator = api.signIn(LocalStack.OPERATOR_EMAIL);
        desk = new Desk(api, operator, ledger);
    }

    @Test
    void aReplayedCommandGoesBackAsItCameWithTheDecisionNamed() throws Exception {
        String key = UUID.randomUUID().toString();
        byte[] payload = "{\"a\":\"command once refused\"}".getBytes(StandardCharsets.UTF_8);
        String id = letter(Topic.TRANSFER_COMMANDS.name(), key, payload, "{\"event_type\":\"transfer.requested\"}");

        ApiClient.Response replayed = api.post("/ops/dead-letters/" + id + "/replay", operator.as(),
                "{\"reason\":\"the transfer row is restored\"}");

        assertThat(replayed.status()).isEqualTo(201);
        String decision = replayed.json().path("id").asString();
        assertThat(replayed.json().path("decision").asString()).isEqualTo("replayed");
        ConsumerRecord<String, byte[]> sent = theOneRecord(Topic.TRANSFER_COMMANDS.name(), key);
        assertThat(sent.value()).isEqualTo(payload);
        assertThat(header(sent, "event_type")).isEqualTo("transfer.requested");
        assertThat(header(sent, Topic.OPERATOR_ACTION_HEADER)).isEqualTo(decision);
        assertThat(desk.ids("dead_letters")).doesNotContain(id);
        assertThat(api.post("/ops/dead-letters/" + id + "/replay", operator.as(), "{\"reason\":\"twice\"}").code())
            .isEqualTo("already_decided");
    }

    @Test
    void aReplayedPaystackFactGoesBackThroughWebhookIngestWithItsProof() throws Exception {
        String key = "WLT-REPLAY-" + UUID.randomUUID() + "#00ff";
        byte[] payload = "{\"event\":\"charge.success\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
        String id = letter(Topic.PAYSTACK_EVENTS.name(), key, payload,
                "{\"" + Proof.PAYSTACK_SIGNATURE + "\":\"a1b2c3\"}");

        ApiClient.Response replayed = api.post("/ops/dead-letters/" + id + "/replay", operator.as(),
                "{\"reason\":\"the reading of this field is fixed\"}");

        assertThat(replayed.status()).isEqualTo(201);
        ConsumerRecord<String, byte[]> sent = theOneRecord(Topic.PAYSTACK_EVENTS.name(), key);
        assertThat(sent.value()).isEqualTo(payload);
        assertThat(header(sent, Proof.PAYSTACK_SIGNATURE)).isEqualTo("a1b2c3");
        assertThat(header(sent, Topic.OPERATOR_ACTION_HEADER)).isEqualTo(replayed.json().path("id").asString());
    }

    @Test
    void aDeadLetterKeptWithoutItsHeadersIsNotReplayed() throws Exception {
        String key = UUID.randomUUID().toString();
        String id = letter(Topic.TRANSFER_COMMANDS.name(), key, "x".getBytes(StandardCharsets.UTF_8), null);

        ApiClient.Response refused = api.post("/ops/dead-letters/" + id + "/replay", operator.as(),
                "{\"reason\":\"try\"}");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("cannot_replay");
        assertThat(topics.onPartitionOf(Topic.TRANSFER_COMMANDS.name(), key, key, Duration.ofSeconds(2))).isEmpty();
        assertThat(desk.ids("dead_letters")).contains(id);
    }

    /** A dead letter as ledger-worker keeps one, on the partition its key goes to. */
    private String letter(String topic, String key, byte[] payload, String headers) throws Exception {
        int partition = Topic.partitionOf(key, stack.partitions());
        return ledger.queryAsOwner("""
                insert into dead_letters (topic, kafka_partition, kafka_offset, record_key, payload, reason,
                    record_headers)
                values (?, ?, (select coalesce(max(kafka_offset), 0) + 1 from dead_letters), ?, ?, 'refused',
                    ?::jsonb)
                returning id::text""", topic, partition, key.getBytes(StandardCharsets.UTF_8), payload, headers);
    }

    private ConsumerRecord<String, byte[]> theOneRecord(String topic, String key) {
        List<ConsumerRecord<String, byte[]>> found = topics.onPartitionOf(topic, key, key, Duration.ofSeconds(3))
            .stream()
            .filter(record -> key.equals(record.key()))
            .toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.US_ASCII);
    }

}
