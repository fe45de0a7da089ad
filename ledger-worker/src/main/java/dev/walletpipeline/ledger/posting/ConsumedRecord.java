package dev.walletpipeline.ledger.posting;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/** A record's position, which is what makes a redelivery recognisable. */
record ConsumedRecord(String topic, int partition, long offset, @Nullable String key, byte @Nullable [] value) {

    static ConsumedRecord of(ConsumerRecord<String, byte[]> record) {
        return new ConsumedRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value());
    }

    Position position() {
        return new Position(topic, partition, offset);
    }

    record Position(String topic, int partition, long offset) {
    }
}
