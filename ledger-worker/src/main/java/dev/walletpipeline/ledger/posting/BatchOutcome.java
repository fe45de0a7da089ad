package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import java.util.ArrayList;
import java.util.List;

/** What a committed batch asks the Kafka transaction to produce. */
final class BatchOutcome {

    final List<LedgerEvent> events = new ArrayList<>();

    final List<DeadLetter> deadLetters = new ArrayList<>();

    /** Adds what another part of the same batch produced, after this part's. */
    void add(BatchOutcome later) {
        events.addAll(later.events);
        deadLetters.addAll(later.deadLetters);
    }

    /** A record no retry can process, kept with its original bytes and the reason. */
    record DeadLetter(ConsumedRecord record, String reason) {
    }

}
