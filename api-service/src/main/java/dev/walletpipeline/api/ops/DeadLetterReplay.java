package dev.walletpipeline.api.ops;

import dev.walletpipeline.api.paystack.PaystackApi;
import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;

/**
 * Sends a dead letter again as it first came, once an operator has fixed its cause: the
 * same topic, partition, key, bytes and the headers that said what it was and carried its
 * proof, plus {@code operator-action} naming the decision. A command goes onto
 * {@code wallet.transfer-commands} with this service's own Kafka user (its ACL: that
 * topic only); a Paystack fact goes through webhook-ingest, which alone may write
 * {@code paystack.events}. Either way ledger-worker reads it as any record: a proof is
 * checked again, and a fact or command seen before changes nothing.
 */
@Component
class DeadLetterReplay implements DisposableBean {

    /**
     * The header a replayed record carries: the operator's decision that sent it again.
     */
    static final String OPERATOR_ACTION_HEADER = "operator-action";

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;

    private final PaystackApi paystack;

    private final KafkaProperties kafka;

    private @Nullable KafkaProducer<String, byte[]> producer;

    DeadLetterReplay(JdbcClient jdbc, PaystackApi paystack, KafkaProperties kafka) {
        this.jdbc = jdbc;
        this.paystack = paystack;
        this.kafka = kafka;
    }

    /** A dead letter as it was consumed; {@code headers} null when they were not kept. */
    record Letter(String topic, int partition, @Nullable String key, byte[] payload,
            @Nullable Map<String, String> headers) {

        /** Whether it can be sent again as it came. */
        boolean replayable() {
            return headers != null
                    && (topic.equals(Topic.PAYSTACK_EVENTS.name()) || topic.equals(Topic.TRANSFER_COMMANDS.name()));
        }

    }

    Optional<Letter> letter(String id) {
        return jdbc.sql("""
                select topic, kafka_partition, record_key, payload, record_headers::text as headers
                from dead_letters where id::text = ?""").param(id).query((rs, n) -> {
            byte[] key = rs.getBytes("record_key");
            String headers = rs.getString("headers");
            byte[] payload = rs.getBytes("payload");
            return new Letter(rs.getString("topic"), rs.getInt("kafka_partition"),
                    key == null ? null : new String(key, StandardCharsets.UTF_8),
                    payload == null ? new byte[0] : payload,
                    headers == null ? null : Json.MAPPER.readValue(headers, HEADERS));
        }).optional();
    }

    /** Sends it again; returns once Kafka (or webhook-ingest) has it. */
    void send(Letter letter, UUID decision) {
        Map<String, String> headers = letter.headers() == null ? Map.of() : letter.headers();
        if (letter.topic().equals(Topic.PAYSTACK_EVENTS.name())) {
            var body = Json.MAPPER.createObjectNode();
            body.put("partition", letter.partition());
            body.put("key", letter.key());
            body.put("payload", Base64.getEncoder().encodeToString(letter.payload()));
            body.set("headers", Json.MAPPER.valueToTree(headers));
            body.put("operator_action", decision.toString());
            PaystackApi.Answer answer = paystack.post("/replay", body);
            if (answer.httpStatus() != 200) {
                throw new IllegalStateException("webhook-ingest answered HTTP " + answer.httpStatus());
            }
            return;
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(letter.topic(), letter.partition(), letter.key(),
                letter.payload());
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.US_ASCII)));
        record.headers().add(Topic.OPERATOR_ACTION_HEADER, decision.toString().getBytes(StandardCharsets.US_ASCII));
        try {
            producer().send(record).get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("replaying a dead letter onto " + letter.topic() + " failed", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = kafka.buildProducerProperties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void destroy() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

}
