package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a committed batch asks the Kafka transaction to produce. */
public final class BatchOutcome {

    final List<LedgerEvent> events = new ArrayList<>();

    final List<DeadLetter> deadLetters = new ArrayList<>();

    /** Commands for other wallets' writers: credit legs, routed Paystack facts. */
    final List<Command> commands = new ArrayList<>();

    /** Time the batch waited for locks another transaction held on its wallets. */
    long waitedNanos;

    /** Adds what another part of the same batch produced, after this part's. */
    void add(BatchOutcome later) {
        events.addAll(later.events);
        deadLetters.addAll(later.deadLetters);
        commands.addAll(later.commands);
        waitedNanos += later.waitedNanos;
    }

    /** A record no retry can process, kept with its original bytes and the reason. */
    record DeadLetter(ConsumedRecord record, String reason) {
    }

    /**
     * A record for {@code wallet.transfer-commands}, keyed by the wallet it writes.
     *
     * @param headers sent as they are: the command type, and the proof of routed facts
     */
    public record Command(String walletId, byte[] body, Map<String, String> headers) {
    }

}
