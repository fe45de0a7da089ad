package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.ledger.LedgerSettings;
import dev.walletpipeline.ledger.posting.poison.Failures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Consumes {@code wallet.transfer-commands} (each wallet's command log) and
 * {@code paystack.events} (routed to it) inside Kafka transactions that the container
 * opens: the database transaction commits first, then the events, the commands for other
 * wallets and the consumed offsets commit together. A crash between the two leaves the
 * offsets uncommitted; the redelivered records find their effects in
 * {@code processed_messages} and emit the same events again, with the same ids.
 *
 * <p>
 * A wallet's events are produced only by the consumer that owns its partition, one Kafka
 * transaction after another, so they reach {@code wallet.ledger-events} in sequence
 * order. A consumer that lost its partition cannot commit any more (its transaction is
 * fenced by the group generation), and its successor starts from the offsets committed
 * last.
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

    /**
     * The headers a wallet command may carry: its kind and, for Paystack facts, proof.
     */
    private static final Set<String> WALLET_COMMAND_HEADERS = Stream
        .concat(PaystackProof.HEADERS.stream(), Stream.of(WalletCommand.HEADER))
        .collect(Collectors.toUnmodifiableSet());

    private final PaystackRouting routing;

    private final WalletPosting wallets;

    /**
     * Per batch, the time it waited for a lock another transaction held on its accounts:
     * zero while each wallet has one writer.
     */
    private final Timer waiting;

    private final KafkaTemplate<String, byte[]> kafka;

    private final JdbcClient jdbc;

    private final MeterRegistry meters;

    private final boolean haltAfterDatabaseCommit;

    private final boolean haltAfterCreditLegSent;

    PostingListeners(PaystackRouting routing, WalletPosting wallets, KafkaTemplate<String, byte[]> kafka,
            JdbcClient jdbc, MeterRegistry meters, LedgerSettings settings) {
        this.haltAfterDatabaseCommit = settings.faultInjection().haltAfterDatabaseCommit();
        this.haltAfterCreditLegSent = settings.faultInjection().haltAfterCreditLegSent();
        this.routing = routing;
        this.wallets = wallets;
        this.waiting = Timer.builder("wallet.ledger.batch.waiting")
            .description("per batch, time waited for locks another transaction held on its accounts")
            .register(meters);
        this.kafka = kafka;
        this.jdbc = jdbc;
        this.meters = meters;
    }

    @KafkaListener(id = "paystack-events", idIsGroup = false, topics = "paystack.events", batch = "true")
    void onPaystackEvents(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumedRecord> consumed = records.stream().map(r -> ConsumedRecord.of(r, PaystackProof.HEADERS)).toList();
        finish(Topic.PAYSTACK_EVENTS_DLT, records, routing.route(consumed));
    }

    @KafkaListener(id = "transfer-commands", idIsGroup = false, topics = "wallet.transfer-commands", batch = "true")
    void onWalletCommands(List<ConsumerRecord<String, byte[]>> records) {
        List<ConsumedRecord> consumed = records.stream()
            .map(r -> ConsumedRecord.of(r, WALLET_COMMAND_HEADERS))
            .toList();
        BatchOutcome outcome = isolatingPoison(consumed, wallets::apply);
        waiting.record(outcome.waitedNanos, TimeUnit.NANOSECONDS);
        finish(Topic.TRANSFER_COMMANDS_DLT, records, outcome);
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
        if (haltAfterCreditLegSent && outcome.commands.stream()
            .anyMatch(c -> WalletCommand.TRANSFER_IN_TRANSIT.equals(c.headers().get(WalletCommand.HEADER)))) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    Runtime.getRuntime().halt(137);
                }
            });
        }
        LedgerEvents.emit(kafka, outcome.events);
        for (BatchOutcome.Command command : outcome.commands) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.TRANSFER_COMMANDS.name(),
                    command.walletId(), command.body());
            command.headers()
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.US_ASCII)));
            kafka.send(record);
        }
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
            record.headers()
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
                insert into dead_letters (topic, kafka_partition, kafka_offset, record_key, payload, reason,
                    record_headers)
                select t, p, o, decode(k, 'base64'), decode(v, 'base64'), r, h::jsonb
                from unnest(?::text[], ?::int[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
                    as x(t, p, o, k, v, r, h)
                on conflict (topic, kafka_partition, kafka_offset) do nothing""")
            .params(deadLetters.stream().map(d -> d.record().topic()).toArray(String[]::new),
                    deadLetters.stream().mapToInt(d -> d.record().partition()).toArray(),
                    deadLetters.stream().mapToLong(d -> d.record().offset()).toArray(),
                    deadLetters.stream()
                        .map(d -> base64(
                                d.record().key() == null ? null : d.record().key().getBytes(StandardCharsets.UTF_8)))
                        .toArray(String[]::new),
                    deadLetters.stream().map(d -> base64(d.record().value())).toArray(String[]::new),
                    deadLetters.stream().map(d -> Failures.printable(d.reason())).toArray(String[]::new),
                    deadLetters.stream()
                        .map(d -> Json.MAPPER.writeValueAsString(d.record().headers()))
                        .toArray(String[]::new))
            .update();
    }

    private static @Nullable String base64(byte @Nullable [] bytes) {
        return bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
    }

}
