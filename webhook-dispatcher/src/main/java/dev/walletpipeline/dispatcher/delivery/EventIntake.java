package dev.walletpipeline.dispatcher.delivery;

import dev.walletpipeline.contracts.LedgerEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads {@code wallet.ledger-events} and makes, in one database transaction per batch, a
 * delivery for each event and each enabled endpoint of its wallet's owner that wants its
 * type and existed when it happened (a new dispatcher group reading the topic from its
 * start sends no endpoint the history before it). The batch's offsets are committed only
 * after that transaction: a crash between the two reads the batch again, and the
 * deliveries already made are left as they are (one per endpoint and webhook-id). Nothing
 * here waits for an endpoint.
 */
@Component
class EventIntake {

    private static final Logger log = LoggerFactory.getLogger(EventIntake.class);

    private final Deliveries deliveries;

    private final DeliverySender sender;

    private final TransactionTemplate transaction;

    private final Counter unreadable;

    EventIntake(Deliveries deliveries, DeliverySender sender, TransactionTemplate transaction, MeterRegistry meters) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.transaction = transaction;
        this.unreadable = Counter.builder("webhook.events.unreadable")
            .description("ledger events that could not be read, skipped (logged with their position)")
            .register(meters);
    }

    @KafkaListener(id = "webhook-dispatcher", topics = "wallet.ledger-events")
    void onEvents(List<ConsumerRecord<String, byte[]>> records) {
        List<LedgerEvent> events = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                events.add(LedgerEvent.fromJson(record.value()));
            }
            catch (RuntimeException e) {
                // Written by ledger-worker, so never expected; it moves no money and
                // holding the partition would stop every later delivery.
                unreadable.increment();
                log.error("skipping an unreadable ledger event at {}-{}@{}: {}", record.topic(), record.partition(),
                        record.offset(), e.toString());
            }
        }
        List<Deliveries.Queue> behindOthers = transaction.execute(status -> add(events));
        if (behindOthers != null && !behindOthers.isEmpty()) {
            // A head delivered while this batch was written did not see the deliveries
            // queued behind it.
            deliveries.headsDue(behindOthers);
        }
        sender.wake();
    }

    private List<Deliveries.Queue> add(List<LedgerEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        Map<UUID, List<Deliveries.Subscription>> byWallet = new HashMap<>();
        for (Deliveries.Subscription s : deliveries
            .subscriptions(events.stream().map(LedgerEvent::walletId).toList())) {
            byWallet.computeIfAbsent(s.walletId(), w -> new ArrayList<>()).add(s);
        }
        if (byWallet.isEmpty()) {
            return List.of();
        }
        Set<UUID> transfers = new HashSet<>();
        for (LedgerEvent event : events) {
            if (event.transferId() != null && byWallet.containsKey(event.walletId())) {
                transfers.add(event.transferId());
            }
        }
        Map<UUID, UUID> senders = deliveries.sendersOf(transfers);
        List<Deliveries.NewDelivery> made = new ArrayList<>();
        for (LedgerEvent event : events) {
            List<Deliveries.Subscription> subscriptions = byWallet.get(event.walletId());
            if (subscriptions == null) {
                continue;
            }
            String type = WebhookEvents.typeOf(event.type());
            String direction = event.transferId() == null ? null
                    : event.walletId().equals(senders.get(event.transferId())) ? "out" : "in";
            String body = WebhookEvents.body(event, direction);
            for (Deliveries.Subscription subscription : subscriptions) {
                if (subscription.wants(type, event.occurredAt())) {
                    made.add(new Deliveries.NewDelivery(subscription.endpointId(),
                            WebhookEvents.messageId(event.eventId()), type, event.walletId(), event.sequence(), body));
                }
            }
        }
        return deliveries.add(made);
    }

}
