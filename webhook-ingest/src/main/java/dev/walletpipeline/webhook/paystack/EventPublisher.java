package dev.walletpipeline.webhook.paystack;

import java.util.Map;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.webhook.WebhookSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Puts verified events on Kafka and waits for the broker's acknowledgement (acks=all).
 *
 * <p>
 * {@code paystack.events} is compacted, and a payment has many facts: its charge, each
 * partial refund, a dispute and its resolution. Keyed by the reference alone, compaction
 * would keep only the latest of them, and a worker that is behind would never see the
 * others. So each fact has a key of its own, {@code <reference>#<digest of the body>}: a
 * repeated delivery of the same bytes (Paystack's retries) is still compacted to one
 * record, and no two facts can replace each other, however long the worker is away. The
 * partition is still chosen by the reference alone, as Kafka's default partitioner would
 * for that key, so that a payment's facts stay in order on one partition.
 */
@Component
class EventPublisher {

    private final KafkaTemplate<String, byte[]> kafka;

    private final Duration timeout;

    EventPublisher(KafkaTemplate<String, byte[]> kafka, WebhookSettings settings) {
        this.kafka = kafka;
        this.timeout = settings.kafka().publishTimeout();
    }

    /**
     * An event keyed by its payment reference, on the compacted topic, with the proof
     * ledger-worker checks before it moves money (header {@code proofHeader}, value
     * {@code signatureHex}).
     */
    void publish(String reference, byte[] body, String proofHeader, String signatureHex) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.PAYSTACK_EVENTS.name(),
                partitionOf(reference), factKey(reference, body), body);
        record.headers().add(proofHeader, signatureHex.getBytes(StandardCharsets.US_ASCII));
        send(record);
    }

    /**
     * A record an operator replays from the dead letters, as it first came: the same
     * partition, key, bytes and proof headers, and one more header naming the decision.
     */
    void replay(int partition, @Nullable String key, byte[] body, Map<String, String> headers, String operatorAction) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.PAYSTACK_EVENTS.name(), partition, key,
                body);
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.US_ASCII)));
        record.headers().add(Topic.OPERATOR_ACTION_HEADER, operatorAction.getBytes(StandardCharsets.US_ASCII));
        send(record);
    }

    /**
     * The header a replayed record carries: the operator's decision that sent it again.
     */
    static final String OPERATOR_ACTION_HEADER = "operator-action";

    /** The key of one fact: its reference, then a digest of its exact bytes. */
    static String factKey(String reference, byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return reference + "#" + HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The partition Kafka's default partitioner gives a record keyed by the reference
     * (from the producer's metadata; a broker that cannot be asked is a 503, as for the
     * send itself).
     */
    private int partitionOf(String reference) {
        int partitions;
        try {
            partitions = kafka.partitionsFor(Topic.PAYSTACK_EVENTS.name()).size();
        }
        catch (RuntimeException e) {
            throw new EventNotStored(e);
        }
        return Topic.partitionOf(reference, partitions);
    }

    /** A signed event we cannot key, kept with the reason rather than dropped. */
    void deadLetter(byte[] body, String reason) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.PAYSTACK_EVENTS_DLT.name(), body);
        record.headers().add("dlt-reason", reason.getBytes(StandardCharsets.UTF_8));
        send(record);
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            kafka.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventNotStored(e);
        }
        catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new EventNotStored(e);
        }
    }

    /** The broker did not acknowledge in time: Paystack must retry. */
    static final class EventNotStored extends RuntimeException {

        EventNotStored(@Nullable Throwable cause) {
            super("the event could not be stored", cause);
        }

    }

}
