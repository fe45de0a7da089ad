package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Ledger events on {@code wallet.ledger-events}: keyed by wallet, JSON body, CloudEvents
 * headers.
 */
final class LedgerEvents {

    private LedgerEvents() {
    }

    /**
     * Sends within the caller's Kafka transaction; visible to read_committed consumers on
     * commit.
     */
    static void emit(KafkaOperations<String, byte[]> kafka, List<LedgerEvent> events) {
        for (LedgerEvent event : events) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.LEDGER_EVENTS.name(),
                    event.walletId().toString(), event.toJson());
            event.cloudEventHeaders().forEach((name, value) -> record.headers().add(name, value));
            kafka.send(record);
        }
    }

}
