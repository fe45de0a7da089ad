package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.ledger.LedgerSettings;
import dev.walletpipeline.contracts.Topic;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Consumes {@code paystack.events} and {@code wallet.transfer-commands} inside Kafka
 * transactions that the container opens: the database transaction commits first, then the
 * events and the consumed offsets commit together. A crash between the two leaves the
 * offsets uncommitted; the redelivered records find their effects in
 * {@code processed_messages} and emit the same events again, with the same ids.
 *
 * <p>
 * No record stops the ledger. When a batch fails for a reason no retry can fix (see
 * {@link Failures}), it is split in halves and applied again until the records at fault
 * stand alone; they go to the topic's dead-letter topic and to {@code dead_letters}, and
 * the rest are applied, within the same Kafka transaction. Failures that time fixes
 * (database or broker away) roll the whole batch back to be read again.
 */
@Component
class PostingListeners {

    private static final Logger log = LoggerFactory.getLogger(PostingListeners.class);

    private final DepositPosting deposits;

    private final TransferPosting transfers;

    private final EventOrderLocks eventOrder;

    private final KafkaTemplate<String, byte[]> kafka;

    private final JdbcClient jdbc;

    private final MeterRegistry meters;

    private final boolean haltAfterDatabaseCommit;

    PostingListeners(DepositPosting deposits, TransferPosting transfers, EventOrderLocks eventOrder,
            KafkaTemplate<String, byte[]> kafka, JdbcClient jdbc, MeterRegistry meters, LedgerSettings settings) {
        this.haltAfterDatabaseCommit = settings.faultInjection().haltAfterDatabaseCommit();
        this.deposits = deposits;
        this.transfers = transfers;
        this.eventOrder = eventOrder;
        this.kafka = kafka;
        this.jdbc = jdbc;
        this.meters = meters;
    }

    @KafkaListener(id = "paystack-events", idIsGroup = false, topics = "paystack.events", batch = "true")
    void onPaystackEvents(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumedRecord> consumed = records.stream()
            .map(r -> ConsumedRecord.of(r, DepositPosting.PROOF_HEADERS))
            .toList();
        eventOrder.holdUntilKafkaCompletes(deposits.walletsOf(consumed));
        finish(Topic.PAYSTACK_EVENTS_DLT, records, isolatingPoison(consumed, deposits::apply));
    }

    @KafkaListener(id = "transfer-commands", idIsGroup = false, topics = "wallet.transfer-commands", batch = "true")
    void onTransferCommands(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumedRecord> consumed = records.stream().map(r -> ConsumedRecord.of(r, Set.of())).toList();
        eventOrder.holdUntilKafkaCompletes(transfers.walletsOf(consumed));
        finish(Topic.TRANSFER_COMMANDS_DLT, records, isolatingPoison(consumed, transfers::apply));
    }

    /**
     * Applies the records; when that fails permanently, applies each half on its own,
     * down to the single records at fault, which become dead letters. Each successful
     * part commits its own database transaction, and is found in
     * {@code processed_messages} if the batch is read again.
     */
    private BatchOutcome isolatingPoison(List<ConsumedRecord> records,
            Function<List<ConsumedRecord>, BatchOutcome> apply) {
        try {
            return apply.apply(records);
        }
        catch (RuntimeException failure) {
            if (!Failures.isPermanent(failure)) {
                throw failure;
            }
            if (records.size() == 1) {
                log.warn("dead-lettering {}-{}@{}: {}", records.get(0).topic(), records.get(0).partition(),
                        records.get(0).offset(), Failures.reason(failure));
                BatchOutcome poisoned = new BatchOutcome();
                poisoned.deadLetters.add(new BatchOutcome.DeadLetter(records.get(0), Failures.reason(failure)));
                return poisoned;
            }
            int half = records.size() / 2;
            BatchOutcome outcome = isolatingPoison(records.subList(0, half), apply);
            outcome.add(isolatingPoison(records.subList(half, records.size()), apply));
            return outcome;
        }
    }

    private void finish(Topic deadLetterTopic, List<ConsumerRecord<String, byte[]>> records, BatchOutcome outcome) {
        if (haltAfterDatabaseCommit && !outcome.events.isEmpty()) {
            Runtime.getRuntime().halt(137);
        }
        LedgerEvents.emit(kafka, outcome.events);
        keepForAPerson(outcome.deadLetters);
        for (BatchOutcome.DeadLetter dead : outcome.deadLetters) {
            ConsumedRecord record = dead.record();
            ProducerRecord<String, byte[]> letter = new ProducerRecord<>(deadLetterTopic.name(), null, record.key(),
                    record.value());
            letter.headers()
                .add("dlt-reason", dead.reason().getBytes(StandardCharsets.UTF_8))
                .add("dlt-original-topic", record.topic().getBytes(StandardCharsets.UTF_8))
                .add("dlt-original-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8))
                .add("dlt-original-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
            record.proofs()
                .forEach((name, value) -> letter.headers().add(name, value.getBytes(StandardCharsets.US_ASCII)));
            kafka.send(letter);
        }
        String topic = records.isEmpty() ? "none" : records.get(0).topic();
        meters.counter("wallet.ledger.records", "topic", topic).increment(records.size());
        meters.counter("wallet.ledger.dead_letters", "topic", topic).increment(outcome.deadLetters.size());
        for (LedgerEvent event : outcome.events) {
            meters.counter("wallet.ledger.events", "type", event.type().name()).increment();
        }
    }

    /**
     * Dead letters in the database too, as bytes: a person finds them with SQL, whatever
     * they hold. Written before the Kafka transaction commits; a redelivery finds its row
     * already there.
     */
    private void keepForAPerson(List<BatchOutcome.DeadLetter> deadLetters) {
        if (deadLetters.isEmpty()) {
            return;
        }
        jdbc.sql("""
                insert into dead_letters (topic, kafka_partition, kafka_offset, record_key, payload, reason)
                select t, p, o, decode(k, 'base64'), decode(v, 'base64'), r
                from unnest(?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[]) as x(t, p, o, k, v, r)
                on conflict (topic, kafka_partition, kafka_offset) do nothing""")
            .params(deadLetters.stream().map(d -> d.record().topic()).toArray(String[]::new),
                    deadLetters.stream().mapToInt(d -> d.record().partition()).toArray(),
                    deadLetters.stream().mapToLong(d -> d.record().offset()).toArray(),
                    deadLetters.stream()
                        .map(d -> base64(
                                d.record().key() == null ? null : d.record().key().getBytes(StandardCharsets.UTF_8)))
                        .toArray(String[]::new),
                    deadLetters.stream().map(d -> base64(d.record().value())).toArray(String[]::new),
                    deadLetters.stream().map(d -> Failures.printable(d.reason())).toArray(String[]::new))
            .update();
    }

    private static @Nullable String base64(byte @Nullable [] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }

}
