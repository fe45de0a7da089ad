package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import java.util.ArrayList;
import java.util.List;

/** What a committed batch asks the Kafka transaction to produce. */
final class BatchOutcome {

    final List<LedgerEvent> events = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();

    /** A record no retry can process, kept with its original bytes and the reason. */
    record DeadLetter(ConsumedRecord record, String reason) {
    }
}
