package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.ledger.LedgerSettings;
import dev.walletpipeline.contracts.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code paystack.events} and {@code wallet.transfer-commands} inside Kafka transactions
 * that the container opens: the database transaction commits first, then the events and the
 * consumed offsets commit together. A crash between the two leaves the offsets uncommitted; the
 * redelivered records find their effects in {@code processed_messages} and emit the same events
 * again, with the same ids.
 */
@Component
class PostingListeners {

    private final DepositPosting deposits;
    private final TransferPosting transfers;
    private final EventOrderLocks eventOrder;
    private final KafkaTemplate<String, byte[]> kafka;
    private final MeterRegistry meters;
    private final boolean haltAfterDatabaseCommit;

    PostingListeners(DepositPosting deposits, TransferPosting transfers, EventOrderLocks eventOrder,
            KafkaTemplate<String, byte[]> kafka, MeterRegistry meters, LedgerSettings settings) {
        this.haltAfterDatabaseCommit = settings.faultInjection().haltAfterDatabaseCommit();
        this.deposits = deposits;
        this.transfers = transfers;
        this.eventOrder = eventOrder;
        this.kafka = kafka;
        this.meters = meters;
    }

    @KafkaListener(id = "paystack-events", idIsGroup = false, topics = "paystack.events", batch = "true")
    void onPaystackEvents(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumedRecord> consumed = records.stream().map(ConsumedRecord::of).toList();
        eventOrder.holdUntilKafkaCompletes(deposits.walletsOf(consumed));
        finish(Topic.PAYSTACK_EVENTS_DLT, records, deposits.apply(consumed));
    }

    @KafkaListener(id = "transfer-commands", idIsGroup = false, topics = "wallet.transfer-commands", batch = "true")
    void onTransferCommands(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumedRecord> consumed = records.stream().map(ConsumedRecord::of).toList();
        eventOrder.holdUntilKafkaCompletes(transfers.walletsOf(consumed));
        finish(Topic.TRANSFER_COMMANDS_DLT, records, transfers.apply(consumed));
    }

    private void finish(Topic deadLetterTopic, List<ConsumerRecord<String, byte[]>> records, BatchOutcome outcome) {
        if (haltAfterDatabaseCommit && !outcome.events.isEmpty()) {
            Runtime.getRuntime().halt(137);
        }
        LedgerEvents.emit(kafka, outcome.events);
        for (BatchOutcome.DeadLetter dead : outcome.deadLetters) {
            ConsumedRecord record = dead.record();
            ProducerRecord<String, byte[]> letter = new ProducerRecord<>(deadLetterTopic.name(), null,
                    record.key(), record.value());
            letter.headers()
                    .add("dlt-reason", dead.reason().getBytes(StandardCharsets.UTF_8))
                    .add("dlt-original-topic", record.topic().getBytes(StandardCharsets.UTF_8))
                    .add("dlt-original-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8))
                    .add("dlt-original-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
            kafka.send(letter);
        }
        String topic = records.isEmpty() ? "none" : records.get(0).topic();
        meters.counter("wallet.ledger.records", "topic", topic).increment(records.size());
        meters.counter("wallet.ledger.dead_letters", "topic", topic).increment(outcome.deadLetters.size());
        for (LedgerEvent event : outcome.events) {
            meters.counter("wallet.ledger.events", "type", event.type().name()).increment();
        }
    }
}
