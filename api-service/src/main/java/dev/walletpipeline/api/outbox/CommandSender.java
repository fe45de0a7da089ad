package dev.walletpipeline.api.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The relay's producer: idempotent, {@code acks=all}, and every send waited for, so that
 * whoever sends knows Kafka holds the commands before it says they were sent (the relay
 * before it commits Debezium's offsets, the sweep before it remembers them as resent).
 */
final class CommandSender implements AutoCloseable {

    /** The longest a batch of sends may wait for Kafka's acknowledgement. */
    private static final Duration ACKNOWLEDGED_WITHIN = Duration.ofSeconds(60);

    private final KafkaProducer<String, String> producer;

    /**
     * @param kafkaSecurity this service's Kafka credentials (SASL)
     */
    CommandSender(String bootstrapServers, Map<String, String> kafkaSecurity) {
        Map<String, Object> props = new HashMap<>(kafkaSecurity);
        props.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG,
                "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /**
     * Sends the commands and returns once Kafka acknowledged every one.
     * @throws IllegalStateException when one was not acknowledged in time: the caller
     * treats none as sent
     */
    void sendAll(List<Command> commands) throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (Command command : commands) {
            sends.add(producer.send(command.toRecord()));
        }
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(ACKNOWLEDGED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publishing wallet commands failed", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

}
