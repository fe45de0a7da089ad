package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.WalletCommand;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * A consumed record: its position (which makes a redelivery recognisable), its bytes, and
 * the header values that say what it is and carry its proof.
 */
public record ConsumedRecord(String topic, int partition, long offset, @Nullable String key, byte @Nullable [] value,
        Map<String, String> headers) {

    static ConsumedRecord of(ConsumerRecord<String, byte[]> record, Set<String> headerNames) {
        Map<String, String> kept = new HashMap<>();
        for (String name : headerNames) {
            Header header = record.headers().lastHeader(name);
            if (header != null && header.value() != null) {
                kept.put(name, new String(header.value(), StandardCharsets.US_ASCII));
            }
        }
        return new ConsumedRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                Map.copyOf(kept));
    }

    @Nullable String header(String name) {
        return headers.get(name);
    }

    /**
     * What a {@code wallet.transfer-commands} record asks for; records from before the
     * header existed are transfer requests.
     */
    String commandType() {
        return headers.getOrDefault(WalletCommand.HEADER, WalletCommand.TRANSFER_REQUESTED);
    }

    Position position() {
        return new Position(topic, partition, offset);
    }

    record Position(String topic, int partition, long offset) {
    }
}
