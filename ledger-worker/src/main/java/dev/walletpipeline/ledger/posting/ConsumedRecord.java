package dev.walletpipeline.ledger.posting;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * A consumed record: its position (which makes a redelivery recognisable), its bytes, and
 * the header values that carry its proof.
 */
record ConsumedRecord(String topic, int partition, long offset, @Nullable String key, byte @Nullable [] value,
        java.util.Map<String, String> proofs) {

    static ConsumedRecord of(ConsumerRecord<String, byte[]> record, java.util.Set<String> proofHeaders) {
        java.util.Map<String, String> proofs = new java.util.HashMap<>();
        for (String name : proofHeaders) {
            Header header = record.headers().lastHeader(name);
            if (header != null && header.value() != null) {
                proofs.put(name, new String(header.value(), StandardCharsets.US_ASCII));
            }
        }
        return new ConsumedRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                java.util.Map.copyOf(proofs));
    }

    @Nullable String proof(String header) {
        return proofs.get(header);
    }

    Position position() {
        return new Position(topic, partition, offset);
    }

    record Position(String topic, int partition, long offset) {
    }
}
