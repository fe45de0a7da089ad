package dev.walletpipeline.webhook.paystack;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.webhook.WebhookSettings;
import java.nio.charset.StandardCharsets;
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
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.PAYSTACK_EVENTS.name(), reference, body);
        record.headers().add(proofHeader, signatureHex.getBytes(StandardCharsets.US_ASCII));
        send(record);
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
