package dev.walletpipeline.api.outbox;

import dev.walletpipeline.contracts.Topic;
import dev.walletpipeline.contracts.TransferBatchRequested;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.contracts.WithdrawalRequested;
import dev.walletpipeline.contracts.states.TransferStatus;
import dev.walletpipeline.contracts.states.WithdrawalStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;

/**
 * A wallet command on its way to {@code wallet.transfer-commands}: the request it names
 * (a transfer, a bulk batch or a withdrawal, and the command's identity for
 * deduplication), the wallet it is keyed by, its type and its JSON.
 */
record Command(UUID id, String walletId, String type, String json) {

    /**
     * Debezium's topic for a table's changes: {@code <topic.prefix>.public.
     *
    <table>
     * }.
     */
    private static final String TABLE_TOPIC = "wallet.public.";

    /** The tables whose inserted rows are commands. */
    static final Set<String> REQUEST_TABLES = Set.of("transfers", "transfer_batches", "withdrawals");

    ProducerRecord<String, String> toRecord() {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topic.TRANSFER_COMMANDS.name(), walletId, json);
        record.headers().add("id", id.toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("event_type", type.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    static Command transfer(UUID id, UUID from, UUID to, long amount, String currency, Instant requestedAt) {
        return new Command(id, from.toString(), TransferRequested.TYPE,
                new TransferRequested(TransferRequested.VERSION, id, from, to, amount, currency, requestedAt).toJson());
    }

    static Command withdrawal(UUID id, UUID wallet, long amount, String currency, Instant requestedAt) {
        return new Command(id, wallet.toString(), WithdrawalRequested.TYPE,
                new WithdrawalRequested(WithdrawalRequested.VERSION, id, wallet, amount, currency, requestedAt)
                    .toJson());
    }

    /**
     * When the change's transaction committed in PostgreSQL (epoch millis): the change's
     * {@code source.ts_ms}; null for Debezium's own heartbeats.
     */
    static @Nullable Long committedAt(SourceRecord change) {
        if (!change.topic().startsWith(TABLE_TOPIC)) {
            return null;
        }
        if (change.value() instanceof Struct envelope && envelope.schema().field("source") != null
                && envelope.getStruct("source") != null) {
            return envelope.getStruct("source").getInt64("ts_ms");
        }
        return null;
    }

    /**
     * The command a newly inserted request row stands for, as Debezium streams the
     * insert; empty for the items of a bulk batch (the batch's own row brings them), for
     * a transfer recorded as already decided, and for every other table.
     */
    static Optional<Command> inserted(SourceRecord change) {
        if (!change.topic().startsWith(TABLE_TOPIC) || !(change.value() instanceof Struct envelope)) {
            return Optional.empty();
        }
        String table = change.topic().substring(TABLE_TOPIC.length());
        Struct row = envelope.getStruct("after");
        if (row == null || !REQUEST_TABLES.contains(table)) {
            return Optional.empty(); // the heartbeat's inserts only move the slot on
        }
        UUID id = UUID.fromString(row.getString("id"));
        Instant createdAt = OffsetDateTime.parse(row.getString("created_at")).toInstant();
        return switch (table) {
            case "transfers" ->
                row.get("batch_id") != null || !TransferStatus.PENDING.wire().equals(row.getString("status"))
                        ? Optional.empty()
                        : Optional.of(transfer(id, UUID.fromString(row.getString("from_wallet_id")),
                                UUID.fromString(row.getString("to_wallet_id")), row.getInt64("amount"),
                                row.getString("currency").trim(), createdAt));
            case "transfer_batches" -> {
                UUID from = UUID.fromString(row.getString("from_wallet_id"));
                yield Optional.of(new Command(id, from.toString(), TransferBatchRequested.TYPE,
                        new TransferBatchRequested(TransferBatchRequested.VERSION, id, from, createdAt).toJson()));
            }
            case "withdrawals" -> !WithdrawalStatus.PENDING.wire().equals(row.getString("status")) ? Optional.empty()
                    : Optional.of(withdrawal(id, UUID.fromString(row.getString("wallet_id")), row.getInt64("amount"),
                            row.getString("currency").trim(), createdAt));
            default -> throw new IllegalStateException("not a request table: " + table);
        };
    }

}
